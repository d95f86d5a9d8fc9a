package virtio

import (
	"bytes"
	"testing"
	"unsafe"
)

// The header's wire layout (§5.1.6): u8 flags, u8 gso_type, then le16 hdr_len, gso_size,
// csum_start, csum_offset, num_buffers.
func TestNetHdrEncodesTheSpecLayout(t *testing.T) {
	h := NetHdr{Flags: NetHdrNeedsCsum, GSOType: NetGSOTCPv6, HdrLen: 0x0102, GSOSize: 0x0304,
		CsumStart: 0x0506, CsumOffset: 0x0708, NumBuffers: 0x090a}
	var b [NetHdrLen]byte
	h.Encode(b[:])
	want := []byte{1, 4, 2, 1, 4, 3, 6, 5, 8, 7, 0x0a, 9}
	if !bytes.Equal(b[:], want) {
		t.Fatalf("Encode = % x, want % x", b, want)
	}
	if got := DecodeNetHdr(b[:]); got != h {
		t.Fatalf("DecodeNetHdr(Encode(h)) = %+v, want %+v", got, h)
	}
}

func TestNetTxHdrOKAllowsOnlyWhatWasNegotiated(t *testing.T) {
	const all = netFCsum | netFHostTSO4 | netFHostTSO6
	csum := NetHdr{Flags: NetHdrNeedsCsum, CsumStart: 34, CsumOffset: 16}
	tso4 := NetHdr{Flags: NetHdrNeedsCsum, GSOType: NetGSOTCPv4, HdrLen: 66, GSOSize: 1448, CsumStart: 34, CsumOffset: 16}
	tso6 := tso4
	tso6.GSOType, tso6.CsumStart, tso6.HdrLen = NetGSOTCPv6, 54, 86
	with := func(h NetHdr, f func(*NetHdr)) NetHdr { f(&h); return h }
	cases := []struct {
		name     string
		h        NetHdr
		frameLen int
		features uint64
		want     NetHdr
		ok       bool
	}{
		{"plain frame", NetHdr{}, 1514, 0, NetHdr{}, true},
		{"plain frame, offloads on", NetHdr{}, 1514, all, NetHdr{}, true},
		{"plain frame too long", NetHdr{}, NetMaxFrame + 1, all, NetHdr{}, false},
		{"runt", NetHdr{}, 13, all, NetHdr{}, false},
		{"num_buffers ignored", NetHdr{NumBuffers: 7}, 60, 0, NetHdr{}, true},
		{"plain frame: stray GSO fields zeroed", NetHdr{HdrLen: 5, GSOSize: 9}, 60, 0, NetHdr{}, true},
		{"checksum offload", csum, 1514, netFCsum, csum, true},
		{"checksum without CSUM", csum, 1514, netFHostTSO4, NetHdr{}, false},
		{"checksum field past the frame", csum, 34 + 16 + 1, netFCsum, NetHdr{}, false},
		{"checksum field ends the frame", csum, 34 + 16 + 2, netFCsum, csum, true},
		{"csum_start near 64 KiB", with(csum, func(h *NetHdr) { h.CsumStart = 0xffff; h.CsumOffset = 0xffff }), 1514, all, NetHdr{}, false},
		{"DATA_VALID on transmit", NetHdr{Flags: NetHdrDataValid}, 60, all, NetHdr{}, false},
		{"unknown flag", NetHdr{Flags: 0x80 | NetHdrNeedsCsum, CsumStart: 34, CsumOffset: 16}, 60, all, NetHdr{}, false},
		{"TSO4", tso4, 30000, all, tso4, true},
		{"TSO6", tso6, 30000, all, tso6, true},
		{"TSO4 not negotiated", tso4, 30000, netFCsum | netFHostTSO6, NetHdr{}, false},
		{"TSO6 not negotiated", tso6, 30000, netFCsum | netFHostTSO4, NetHdr{}, false},
		{"TSO without NEEDS_CSUM", with(tso4, func(h *NetHdr) { h.Flags = 0 }), 30000, all, NetHdr{}, false},
		{"TSO with CSUM missing", tso4, 30000, netFHostTSO4 | netFHostTSO6, NetHdr{}, false},
		{"TSO segment size 0", with(tso4, func(h *NetHdr) { h.GSOSize = 0 }), 30000, all, NetHdr{}, false},
		{"TSO headers past the frame", with(tso4, func(h *NetHdr) { h.HdrLen = 3000 }), 2999, all, NetHdr{}, false},
		{"TSO headers end before the checksum start", with(tso4, func(h *NetHdr) { h.HdrLen = 34 }), 30000, all, NetHdr{}, false},
		{"TSO at the limit", tso4, NetMaxGSOFrame, all, tso4, true},
		{"TSO past the limit", tso4, NetMaxGSOFrame + 1, all, NetHdr{}, false},
		{"TSO with ECN", with(tso4, func(h *NetHdr) { h.GSOType |= 0x80 }), 30000, all | netFHostTSO4, NetHdr{}, false},
		{"UFO", with(tso4, func(h *NetHdr) { h.GSOType = 3 }), 30000, all, NetHdr{}, false},
		{"TSO num_buffers ignored", with(tso4, func(h *NetHdr) { h.NumBuffers = 3 }), 30000, all, tso4, true},
	}
	for _, c := range cases {
		got, ok := netTxHdrOK(c.h, c.frameLen, c.features)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("%s: netTxHdrOK(%+v, %d, %#x) = %+v, %v; want %+v, %v", c.name, c.h, c.frameLen, c.features, got, ok, c.want, c.ok)
		}
	}
}

