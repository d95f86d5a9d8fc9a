//go:build benchnet

package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"time"
)

// conns is built with -tags benchnet, as httpd is (it imports net).
func init() {
	workloads["conns"] = workload{run: conns, net: true}
}

// conns measures a server with many connections open: -n loopback TCP connections to an
// echo server inside the guest, all held open (2n sockets in the netpoller), then one
// 64-byte echo on each in turn. Metrics: the time to open them all, and the mean echo
// round trip while they are open. A kernel that looks at every socket on each event
// makes the round trip grow with n.
func conns(args []string) error {
	fs := flag.NewFlagSet("conns", flag.ContinueOnError)
	n := fs.Int("n", 1000, "connections held open at once")
	if err := fs.Parse(args); err != nil {
		return err
	}
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
	cs := make([]net.Conn, 0, *n)
	defer func() {
		for _, c := range cs {
			c.Close()
		}
	}()
	start := time.Now()
	for i := 0; i < *n; i++ {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), 10*time.Second)
		if err != nil {
			return fmt.Errorf("connection %d: %v", i, err)
		}
		cs = append(cs, c)
	}
	metric("conns_open", float64(time.Since(start).Nanoseconds())/1e6, "ms")
	msg := bytes.Repeat([]byte("x"), 64)
	got := make([]byte, len(msg))
	start = time.Now()
	for i, c := range cs {
		if _, err := c.Write(msg); err != nil {
			return fmt.Errorf("write on connection %d: %v", i, err)
		}
		if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
			return fmt.Errorf("echo on connection %d: %v", i, err)
		}
	}
	metric("conns_echo", float64(time.Since(start).Nanoseconds())/1e3/float64(*n), "µs")
	return nil
}
