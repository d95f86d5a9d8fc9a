package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestInetLoopback runs e2e/testdata/inet's loopback checks: TCP over IPv4 and IPv6, a
// [::] listener reached over IPv4, ECONNREFUSED, EADDRINUSE, UDP echo and net/http, all
// inside the guest through the netstack service (the net package's IPv6 and MPTCP
// probes run first, on every Listen and Dial).
func TestInetLoopback(t *testing.T) {
	t.Parallel()
	r := runProg(t, opts{}, "inet", nil)
	for _, c := range []string{"tcp4", "tcp6", "dualstack", "refused", "addrinuse", "udp", "http"} {
		wantCheckOK(t, r, c)
	}
	wantPass(t, r, "inet")
}

// freePort returns a TCP port nothing listens on now (and a UDP port of the same number
// that is free too).
func freePort(t *testing.T) int {
	t.Helper()
	for i := 0; i < 20; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		l.Close()
		u, err := net.ListenPacket("udp", "127.0.0.1:"+strconv.Itoa(p))
		if err == nil {
			u.Close()
			return p
		}
	}
	t.Fatal("no free port")
	return 0
}

// buildInetImage builds e2e/testdata/inet once, so that timings start at QEMU.
func buildInetImage(t *testing.T) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "inet.img")
	r := unigo(t, opts{noVM: true}, "build", "-o", img, "./e2e/testdata/inet")
	if r.code != 0 {
		r.dump(t)
		t.Fatalf("unigo build failed")
	}
	return img
}

// TestInetHostForward boots an unmodified net/http server in the guest and talks to it
// from the host through `-p HOST:8080` (TCP) and `-p HOST:8080/udp`: readiness by real
// HTTP requests, then sequential requests with their bodies checked (100 with -short,
// 1,000 otherwise, with p50/p99), and UDP echo.
func TestInetHostForward(t *testing.T) {
	requireQEMU(t)
	img := buildInetImage(t)
	hp := freePort(t)
	o := opts{exclusive: !testing.Short()}
	switch {
	case o.exclusive:
		qemuSlots.acquire(2)
		defer qemuSlots.release(2)
	default:
		qemuSlots.acquire(1)
		defer qemuSlots.release(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	args := []string{"run", "--timeout", "120s", "-p", fmt.Sprintf("127.0.0.1:%d:8080", hp),
		"-p", fmt.Sprintf("127.0.0.1:%d:8080/udp", hp), img, "--", "serve", ":8080"}
	cmd := exec.CommandContext(ctx, unigoBin, args...)
	cmd.Dir = repoRoot
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}()
	base := fmt.Sprintf("http://127.0.0.1:%d", hp)
	// Readiness: QEMU accepts the host connection even before the guest listens, so only
	// a real answer counts.
	quick := &http.Client{Timeout: 100 * time.Millisecond}
	var ready time.Duration
	for ready == 0 {
		if time.Since(start) > 60*time.Second {
			t.Fatalf("no HTTP answer within 60 s; console:\n%s", out.String())
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("the VM ended before answering (%v); console:\n%s", err, out.String())
		default:
		}
		resp, err := quick.Get(base + "/hello?i=ready")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				ready = time.Since(start)
			}
		}
		if ready == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.Logf("QEMU start to first HTTP 200: %v", ready.Round(time.Millisecond))

	n := 1000
	if testing.Short() {
		n = 100
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	lat := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		t0 := time.Now()
		resp, err := hc.Get(fmt.Sprintf("%s/hello?i=%d", base, i))
		if err != nil {
			t.Fatalf("request %d: %v; console:\n%s", i, err, out.String())
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		lat = append(lat, time.Since(t0))
		if want := fmt.Sprintf("hello %d from unigo\n", i); err != nil || string(b) != want || resp.StatusCode != 200 {
			t.Fatalf("request %d: status %d body %q err %v, want %q", i, resp.StatusCode, b, err, want)
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("%d sequential requests (keep-alive): p50 %v, p99 %v", n,
		lat[n/2].Round(time.Microsecond), lat[n*99/100].Round(time.Microsecond))

	// UDP echo through the /udp forward.
	uc, err := net.Dial("udp", fmt.Sprintf("127.0.0.1:%d", hp))
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	buf := make([]byte, 2048)
	for i := 0; i < 5; i++ {
		msg := fmt.Sprintf("host datagram %d", i)
		got := ""
		for try := 0; try < 10 && got != msg; try++ { // UDP: a datagram may be lost
			uc.Write([]byte(msg))
			uc.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
			if k, err := uc.Read(buf); err == nil {
				got = string(buf[:k])
			}
		}
		if got != msg {
			t.Fatalf("UDP echo %d: got %q, want %q", i, got, msg)
		}
	}

	resp, err := hc.Get(base + "/quit")
	if err == nil {
		resp.Body.Close()
	}
	select {
	case err := <-done:
		done <- err
		if err != nil {
			t.Errorf("the VM exited with %v; console:\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		t.Errorf("the VM did not exit after /quit; console:\n%s", out.String())
	}
}

// TestInetGuestClient runs the guest as a client of servers the test runs on the host,
// reached through QEMU's gateway 10.0.2.2: an HTTP GET and UDP echo.
func TestInetGuestClient(t *testing.T) {
	requireQEMU(t)
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "host says hello to", r.RemoteAddr)
	}))
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo(buf[:n], from)
		}
	}()
	url := fmt.Sprintf("http://10.0.2.2:%d/", ln.Addr().(*net.TCPAddr).Port)
	udp := fmt.Sprintf("10.0.2.2:%d", pc.LocalAddr().(*net.UDPAddr).Port)
	r := runProg(t, opts{}, "inet", []string{"--net", "user"}, "client", url, udp)
	wantCheckOK(t, r, "client-get")
	wantCheckOK(t, r, "client-udp")
	wantPass(t, r, "inet")
}
