package e2e

import (
	"net"
	"strconv"
	"testing"
)

// TestBadNetFlagsAreRejected checks that bad network flags and a host port already in
// use are reported clearly before any VM starts.
func TestBadNetFlagsAreRejected(t *testing.T) {
	requireCLI(t)
	busy, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"-p without a guest port", []string{"run", "-p", "8080", "./examples/hello"}, []string{"8080"}},
		{"-p with a bad port", []string{"run", "-p", "8080:99999", "./examples/hello"}, []string{"99999"}},
		{"-p with a bad protocol", []string{"run", "-p", "8080:80/sctp", "./examples/hello"}, []string{"sctp"}},
		{"-p with a bad address", []string{"run", "-p", "1.2.3:80:80", "./examples/hello"}, []string{"1.2.3"}},
		{"-p host port in use", []string{"run", "-p", busyPort + ":80", "./examples/hello"}, []string{"already in use"}},
		{"-p with tap", []string{"run", "--net", "tap:tap9", "-p", "8080:80", "./examples/hello"}, []string{"user networking"}},
		{"bad --net", []string{"run", "--net", "wifi", "./examples/hello"}, []string{"wifi"}},
		{"bad --ip", []string{"run", "--ip", "10.0.0.300/24", "./examples/hello"}, []string{"10.0.0.300"}},
		{"--gw without --ip", []string{"run", "--net", "user", "--gw", "10.0.2.2", "./examples/hello"}, []string{"--ip"}},
	}
	env, marker := fakeQEMUEnv(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := unigo(t, opts{noVM: true, env: env}, c.args...)
			if r.code == 0 {
				r.dump(t)
				t.Errorf("exit code: got 0, want non-zero")
			}
			wantClearMessage(t, r, c.want...)
			wantNoQEMU(t, r, marker)
		})
	}
}
