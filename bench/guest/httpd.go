//go:build benchnet

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// httpd is built only with -tags benchnet (a second image on each side):
// importing net/http makes `unigo build` link the netstack service, which
// would change the other workloads' boot times and image size.
func init() {
	workloads["httpd"] = workload{run: httpd, net: true}
}

// httpdBody is the fixed response body (64 bytes).
var httpdBody = []byte(strings.Repeat("unigo bench httpd body.", 3)[:63] + "\n")

// httpd serves GET / with httpdBody on -addr until the host asks GET /quit
// (bench/workload.go: httpdWorkload drives it from the host through QEMU's
// port forward).
func httpd(args []string) error {
	fs := flag.NewFlagSet("httpd", flag.ContinueOnError)
	addr := fs.String("addr", ":8080", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	quit := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write(httpdBody)
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close") // the server closes it after the answer
		w.Write([]byte("bye\n"))
		select {
		case <-quit:
		default:
			close(quit)
		}
	})
	srv := &http.Server{Handler: mux}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Printf("BENCH listening %s\n", ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-quit:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
