package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// httpdWorkload is the network workload (issue 5): the guest serves a fixed
// 64-byte body with net/http on :8080 (bench/guest/httpd.go, built with
// -tags benchnet into a second image on each side), reached from the host
// through QEMU's user-network port forward. Drive measures QEMU start ->
// first HTTP 200, then the latency of sequential requests on one keep-alive
// connection, then requests/s from a bounded Go load loop, and then asks
// the guest to exit (GET /quit).
//
// The load generator runs on the host and shares its 2 cores with the VM
// (one TCG thread): requests/s is what the pair manages together.
type httpdWorkload struct {
	requests int           // sequential requests for the latency figures
	conns    int           // keep-alive connections of the load loop
	load     time.Duration // length of the load loop
	share    float64
}

const (
	httpdGuestPort = 8080
	httpdBodyLen   = 64 // len(httpdBody) in bench/guest/httpd.go
)

func (w httpdWorkload) Name() string           { return "httpd" }
func (w httpdWorkload) ID() string             { return "httpd" }
func (w httpdWorkload) CPUs() int              { return 1 }
func (w httpdWorkload) Share() float64         { return w.share }
func (w httpdWorkload) Args() []string         { return []string{"-addr", fmt.Sprintf(":%d", httpdGuestPort)} }
func (w httpdWorkload) Timeout() time.Duration { return 60*time.Second + w.load }
func (w httpdWorkload) Net() bool              { return true }
func (w httpdWorkload) MinMem() bool           { return false }
func (w httpdWorkload) Volume() int64          { return 0 }

// Figures: everything comes from Drive (Run.Samples).
func (w httpdWorkload) Figures(r *Run) []Sample { return nil }

func (w httpdWorkload) Drive(ctx context.Context, vm *VM) ([]Sample, error) {
	base := fmt.Sprintf("http://127.0.0.1:%d", vm.HostPort)
	get := func(c *http.Client, path string) error {
		req, err := http.NewRequestWithContext(ctx, "GET", base+path, nil)
		if err != nil {
			return err
		}
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != 200 {
			return fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		if path == "/" && n != httpdBodyLen {
			return fmt.Errorf("GET /: %d bytes, want %d", n, httpdBodyLen)
		}
		return nil
	}

	// Readiness: QEMU's port forward accepts a connection even when nothing
	// listens in the guest, so only a real HTTP answer counts, with a short
	// timeout per try and a fresh connection each time.
	probe := &http.Client{Timeout: 100 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	var first time.Duration
	for {
		if err := get(probe, "/"); err == nil {
			first = time.Since(vm.Start)
			break
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("no HTTP 200 before the timeout")
		}
		time.Sleep(10 * time.Millisecond)
	}

	// Sequential latency, one keep-alive connection.
	tr := &http.Transport{MaxIdleConnsPerHost: w.conns, MaxConnsPerHost: w.conns}
	defer tr.CloseIdleConnections()
	c := &http.Client{Timeout: 5 * time.Second, Transport: tr}
	lat := make([]float64, 0, w.requests)
	for i := 0; i < w.requests; i++ {
		t := time.Now()
		if err := get(c, "/"); err != nil {
			return nil, fmt.Errorf("sequential request %d: %v", i, err)
		}
		lat = append(lat, ms(time.Since(t)))
	}
	sort.Float64s(lat)

	// Load: w.conns goroutines, each with requests in flight one at a time,
	// over at most w.conns keep-alive connections, for w.load.
	var ok atomic.Int64
	var errMu sync.Mutex
	var loadErr error
	stop := time.Now().Add(w.load)
	var wg sync.WaitGroup
	t := time.Now()
	for g := 0; g < w.conns; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				if err := get(c, "/"); err != nil {
					errMu.Lock()
					if loadErr == nil {
						loadErr = err
					}
					errMu.Unlock()
					return
				}
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	el := time.Since(t)
	if loadErr != nil {
		return nil, fmt.Errorf("load: after %d requests: %v", ok.Load(), loadErr)
	}

	// Quit on a fresh connection. An error here is no failure of the
	// measurement: the guest may have got the request and be gone (Go's
	// client then retries on a new connection, which is refused); if it
	// did not get it, the run times out and is retried.
	tr.CloseIdleConnections()
	get(&http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}, "/quit")
	return []Sample{
		{"httpd.first_200", ms(first)},
		{"httpd.p50", quantile(lat, 0.50)},
		{"httpd.p99", quantile(lat, 0.99)},
		{"httpd.rps", float64(ok.Load()) / el.Seconds()},
	}, nil
}

// quantile of sorted xs, nearest rank.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	i := int(q*float64(len(xs))+0.999999) - 1
	return xs[min(max(i, 0), len(xs)-1)]
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago, for
// QEMU's hostfwd.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
