// Command inet exercises TCP and UDP sockets through the net package, over the netstack
// service: loopback checks by default; `serve ADDR` runs an HTTP server until /quit;
// `client URL UDPADDR` fetches URL and echoes a datagram off UDPADDR; `resolve ...`
// looks names up through /etc/resolv.conf (see resolve); `conns N` holds N loopback TCP
// connections open at once (see conns). The same program passes on Linux.
//
// Each check prints `name: ok details` or `name: FAILED reason`; the output ends with
// `PASS inet`, or `FAIL inet` and exit 1.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var failed bool

func check(name string, err error, details string) {
	if err == nil {
		fmt.Printf("%s: ok %s\n", name, details)
		return
	}
	failed = true
	fmt.Printf("%s: FAILED %v\n", name, err)
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "serve":
			serve(os.Args[2])
			return
		case "client":
			client(os.Args[2], os.Args[3])
			clientErrors(os.Args[4], os.Args[5])
		case "keepalive":
			keepalive(os.Args[2])
		case "resolve":
			resolve(os.Args[2:])
		case "conns":
			n, err := strconv.Atoi(os.Args[2])
			if err != nil {
				check("conns", err, "")
				break
			}
			check("conns", conns(n), fmt.Sprintf("%d TCP connections open at once, each echoed a message", n))
		case "sleep":
			// Links the netstack service but never listens: -p forwards reach nothing.
			fmt.Println("sleeping without listening")
			time.Sleep(time.Hour)
		}
	} else {
		loopback()
	}
	if failed {
		fmt.Println("FAIL inet")
		os.Exit(1)
	}
	fmt.Println("PASS inet")
}

func echoOnce(network, listen, dialAddr string) error {
	ln, err := net.Listen(network, listen)
	if err != nil {
		return err
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		io.Copy(c, c)
		c.Close()
	}()
	if dialAddr == "" {
		dialAddr = ln.Addr().String()
	} else {
		dialAddr = net.JoinHostPort(dialAddr, fmt.Sprint(ln.Addr().(*net.TCPAddr).Port))
	}
	c, err := net.DialTimeout("tcp", dialAddr, 5*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	msg := bytes.Repeat([]byte("unigo-inet "), 30000) // 330 KB: more than the rings hold
	go c.Write(msg)
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		return fmt.Errorf("read back: %v", err)
	}
	if !bytes.Equal(got, msg) {
		return errors.New("echoed bytes differ")
	}
	return nil
}

// conns opens n loopback TCP connections to an echo server and keeps them all open (2n
// sockets, each watched by the netpoller), then sends a message on each in turn and
// checks its echo, then a second round in reverse order: every connection still works
// while all the others are open.
func conns(n int) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				io.Copy(c, c)
				c.Close()
			}()
		}
	}()
	cs := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range cs {
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), 10*time.Second)
		if err != nil {
			return fmt.Errorf("connection %d: %v", i, err)
		}
		cs = append(cs, c)
	}
	echo := func(i int, round int) error {
		c := cs[i]
		c.SetDeadline(time.Now().Add(20 * time.Second))
		msg := []byte(fmt.Sprintf("round %d on connection %d", round, i))
		if _, err := c.Write(msg); err != nil {
			return fmt.Errorf("write on connection %d: %v", i, err)
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
			return fmt.Errorf("echo on connection %d: %q, %v", i, got, err)
		}
		return nil
	}
	for i := range cs {
		if err := echo(i, 1); err != nil {
			return err
		}
	}
	for i := len(cs) - 1; i >= 0; i-- {
		if err := echo(i, 2); err != nil {
			return err
		}
	}
	return nil
}