// testNetTx sets up the driver's transmit side over Go memory, with a fake device that
// never asks for notifications.
func testNetTx(t *testing.T, features uint64) *fakeDevice {
	t.Helper()
	const pages = 3 + netTxBufs*netBufSize/PageSize
	raw := make([]byte, (pages+1)*PageSize)
	off := (PageSize - int(uintptr(unsafe.Pointer(&raw[0]))%PageSize)) % PageSize
	mem := raw[off : off+pages*PageSize]
	base := uint64(uintptr(unsafe.Pointer(&mem[0])))
	t.Cleanup(func() {
		net = netDev{}
		_ = raw
	})
	net = netDev{}
	n := &net
	if !n.tx.Init(Phys{}, netTxQueue, netTxBufs, base, base+PageSize, base+2*PageSize) {
		t.Fatal("tx queue Init failed")
	}
	for i := range n.txBuf {
		n.txBuf[i] = base + 3*PageSize + uint64(i)*netBufSize
		n.txFree[i] = uint16(i)
	}
	n.txNFree = netTxBufs
	m := &ram{base: base, b: mem}
	m.Write16(n.tx.Used, usedFNoNotify)
	n.features = features
	n.present = true
	return &fakeDevice{m: m, q: &n.tx}
}

// sent takes the next transmit chain from the device's side and returns its bytes
// (header and frame) and how many descriptors it used.
func (d *fakeDevice) sent(t *testing.T) (head uint16, b []byte, descs int) {
	t.Helper()
	head, chain, ok := d.take(t)
	if !ok {
		t.Fatal("the device has nothing to send")
	}
	for _, c := range chain {
		if c.write {
			t.Fatalf("transmit descriptor %+v is device-writable", c)
		}
		if c.len > netBufSize {
			t.Fatalf("transmit descriptor %+v is longer than a buffer", c)
		}
		b = append(b, d.m.off(c.addr, uint64(c.len))...)
	}
	return head, b, len(chain)
}

func withHdr(h NetHdr, frame []byte) []byte {
	b := make([]byte, NetHdrLen+len(frame))
	h.Encode(b)
	copy(b[NetHdrLen:], frame)
	return b
}

