// Command unixsock exercises unix-domain sockets through the net package: stream
// listeners on path and abstract names, datagram and seqpacket sockets, socketpair,
// deadlines, errors, and a net/http server and client talking over a unix socket. The
// same program passes on Linux.
//
// Each check prints `name: ok details` or `name: FAILED reason`; the output ends with
// `PASS unixsock`, or `FAIL unixsock` and exit 1.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"github.com/unigo-os/unigo/e2e/testdata/internal/checks"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

func main() {
	dir, err := os.MkdirTemp("", "unixsock-")
	if err != nil {
		fmt.Println("FAIL unixsock: MkdirTemp:", err)
		os.Exit(1)
	}
	stream(filepath.Join(dir, "s.sock"), "stream-path")
	stream("@unigo-abstract-test", "stream-abstract")
	datagram(dir)
	seqpacket()
	pair()
	errorsAndDeadlines(dir)
	httpOverUnix(filepath.Join(dir, "http.sock"))
	if checks.Failed() {
		fmt.Println("FAIL unixsock")
		os.Exit(1)
	}
	fmt.Println("PASS unixsock")
}

// stream: listen, dial, echo in both directions, addresses, half-close, many connections.
func stream(addr, name string) {
	var p checks.Expect
	ln, err := net.Listen("unix", addr)
	if err != nil {
		checks.Report(name, []string{"Listen: " + err.Error()}, "")
		return
	}
	defer ln.Close()
	p.That(ln.Addr().String() == addr, "listener Addr = %q, want %q", ln.Addr(), addr)
	const conns = 20
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < conns; i++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c) // echo until the client half-closes
			}()
		}
	}()
	payload := bytes.Repeat([]byte("0123456789abcdef"), 64<<10/16*3) // 192 KiB: more than a ring
	for i := 0; i < conns; i++ {
		c, err := net.Dial("unix", addr)
		if err != nil {
			p.That(false, "Dial %d: %v", i, err)
			break
		}
		if i == 0 {
			p.That(c.RemoteAddr().String() == addr, "client RemoteAddr = %q, want %q", c.RemoteAddr(), addr)
		}
		msg := payload
		if i > 0 {
			msg = []byte(fmt.Sprintf("hello %d", i))
		}
		errc := make(chan error, 1)
		go func() {
			_, err := c.Write(msg)
			c.(*net.UnixConn).CloseWrite()
			errc <- err
		}()
		got, err := io.ReadAll(c)
		p.That(err == nil && bytes.Equal(got, msg), "conn %d: echo got %d bytes (%v), want %d", i, len(got), err, len(msg))
		p.That(<-errc == nil, "conn %d: write failed", i)
		c.Close()
	}
	ln.Close()
	wg.Wait()
	checks.Report(name, p, fmt.Sprintf("%d connections, %d KiB echoed", conns, len(payload)>>10))
}

