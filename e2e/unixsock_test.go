package e2e

import "testing"

// TestUnixSocketsWork runs e2e/testdata/unixsock: stream sockets on path and abstract
// names, datagram and seqpacket sockets, socketpair with net.FileConn, errors and
// deadlines as on Linux, and a net/http server and client over a unix socket. It runs
// on one CPU and on two.
func TestUnixSocketsWork(t *testing.T) {
	for _, cpus := range []string{"1", "2"} {
		t.Run("cpus="+cpus, func(t *testing.T) {
			t.Parallel()
			r := runProg(t, opts{}, "unixsock", []string{"--cpus", cpus})
			for _, c := range []string{"stream-path", "stream-abstract", "dgram", "seqpacket", "socketpair", "errors", "http"} {
				wantCheckOK(t, r, c)
			}
			wantPass(t, r, "unixsock")
		})
	}
}