// A TSO segment goes out as one chain of 2 KiB buffers with the header first; the
// device sees exactly the header and the frame, and every buffer comes back to the free
// list when the device is done, over many rounds of mixed sizes.
func TestNetTransmitHdrChainsLargeSegments(t *testing.T) {
	d := testNetTx(t, netFCsum|netFHostTSO4|netFHostTSO6)
	tso := NetHdr{Flags: NetHdrNeedsCsum, GSOType: NetGSOTCPv4, HdrLen: 66, GSOSize: 1448, CsumStart: 34, CsumOffset: 16}
	sizes := []int{60, NetMaxFrame, NetMaxFrame + 1, 4000, 30000, NetMaxGSOFrame, 1514}
	for round := 0; round < 50; round++ {
		var frames [][]byte
		var want [][]byte
		for i, sz := range sizes {
			h := NetHdr{}
			if sz > NetMaxFrame {
				h = tso
			}
			f := testFrame(sz, byte(round+i))
			frames = append(frames, withHdr(h, f))
			want = append(want, withHdr(h, f))
		}
		if n := NetTransmitHdr(frames); n != len(frames) {
			t.Fatalf("round %d: NetTransmitHdr took %d of %d", round, n, len(frames))
		}
		for i := range frames {
			head, got, descs := d.sent(t)
			if !bytes.Equal(got, want[i]) {
				t.Fatalf("round %d frame %d (%d bytes): the device saw %d different bytes", round, i, sizes[i], len(got))
			}
			if wantDescs := (NetHdrLen + sizes[i] + netBufSize - 1) / netBufSize; descs != wantDescs {
				t.Errorf("round %d frame %d: %d descriptors, want %d", round, i, descs, wantDescs)
			}
			d.give(uint32(head), 0)
		}
		d.publish()
		if room := NetTxRoom(); room != netTxBufs {
			t.Fatalf("round %d: %d transmit buffers free after all completed, want %d", round, room, netTxBufs)
		}
	}
	st := NetStatistics()
	if st.TxFrames != uint64(50*len(sizes)) || st.TxGSO != 50*4 || st.TxCsum != 50*4 || st.TxDropped != 0 {
		t.Errorf("stats %+v", st)
	}
}

// When buffers run out in the middle of a batch, NetTransmitHdr takes what fits and
// leaves the rest for later; frames whose header is refused are dropped and consumed.
func TestNetTransmitHdrStopsWhenBuffersRunOutAndDropsBadHeaders(t *testing.T) {
	d := testNetTx(t, netFCsum) // no TSO
	tso := NetHdr{Flags: NetHdrNeedsCsum, GSOType: NetGSOTCPv4, HdrLen: 66, GSOSize: 1448, CsumStart: 34, CsumOffset: 16}
	bad := [][]byte{withHdr(tso, testFrame(30000, 1)), {1, 2, 3}, withHdr(NetHdr{}, testFrame(NetMaxFrame+1, 2))}
	if n := NetTransmitHdr(bad); n != len(bad) {
		t.Fatalf("NetTransmitHdr(bad) = %d, want %d (dropped, consumed)", n, len(bad))
	}
	if st := NetStatistics(); st.TxDropped != 3 || st.TxFrames != 0 {
		t.Fatalf("stats %+v: want 3 dropped, none sent", st)
	}
	var frames [][]byte
	for i := 0; i < netTxBufs+10; i++ {
		frames = append(frames, withHdr(NetHdr{Flags: NetHdrNeedsCsum, CsumStart: 34, CsumOffset: 6}, testFrame(1000, byte(i))))
	}
	if n := NetTransmitHdr(frames); n != netTxBufs {
		t.Fatalf("NetTransmitHdr took %d frames with %d buffers", n, netTxBufs)
	}
	if NetTxFitsHdr(frames[netTxBufs]) {
		t.Fatal("NetTxFitsHdr with every buffer in flight")
	}
	head, got, _ := d.sent(t)
	if !bytes.Equal(got, frames[0]) {
		t.Fatal("first frame differs")
	}
	d.give(uint32(head), 0)
	d.publish()
	big := withHdr(NetHdr{}, testFrame(NetMaxFrame, 9)) // fits one buffer
	if !NetTxFitsHdr(big) || NetTxFitsHdr(make([]byte, 2*netBufSize)) {
		t.Fatal("NetTxFitsHdr with one buffer free: want a one-buffer frame to fit, a two-buffer one not")
	}
	if n := NetTransmitHdr(frames[netTxBufs:]); n != 1 {
		t.Fatalf("after one completion NetTransmitHdr took %d, want 1", n)
	}
}

