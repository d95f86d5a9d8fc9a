package kernel

// unigo.selftest=net: prove the virtio-net driver at boot, before the program starts. It
// sends an ARP request for QEMU's user-network gateway (10.0.2.2) from the address the
// user network gives guests (10.0.2.15) and waits for the reply, then boots on. Every
// outcome prints one `unigo: selftest net: ...` line.

import (
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/klog"
	"github.com/unigo-os/unigo/kernel/virtio"
)

const (
	selftestNetTimeout = 5_000_000_000 // ns; QEMU's slirp answers in well under a millisecond

	etherTypeARP = 0x0806
	arpRequest   = 1
	arpReply     = 2
)

var (
	selftestGuestIP   = [4]byte{10, 0, 2, 15}
	selftestGatewayIP = [4]byte{10, 0, 2, 2}
)

func selftestNet() {
	if !virtio.NetPresent() {
		klog.Str("unigo: selftest net: FAIL: no virtio-net device\n")
		return
	}
	mac := virtio.NetMAC()
	klog.Str("unigo: selftest net: mac ")
	printMAC(mac[:])
	if virtio.NetLinkUp() {
		klog.Str(", link up\n")
	} else {
		klog.Str(", link down\n")
	}

	// An ARP request (RFC 826) in an Ethernet II frame, padded to the 60-byte minimum.
	var f [60]byte
	for i := 0; i < 6; i++ {
		f[i] = 0xFF // broadcast
	}
	copy(f[6:12], mac[:])
	put16(f[12:], etherTypeARP)
	put16(f[14:], 1)      // htype: Ethernet
	put16(f[16:], 0x0800) // ptype: IPv4
	f[18], f[19] = 6, 4   // hlen, plen
	put16(f[20:], arpRequest)
	copy(f[22:28], mac[:])
	copy(f[28:32], selftestGuestIP[:])
	// target hardware address stays zero
	copy(f[38:42], selftestGatewayIP[:])

	var gw [6]byte
	start := dev.Nanotime()
	if !arpExchange(f[:], 1, &gw) {
		klog.Str("unigo: selftest net: FAIL: no ARP reply from 10.0.2.2 within 5 s\n")
		return
	}
	first := dev.Nanotime() - start
	klog.Str("unigo: selftest net: arp reply from ")
	printMAC(gw[:])
	klog.Str(" (10.0.2.2) after ")
	klog.Dec(first / 1000)
	klog.Str(" us\n")

	// Figures: round trips one at a time, then a batch of requests sent with one call.
	const rounds, batch = 32, 64
	start = dev.Nanotime()
	for i := 0; i < rounds; i++ {
		if !arpExchange(f[:], 1, &gw) {
			klog.Str("unigo: selftest net: FAIL: a later ARP request got no reply\n")
			return
		}
	}
	rtt := (dev.Nanotime() - start) / rounds
	before := virtio.NetStatistics()
	start = dev.Nanotime()
	if !arpExchange(f[:], batch, &gw) {
		klog.Str("unigo: selftest net: FAIL: a batch of ARP requests got too few replies\n")
		return
	}
	took := dev.Nanotime() - start
	after := virtio.NetStatistics()
	klog.Str("unigo: selftest net: ")
	klog.Dec(rounds)
	klog.Str(" round trips, ")
	klog.Dec(rtt / 1000)
	klog.Str(" us each; ")
	klog.Dec(batch)
	klog.Str(" requests with ")
	klog.Dec(int64(after.TxNotifies - before.TxNotifies))
	klog.Str(" notification(s), all replies in ")
	klog.Dec(took / 1000)
	klog.Str(" us, ")
	klog.Dec(int64(after.Interrupts - before.Interrupts))
	klog.Str(" interrupts taken meanwhile\n")
}

// arpExchange sends the request frame req n times in one NetTransmit call and waits for
// n replies from the gateway, whose address it stores in gw. It reports false on timeout.
func arpExchange(req []byte, n int, gw *[6]byte) bool {
	var frames [64][]byte
	for i := 0; i < n; i++ {
		frames[i] = req
	}
	for sent := 0; sent < n; {
		k := virtio.NetTransmit(frames[sent:n])
		if k == 0 {
			return false
		}
		sent += k
	}
	deadline := dev.Nanotime() + selftestNetTimeout
	var buf [virtio.NetMaxFrame]byte
	got := 0
	for got < n && netWaitRx(deadline) {
		m, ok := virtio.NetReceive(buf[:])
		if !ok {
			continue
		}
		r := buf[:m]
		if m < 42 || get16(r[12:]) != etherTypeARP || get16(r[20:]) != arpReply ||
			[4]byte(r[28:32]) != selftestGatewayIP {
			continue // something else on the wire
		}
		copy(gw[:], r[22:28])
		got++
	}
	return got == n
}

func put16(b []byte, v uint16) { b[0], b[1] = byte(v>>8), byte(v) }
func get16(b []byte) uint16    { return uint16(b[0])<<8 | uint16(b[1]) }

func printMAC(m []byte) {
	const hex = "0123456789abcdef"
	for i := 0; i < 6; i++ {
		if i > 0 {
			klog.PutByte(':')
		}
		klog.PutByte(hex[m[i]>>4])
		klog.PutByte(hex[m[i]&15])
	}
}
