package e2e

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// dns53 is a tiny DNS server on the host's 127.0.0.1:53, UDP and TCP, which the guest
// reaches as 10.0.2.2:53 through QEMU's user network. It answers A queries for names
// under unigo.test with 10.0.2.2 (the host again), AAAA queries for them with no
// records, and anything else with NXDOMAIN. Over UDP, names starting with "tcp." get an
// empty truncated answer (TC), so the resolver must ask again over TCP.
type dns53 struct {
	udp, tcp atomic.Int64 // queries answered
}

// startDNS53 starts the server, or skips the test if port 53 cannot be bound (not root,
// or a resolver already listens there).
func startDNS53(t *testing.T) *dns53 {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:53")
	if err != nil {
		t.Skipf("cannot bind the host's 127.0.0.1:53/udp (%v): this test needs root and a free DNS port", err)
	}
	t.Cleanup(func() { pc.Close() })
	ln, err := net.Listen("tcp4", "127.0.0.1:53")
	if err != nil {
		t.Skipf("cannot bind the host's 127.0.0.1:53/tcp (%v): this test needs root and a free DNS port", err)
	}
	t.Cleanup(func() { ln.Close() })
	d := &dns53{}
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := dnsAnswer(buf[:n], true); resp != nil {
				d.udp.Add(1)
				pc.WriteTo(resp, from)
			}
		}
	}()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				for {
					var l [2]byte
					if _, err := io.ReadFull(c, l[:]); err != nil {
						return
					}
					q := make([]byte, binary.BigEndian.Uint16(l[:]))
					if _, err := io.ReadFull(c, q); err != nil {
						return
					}
					resp := dnsAnswer(q, false)
					if resp == nil {
						return
					}
					d.tcp.Add(1)
					c.Write(binary.BigEndian.AppendUint16(nil, uint16(len(resp))))
					c.Write(resp)
				}
			}()
		}
	}()
	return d
}

// dnsAnswer builds the reply to query q (one question), or nil for garbage.
func dnsAnswer(q []byte, udp bool) []byte {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return nil
	}
	var labels []string
	i := 12
	for i < len(q) && q[i] != 0 {
		l := int(q[i])
		if l > 63 || i+1+l > len(q) {
			return nil
		}
		labels = append(labels, string(q[i+1:i+1+l]))
		i += 1 + l
	}
	if i+5 > len(q) {
		return nil
	}
	name := strings.ToLower(strings.Join(labels, "."))
	qtype := binary.BigEndian.Uint16(q[i+1:])
	question := q[12 : i+5]
	ours := strings.HasSuffix(name, ".unigo.test")
	flags := uint16(0x8180) // response, recursion desired and available
	var answers []byte
	switch {
	case !ours:
		flags |= 3 // NXDOMAIN
	case udp && strings.HasPrefix(name, "tcp."):
		flags |= 0x0200 // truncated: ask again over TCP
	case qtype == 1:
		answers = []byte{0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 2, 2}
	}
	resp := append([]byte{}, q[:2]...)
	resp = binary.BigEndian.AppendUint16(resp, flags)
	resp = append(resp, 0, 1, 0, byte(len(answers)/16), 0, 0, 0, 0)
	resp = append(resp, question...)
	return append(resp, answers...)
}

// TestNetDNSThroughResolvConfOnPort53 is a lookup exactly as programs make it: plain
// net.LookupHost and net/http dialing "name:port", with Go's resolver reading the
// /etc/resolv.conf that `unigo run --dns 10.0.2.2` packs (for a package, and for a
// prebuilt image), asking port 53 of QEMU's gateway, which is the host's loopback, where
// the test serves DNS over UDP and TCP.
func TestNetDNSThroughResolvConfOnPort53(t *testing.T) {
	requireQEMU(t)
	t.Parallel()
	dns := startDNS53(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "host says hello to", r.Host)
	}))
	url := fmt.Sprintf("http://web.unigo.test:%d/", ln.Addr().(*net.TCPAddr).Port)
	img := buildInetImage(t)
	// The package (root archive packed for this run) and a prebuilt image (its archive
	// from `unigo build`, rewritten for --dns).
	for _, target := range []string{"./e2e/testdata/inet", img} {
		r := unigo(t, opts{}, runArgs([]string{"--net", "user", "--dns", "10.0.2.2"}, target,
			"resolve", "web.unigo.test", "10.0.2.2", "tcp.unigo.test", url)...)
		if got := wantCheckOK(t, r, "resolv-conf"); got != "10.0.2.2" {
			r.dump(t)
			t.Errorf("%s: /etc/resolv.conf names %q, want 10.0.2.2 (from --dns)", target, got)
		}
		for _, c := range []string{"lookup-udp", "lookup-tcp", "dial-by-name"} {
			wantCheckOK(t, r, c)
		}
		wantPass(t, r, "inet")
	}
	if dns.udp.Load() == 0 || dns.tcp.Load() == 0 {
		t.Errorf("the host's DNS server answered %d UDP and %d TCP queries; want some of each", dns.udp.Load(), dns.tcp.Load())
	}
	t.Logf("the host's DNS server answered %d queries over UDP and %d over TCP", dns.udp.Load(), dns.tcp.Load())
}

// TestNetDNSFromDHCPIsInResolvConf checks that without --dns the name server QEMU's
// DHCP server hands out (10.0.2.3) is the one /etc/resolv.conf names: the service
// compares the two and complains when they differ.
func TestNetDNSFromDHCPIsInResolvConf(t *testing.T) {
	requireQEMU(t)
	t.Parallel()
	r := runProg(t, opts{}, "inet", []string{"--net", "user"}, "resolve")
	if got := wantCheckOK(t, r, "resolv-conf"); got != "10.0.2.3" {
		t.Errorf("/etc/resolv.conf names %q, want 10.0.2.3 (QEMU's DHCP)", got)
	}
	for _, bad := range []string{"DHCP: no answer", "are not in /etc/resolv.conf"} {
		if strings.Contains(r.console(), bad) {
			r.dump(t)
			t.Errorf("console says %q", bad)
		}
	}
	wantPass(t, r, "inet")
}