// NetReceiveHdr returns the device's header with the frame; DATA_VALID and NEEDS_CSUM
// frames are counted.
func TestNetReceiveHdrReturnsTheDevicesFlags(t *testing.T) {
	d, _ := testNet(t)
	frame := testFrame(100, 3)
	for _, flags := range []uint8{0, NetHdrDataValid, NetHdrNeedsCsum} {
		head, chain, ok := d.take(t)
		if !ok {
			t.Fatal("no receive buffer")
		}
		b := d.m.off(chain[0].addr, netBufSize)
		h := NetHdr{Flags: flags, NumBuffers: 1, CsumStart: 34, CsumOffset: 16}
		h.Encode(b)
		copy(b[netHdrLen:], frame)
		d.give(uint32(head), uint32(netHdrLen+len(frame)))
		d.publish()
		buf := make([]byte, NetHdrLen+NetMaxFrame)
		n, ok := NetReceiveHdr(buf)
		if !ok || n != NetHdrLen+len(frame) || DecodeNetHdr(buf) != h || !bytes.Equal(buf[NetHdrLen:n], frame) {
			t.Fatalf("flags %d: NetReceiveHdr = %d, %v, header %+v; want %d, true, %+v", flags, n, ok, DecodeNetHdr(buf), NetHdrLen+len(frame), h)
		}
	}
	if st := NetStatistics(); st.RxCsumValid != 2 || st.RxFrames != 3 {
		t.Errorf("stats %+v: want 2 vouched for of 3", st)
	}
	// A buffer too small for the header drops the frame rather than writing past it.
	d.deliver(t, frame, uint32(netHdrLen+len(frame)))
	if _, ok := NetReceiveHdr(make([]byte, 5)); ok {
		t.Error("NetReceiveHdr into 5 bytes returned a frame")
	}
}

func TestNetConsistentDropsTSOWithoutItsRequirements(t *testing.T) {
	all := uint64(netWant | FVersion1)
	cases := []struct{ f, want uint64 }{
		{all, all},
		{all &^ netFCsum, all &^ (netFCsum | netFHostTSO4 | netFHostTSO6)},
		{all &^ netFGuestCsum, all &^ (netFGuestCsum | netFGuestTSO4 | netFGuestTSO6 | netFMrgRxbuf)},
		{all &^ netFMrgRxbuf, all &^ (netFMrgRxbuf | netFGuestTSO4 | netFGuestTSO6)},
		{all &^ netFGuestTSO4, all &^ netFGuestTSO4},
		{all &^ (netFGuestTSO4 | netFGuestTSO6), all &^ (netFGuestTSO4 | netFGuestTSO6 | netFMrgRxbuf)},
		{FVersion1 | netFMAC | netFStatus | netFMrgRxbuf, FVersion1 | netFMAC | netFStatus}, // QEMU's user network
	}
	for _, c := range cases {
		if got := netConsistent(c.f); got != c.want {
			t.Errorf("netConsistent(%#x) = %#x, want %#x", c.f, got, c.want)
		}
	}
}

// deliverMerged has the device spread frame over as many receive buffers as it needs
// (MRG_RXBUF), the header in the first with num_buffers set to numBuffers.
func (d *fakeDevice) deliverMerged(t *testing.T, h NetHdr, frame []byte, numBuffers uint16) int {
	t.Helper()
	data := make([]byte, NetHdrLen+len(frame))
	h.NumBuffers = numBuffers
	h.Encode(data)
	copy(data[NetHdrLen:], frame)
	used := 0
	for len(data) > 0 {
		head, chain, ok := d.take(t)
		if !ok {
			t.Fatal("the device ran out of receive buffers")
		}
		n := copy(d.m.off(chain[0].addr, netBufSize), data)
		data = data[n:]
		d.give(uint32(head), uint32(n))
		used++
	}
	d.publish()
	return used
}