func datagram(dir string) {
	var p checks.Expect
	saddr := filepath.Join(dir, "dgram.sock")
	caddr := filepath.Join(dir, "dgram-client.sock")
	srv, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: saddr, Net: "unixgram"})
	if err != nil {
		checks.Report("dgram", []string{"ListenUnixgram: " + err.Error()}, "")
		return
	}
	defer srv.Close()
	cli, err := net.DialUnix("unixgram", &net.UnixAddr{Name: caddr, Net: "unixgram"}, &net.UnixAddr{Name: saddr, Net: "unixgram"})
	if err != nil {
		checks.Report("dgram", []string{"DialUnix: " + err.Error()}, "")
		return
	}
	defer cli.Close()
	for i := 0; i < 10; i++ {
		cli.Write([]byte(fmt.Sprintf("datagram %d", i)))
	}
	buf := make([]byte, 100)
	for i := 0; i < 10; i++ {
		n, from, err := srv.ReadFromUnix(buf)
		want := fmt.Sprintf("datagram %d", i)
		p.That(err == nil && string(buf[:n]) == want, "read %d: %q %v, want %q", i, buf[:n], err, want)
		p.That(from != nil && from.Name == caddr, "sender = %v, want %s", from, caddr)
		if from != nil {
			srv.WriteToUnix([]byte("re: "+want), from)
		}
	}
	for i := 0; i < 10; i++ {
		n, err := cli.Read(buf)
		want := fmt.Sprintf("re: datagram %d", i)
		p.That(err == nil && string(buf[:n]) == want, "reply %d: %q %v", i, buf[:n], err)
	}
	// A short read truncates the datagram; the rest is gone.
	cli.Write([]byte("0123456789"))
	cli.Write([]byte("next"))
	small := make([]byte, 4)
	n, _, flags, _, err := srv.ReadMsgUnix(small, nil)
	p.That(err == nil && n == 4 && flags&syscall.MSG_TRUNC != 0, "truncated read: n=%d flags=%#x err=%v", n, flags, err)
	n, err = srv.Read(buf)
	p.That(err == nil && string(buf[:n]) == "next", "after truncation: %q %v", buf[:n], err)
	checks.Report("dgram", p, "10 datagrams each way, sender addresses, truncation")
}

func seqpacket() {
	var p checks.Expect
	ln, err := net.Listen("unixpacket", "@unigo-seqpacket")
	if err != nil {
		checks.Report("seqpacket", []string{"Listen: " + err.Error()}, "")
		return
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 1000)
		for {
			n, err := c.Read(buf)
			if err != nil || n == 0 {
				return
			}
			c.Write(buf[:n])
		}
	}()
	c, err := net.Dial("unixpacket", "@unigo-seqpacket")
	if err != nil {
		checks.Report("seqpacket", []string{"Dial: " + err.Error()}, "")
		return
	}
	for _, m := range []string{"one", "two two", "three three three"} {
		c.Write([]byte(m))
	}
	buf := make([]byte, 1000)
	for _, m := range []string{"one", "two two", "three three three"} {
		n, err := c.Read(buf)
		p.That(err == nil && string(buf[:n]) == m, "record: got %q %v, want %q", buf[:n], err, m)
	}
	c.Close()
	checks.Report("seqpacket", p, "record boundaries kept")
}

func pair() {
	var p checks.Expect
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		checks.Report("socketpair", []string{err.Error()}, "")
		return
	}
	f0, f1 := os.NewFile(uintptr(fds[0]), "a"), os.NewFile(uintptr(fds[1]), "b")
	c0, err0 := net.FileConn(f0)
	c1, err1 := net.FileConn(f1)
	f0.Close()
	f1.Close()
	if err0 != nil || err1 != nil {
		checks.Report("socketpair", []string{fmt.Sprint("FileConn: ", err0, err1)}, "")
		return
	}
	go func() { c0.Write([]byte("ping")); c0.Close() }()
	got, err := io.ReadAll(c1)
	p.That(err == nil && string(got) == "ping", "read %q %v", got, err)
	_, err = c1.Write([]byte("x"))
	p.That(errors.Is(err, syscall.EPIPE), "write after peer close: %v, want EPIPE", err)
	c1.Close()
	checks.Report("socketpair", p, "FileConn, EOF and EPIPE after the peer closes")
}