func loopback() {
	check("tcp4", echoOnce("tcp4", "127.0.0.1:0", ""), "")
	check("tcp6", echoOnce("tcp6", "[::1]:0", ""), "")
	check("dualstack", echoOnce("tcp", ":0", "127.0.0.1"), "listener on [::] reached over IPv4")

	// Connection refused.
	_, err := net.DialTimeout("tcp", "127.0.0.1:1", 5*time.Second)
	if errors.Is(err, syscall.ECONNREFUSED) {
		check("refused", nil, "")
	} else {
		check("refused", fmt.Errorf("got %v, want ECONNREFUSED", err), "")
	}

	// Port in use.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err == nil {
		_, err2 := net.Listen("tcp", ln.Addr().String())
		if errors.Is(err2, syscall.EADDRINUSE) {
			check("addrinuse", nil, "")
		} else {
			check("addrinuse", fmt.Errorf("got %v", err2), "")
		}
		ln.Close()
	} else {
		check("addrinuse", err, "")
	}

	// UDP echo on loopback.
	check("udp", udpEcho("127.0.0.1:0"), "")

	// HTTP on loopback.
	check("http", httpLoop(), "")
}

func udpEcho(addr string) error {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return err
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
	c, err := net.Dial("udp", pc.LocalAddr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	return udpRoundTrip(c)
}

func udpRoundTrip(c net.Conn) error {
	buf := make([]byte, 2048)
	for i := 0; i < 5; i++ {
		msg := fmt.Sprintf("datagram %d", i)
		c.SetDeadline(time.Now().Add(2 * time.Second))
		if _, err := c.Write([]byte(msg)); err != nil {
			return err
		}
		n, err := c.Read(buf)
		if err != nil {
			return err
		}
		if string(buf[:n]) != msg {
			return fmt.Errorf("got %q, want %q", buf[:n], msg)
		}
	}
	return nil
}

func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s from unigo\n", r.URL.Query().Get("i"))
	})
	return mux
}

func httpLoop() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	go http.Serve(ln, handler())
	for i := 0; i < 20; i++ {
		resp, err := http.Get(fmt.Sprintf("http://%s/hello?i=%d", ln.Addr(), i))
		if err != nil {
			return err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if want := fmt.Sprintf("hello %d from unigo\n", i); string(b) != want {
			return fmt.Errorf("body %q, want %q", b, want)
		}
	}
	return nil
}

func serve(addr string) {
	mux := http.NewServeMux()
	mux.Handle("/hello", handler())
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		w.Header().Set("Content-Length", strconv.Itoa(n))
		w.Write(Pattern(n))
	})
	mux.HandleFunc("/upload", func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		fmt.Fprintf(w, "%d %s\n", n, hex.EncodeToString(h.Sum(nil)))
	})
	mux.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, stats())
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		go func() {
			time.Sleep(100 * time.Millisecond)
			fmt.Println("PASS inet")
			os.Exit(0)
		}()
	})
	// UDP echo on the same port number.
	if pc, err := net.ListenPacket("udp", addr); err == nil {
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
	} else {
		fmt.Println("udp listen:", err)
	}
	fmt.Println("serving", addr)
	err := http.ListenAndServe(addr, mux)
	fmt.Println("FAIL inet: serve:", err)
	os.Exit(1)
}

func client(url, udpAddr string) {
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.Get(url)
	if err == nil {
		var b []byte
		b, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && !strings.HasPrefix(string(b), "host says hello") {
			err = fmt.Errorf("body %q", b)
		}
	}
	check("client-get", err, "")
	c, err := net.Dial("udp", udpAddr)
	if err == nil {
		err = udpRoundTrip(c)
		c.Close()
	}
	check("client-udp", err, "")
}

// Pattern is the body of /big?n=N; the host test computes the same bytes.
func Pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>11)
	}
	return b
}

// stats reports what leaks would show: open fds, goroutines, the Go heap after a GC and
// the kernel's free memory.
func stats() string {
	runtime.GC()
	debug.FreeOSMemory()
	ents, err := os.ReadDir("/proc/self/fd")
	fds := len(ents)
	if err != nil {
		fds = -1
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	memFree := -1
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemFree:" {
				memFree, _ = strconv.Atoi(f[1])
			}
		}
	}
	return fmt.Sprintf("fds=%d goroutines=%d heapalloc=%d heapsys=%d sys=%d memfree_kb=%d",
		fds, runtime.NumGoroutine(), ms.HeapAlloc, ms.HeapSys, ms.Sys, memFree)
}