// With MRG_RXBUF, a 64 KiB TSO segment arrives over 33 buffers and comes out whole,
// header first; every buffer goes back to the device; plain frames still work between.
func TestNetReceiveHdrJoinsMergedBuffers(t *testing.T) {
	d, _ := testNet(t)
	net.features = netFMrgRxbuf | netFGuestCsum | netFGuestTSO4
	buf := make([]byte, NetHdrLen+NetMaxRxFrame)
	for round := 0; round < 20; round++ {
		for _, size := range []int{60, NetMaxFrame, NetMaxFrame + 1, 9000, 65549} {
			frame := testFrame(size, byte(round))
			h := NetHdr{Flags: NetHdrNeedsCsum, CsumStart: 34, CsumOffset: 16}
			if size > 1514 {
				h.GSOType, h.GSOSize, h.HdrLen = NetGSOTCPv4, 1448, 66
			}
			nb := (NetHdrLen + size + netBufSize - 1) / netBufSize
			if used := d.deliverMerged(t, h, frame, uint16(nb)); used != nb {
				t.Fatalf("used %d buffers, want %d", used, nb)
			}
			n, ok := NetReceiveHdr(buf)
			h.NumBuffers = uint16(nb)
			if !ok || n != NetHdrLen+size || DecodeNetHdr(buf) != h || !bytes.Equal(buf[NetHdrLen:n], frame) {
				t.Fatalf("round %d, %d bytes over %d buffers: NetReceiveHdr = %d, %v, header %+v", round, size, nb, n, ok, DecodeNetHdr(buf))
			}
			if net.rx.InFlight() != netRxBufs {
				t.Fatalf("%d receive buffers posted after a %d-buffer frame, want %d", net.rx.InFlight(), nb, netRxBufs)
			}
		}
	}
	if st := NetStatistics(); st.RxFrames != 100 || st.RxMerged != 60 || st.RxDropped != 0 {
		t.Errorf("stats %+v", st)
	}
	// The old call gets the frame without the header, cut to its buffer.
	frame := testFrame(5000, 1)
	d.deliverMerged(t, NetHdr{}, frame, 3)
	small := make([]byte, 3000)
	if n, ok := NetReceive(small); !ok || n != 3000 || !bytes.Equal(small, frame[:3000]) {
		t.Fatalf("NetReceive of a merged frame = %d, %v", n, ok)
	}
	if net.rx.InFlight() != netRxBufs {
		t.Fatalf("%d receive buffers posted, want %d", net.rx.InFlight(), netRxBufs)
	}
}

// A num_buffers of 0 or one the used ring does not back breaks the queue: which
// completions belong to the packet cannot be known.
func TestNetReceiveHdrStopsOnImpossibleNumBuffers(t *testing.T) {
	for _, c := range []struct {
		name   string
		nb     uint16
		frame  int
		broken bool
	}{
		{"zero", 0, 100, true},
		{"more than posted", netRxBufs + 1, 100, true},
		{"more than the device used", 3, 100, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, _ := testNet(t)
			net.features = netFMrgRxbuf
			d.deliverMerged(t, NetHdr{}, testFrame(c.frame, 2), c.nb)
			buf := make([]byte, NetHdrLen+NetMaxRxFrame)
			if _, ok := NetReceiveHdr(buf); ok {
				t.Error("a frame came out")
			}
			if net.rx.Broken != c.broken {
				t.Errorf("Broken %v, want %v", net.rx.Broken, c.broken)
			}
		})
	}
}

// A packet dropped for a first buffer too short for an Ethernet header still takes its
// other buffers with it: they do not come out as packets of their own.
func TestNetReceiveHdrDropsAllBuffersOfABadPacket(t *testing.T) {
	d, _ := testNet(t)
	net.features = netFMrgRxbuf | netFGuestCsum | netFGuestTSO4
	var h [NetHdrLen]byte
	(&NetHdr{NumBuffers: 3}).Encode(h[:])
	for i, w := range []uint32{NetHdrLen + 5, 2000, 2000} {
		head, chain, ok := d.take(t)
		if !ok {
			t.Fatal("no receive buffer")
		}
		b := d.m.off(chain[0].addr, netBufSize)
		if i == 0 {
			copy(b, h[:])
		} else {
			for j := range b {
				b[j] = 0x45 // would parse as IPv4 junk if taken for a packet
			}
		}
		d.give(uint32(head), w)
	}
	d.publish()
	good := testFrame(80, 4)
	d.deliverMerged(t, NetHdr{}, good, 1)
	buf := make([]byte, NetHdrLen+NetMaxRxFrame)
	n, ok := NetReceiveHdr(buf)
	if !ok || n != NetHdrLen+len(good) || !bytes.Equal(buf[NetHdrLen:n], good) {
		t.Fatalf("NetReceiveHdr = %d, %v; want the good %d-byte frame after the dropped packet", n, ok, len(good))
	}
	if st := NetStatistics(); st.RxDropped != 1 || st.RxFrames != 1 || net.rx.Broken {
		t.Errorf("stats %+v, Broken %v: want 1 dropped, 1 frame", st, net.rx.Broken)
	}
}