func errorsAndDeadlines(dir string) {
	var p checks.Expect
	_, err := net.Dial("unix", filepath.Join(dir, "nobody.sock"))
	p.That(errors.Is(err, syscall.ENOENT), "dial of a missing path: %v, want ENOENT", err)
	_, err = net.Dial("unix", "@unigo-nobody")
	p.That(errors.Is(err, syscall.ECONNREFUSED), "dial of a missing abstract name: %v, want ECONNREFUSED", err)
	ln, err := net.Listen("unix", "@unigo-dup")
	if err == nil {
		_, err2 := net.Listen("unix", "@unigo-dup")
		p.That(errors.Is(err2, syscall.EADDRINUSE), "second listen: %v, want EADDRINUSE", err2)
		c, err := net.Dial("unix", "@unigo-dup")
		if err == nil {
			c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			start := time.Now()
			_, err = c.Read(make([]byte, 1))
			var ne net.Error
			p.That(errors.As(err, &ne) && ne.Timeout(), "read deadline: %v", err)
			p.That(time.Since(start) < 2*time.Second, "read deadline took %v", time.Since(start))
			c.Close()
		}
		ln.Close()
	}
	mfd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 262)
	if _, serr := os.Stat("/proc/sys/net/mptcp/enabled"); serr == nil && err == nil {
		syscall.Close(mfd) // a Linux host with MPTCP
	} else {
		p.That(err == syscall.EPROTONOSUPPORT, "MPTCP socket: %v, want EPROTONOSUPPORT", err)
	}
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK, 0)
	if err == nil {
		typ, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TYPE)
		p.That(err == nil && typ == syscall.SOCK_STREAM, "SO_TYPE = %d %v", typ, err)
		syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
		v, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR)
		p.That(err == nil && v == 1, "SO_REUSEADDR read back %d %v", v, err)
		syscall.Bind(fd, &syscall.SockaddrUnix{Name: "@unigo-nb"})
		syscall.Listen(fd, 1)
		_, _, err = syscall.Accept4(fd, syscall.SOCK_CLOEXEC)
		p.That(err == syscall.EAGAIN, "accept on an empty non-blocking listener: %v, want EAGAIN", err)
		syscall.Close(fd)
	}
	checks.Report("errors", p, "ENOENT, ECONNREFUSED, EADDRINUSE, deadlines, EPROTONOSUPPORT, EAGAIN")
}

func httpOverUnix(path string) {
	var p checks.Expect
	ln, err := net.Listen("unix", path)
	if err != nil {
		checks.Report("http", []string{"Listen: " + err.Error()}, "")
		return
	}
	big := bytes.Repeat([]byte("unigo http over a unix socket\n"), 1<<20/30)
	bigSum := sha256.Sum256(big)
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "hello %s", r.URL.Query().Get("n")) })
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { w.Write(big) })
	mux.HandleFunc("/upload", func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		io.Copy(h, r.Body)
		fmt.Fprintf(w, "%x", h.Sum(nil))
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}
	start := time.Now()
	const n = 200
	for i := 0; i < n; i++ {
		resp, err := client.Get(fmt.Sprintf("http://unix/hello?n=%d", i))
		if err != nil {
			p.That(false, "GET %d: %v", i, err)
			break
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		p.That(string(body) == fmt.Sprintf("hello %d", i), "GET %d: body %q", i, body)
	}
	per := time.Since(start) / n
	resp, err := client.Get("http://unix/big")
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		p.That(sha256.Sum256(body) == bigSum, "/big: %d bytes, hash differs", len(body))
	} else {
		p.That(false, "GET /big: %v", err)
	}
	resp, err = client.Post("http://unix/upload", "application/octet-stream", bytes.NewReader(big))
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		p.That(string(body) == fmt.Sprintf("%x", bigSum), "/upload: hash %s", body)
	} else {
		p.That(false, "POST /upload: %v", err)
	}
	// Concurrent clients.
	var wg sync.WaitGroup
	var mu sync.Mutex
	errs := 0
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				resp, err := client.Get("http://unix/hello?n=c")
				if err == nil {
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if string(b) == "hello c" {
						continue
					}
				}
				mu.Lock()
				errs++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	p.That(errs == 0, "%d concurrent requests failed", errs)
	srv.Close()
	checks.Report("http", p, fmt.Sprintf("%d sequential GETs (%v each), 1 MiB down and up by hash, 80 concurrent", n, per.Round(time.Microsecond)))
}
