package netsvc

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"testing"
)

// offer builds the DHCP reply QEMU's user network sends: 10.0.2.15/24 via 10.0.2.2,
// name server 10.0.2.3, from server 10.0.2.2.
func offer(xid uint32, typ byte) []byte {
	f := make([]byte, 14+20+8+240)
	binary.BigEndian.PutUint16(f[12:], 0x0800)
	ip := f[14:]
	ip[0], ip[9] = 0x45, 17
	udp := ip[20:]
	binary.BigEndian.PutUint16(udp[0:], 67)
	binary.BigEndian.PutUint16(udp[2:], 68)
	p := udp[8:]
	p[0] = 2
	binary.BigEndian.PutUint32(p[4:], xid)
	copy(p[16:], []byte{10, 0, 2, 15})
	copy(p[236:], []byte{99, 130, 83, 99})
	f = append(f, 53, 1, typ, 1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 2, 2, 6, 4, 10, 0, 2, 3, 54, 4, 10, 0, 2, 2, 255)
	return f
}

func TestParseDHCPReadsQEMUsOffer(t *testing.T) {
	c, srv, typ, ok := parseDHCP(offer(0x1234, dhcpOffer), 0x1234)
	if !ok || typ != dhcpOffer {
		t.Fatalf("parseDHCP: type %d ok %v, want an offer", typ, ok)
	}
	if c.addr != netip.MustParsePrefix("10.0.2.15/24") || c.gw != netip.MustParseAddr("10.0.2.2") ||
		len(c.dns) != 1 || c.dns[0] != netip.MustParseAddr("10.0.2.3") || srv != netip.MustParseAddr("10.0.2.2") {
		t.Errorf("parseDHCP: addr %v gw %v dns %v server %v; want 10.0.2.15/24 via 10.0.2.2, dns [10.0.2.3], server 10.0.2.2",
			c.addr, c.gw, c.dns, srv)
	}
	if _, _, _, ok := parseDHCP(offer(0x1234, dhcpOffer), 0x4321); ok {
		t.Error("parseDHCP accepted a reply to another transaction")
	}
}

// Replies cut short or with random bytes changed (option lengths past the end, header
// lengths that lie) are rejected or parsed without a panic.
func TestParseDHCPSurvivesTruncatedAndMutatedReplies(t *testing.T) {
	good := offer(7, dhcpAck)
	for n := 0; n <= len(good); n++ {
		parseDHCP(good[:n], 7)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		b := append([]byte(nil), good...)
		for k := 1 + r.IntN(8); k > 0; k-- {
			b[r.IntN(len(b))] = byte(r.Uint32())
		}
		if r.IntN(4) == 0 {
			b = b[:r.IntN(len(b)+1)]
		}
		parseDHCP(b, 7)
	}
}

func FuzzParseDHCP(f *testing.F) {
	f.Add(offer(7, dhcpOffer))
	f.Add(offer(7, dhcpAck)[:300])
	f.Fuzz(func(t *testing.T, b []byte) { parseDHCP(b, 7) })
}

func TestResolvConfCheckWantsTheServersFirstInOrder(t *testing.T) {
	conf := []byte("# comment\nnameserver 10.0.2.2\nsearch example\nnameserver 10.0.2.3\nnameserver bogus\n")
	have := resolvServers(conf)
	a2, a3 := netip.MustParseAddr("10.0.2.2"), netip.MustParseAddr("10.0.2.3")
	if len(have) != 2 || have[0] != a2 || have[1] != a3 {
		t.Fatalf("resolvServers = %v, want [10.0.2.2 10.0.2.3]", have)
	}
	for _, c := range []struct {
		want []netip.Addr
		ok   bool
	}{
		{[]netip.Addr{a2}, true},
		{[]netip.Addr{a2, a3}, true},
		{[]netip.Addr{a3}, false}, // the resolver would ask 10.0.2.2 first
		{[]netip.Addr{a3, a2}, false},
		{[]netip.Addr{a2, a3, a3}, false},
	} {
		if got := namesAll(have, c.want); got != c.ok {
			t.Errorf("namesAll(%v, %v) = %v, want %v", have, c.want, got, c.ok)
		}
	}
}