// clientErrors checks a DNS lookup answered by the host's server at dnsAddr (through
// the Go resolver's own wire format over UDP), ECONNREFUSED from a closed host port
// and an i/o timeout dialing an address nobody answers for.
func clientErrors(dnsAddr, refusedAddr string) {
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", dnsAddr)
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	addrs, err := r.LookupHost(ctx, "unigo.test")
	cancel()
	if err == nil && (len(addrs) != 1 || addrs[0] != "192.0.2.7") {
		err = fmt.Errorf("got %v, want [192.0.2.7]", addrs)
	}
	check("client-dns", err, strings.Join(addrs, ","))

	_, err = net.DialTimeout("tcp", refusedAddr, 5*time.Second)
	if errors.Is(err, syscall.ECONNREFUSED) {
		check("client-refused", nil, err.Error())
	} else {
		check("client-refused", fmt.Errorf("got %v, want ECONNREFUSED", err), "")
	}

	t0 := time.Now()
	_, err = net.DialTimeout("tcp", "10.0.2.254:9", time.Second)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() && strings.Contains(err.Error(), "i/o timeout") {
		check("client-timeout", nil, fmt.Sprintf("%v after %v", err, time.Since(t0).Round(time.Millisecond)))
	} else {
		check("client-timeout", fmt.Errorf("got %v after %v, want an i/o timeout", err, time.Since(t0)), "")
	}
}

// resolve prints the name servers of /etc/resolv.conf (check resolv-conf), then, given
// NAME WANTADDR TCPNAME URL, looks NAME up with the default resolver (Go's, reading
// /etc/resolv.conf, port 53) and wants WANTADDR; looks TCPNAME up (the server truncates
// its UDP answer, so the resolver retries over TCP); and fetches URL, whose host is a
// name the server answers, with net/http.
func resolve(args []string) {
	conf, err := os.ReadFile("/etc/resolv.conf")
	var servers []string
	for _, l := range strings.Split(string(conf), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "nameserver" {
			servers = append(servers, f[1])
		}
	}
	if err == nil && len(servers) == 0 {
		err = fmt.Errorf("no nameserver in %q", conf)
	}
	check("resolv-conf", err, strings.Join(servers, ","))
	if len(args) < 4 {
		return
	}
	name, want, tcpName, url := args[0], args[1], args[2], args[3]
	for _, c := range []struct{ check, name string }{{"lookup-udp", name}, {"lookup-tcp", tcpName}} {
		addrs, err := net.LookupHost(c.name)
		if err == nil && (len(addrs) != 1 || addrs[0] != want) {
			err = fmt.Errorf("%s: got %v, want [%s]", c.name, addrs, want)
		}
		check(c.check, err, c.name+" "+strings.Join(addrs, ","))
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.Get(url)
	if err == nil {
		var b []byte
		b, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && !strings.HasPrefix(string(b), "host says hello") {
			err = fmt.Errorf("body %q", b)
		}
	}
	check("dial-by-name", err, url)
}

// keepalive dials addr with TCP keepalive probes every second (TCP_KEEPIDLE and
// TCP_KEEPINTVL of 1 s), says hello, and waits for the server to close the connection;
// the host test counts the keepalive probes on the wire meanwhile.
func keepalive(addr string) {
	d := net.Dialer{Timeout: 10 * time.Second,
		KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: time.Second, Interval: time.Second, Count: 9}}
	c, err := d.Dial("tcp", addr)
	if err == nil {
		defer c.Close()
		_, err = fmt.Fprintln(c, "hello, I will be quiet now")
	}
	if err == nil {
		c.SetReadDeadline(time.Now().Add(60 * time.Second))
		var b []byte
		b, err = io.ReadAll(c)
		if err == nil && len(b) != 0 {
			err = fmt.Errorf("server sent %q", b)
		}
	}
	check("keepalive", err, addr)
}
