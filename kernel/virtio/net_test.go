package virtio

import (
	"bytes"
	"testing"
	"unsafe"
)

func TestNetRxFrameLenDropsLengthsTheBufferCannotHold(t *testing.T) {
	cases := []struct {
		written  uint32
		capacity int
		want     int
		ok       bool
	}{
		{0, NetMaxFrame, 0, false},
		{netHdrLen, NetMaxFrame, 0, false},                    // header only
		{netHdrLen + 13, NetMaxFrame, 0, false},               // runt: no Ethernet header
		{netHdrLen + 14, NetMaxFrame, 14, true},               // the shortest frame we pass up
		{netHdrLen + 60, NetMaxFrame, 60, true},               // minimum Ethernet frame
		{netBufSize, NetMaxFrame, NetMaxFrame, true},          // fills the buffer exactly
		{netBufSize + 1, NetMaxFrame, 0, false},               // past our buffer: not trusted
		{1 << 31, NetMaxFrame, 0, false},                      // absurd
		{^uint32(0), NetMaxFrame, 0, false},                   // would wrap a signed length
		{netHdrLen + 1500, 100, 100, true},                    // cut to the caller's buffer
		{netHdrLen + 1500, 0, 0, true},                        // nowhere to copy: empty frame
		{netBufSize, 1 << 20, netBufSize - netHdrLen, true},   // a big caller buffer changes nothing
		{netHdrLen + 14, -1, 0, true},                         // a negative capacity copies nothing
		{netHdrLen + 1514, NetMaxFrame, 1514, true},           // a full-size frame
		{netHdrLen + 1518, NetMaxFrame, 1518, true},           // with a VLAN tag
		{netHdrLen + NetMaxFrame + 1, NetMaxFrame, 0, false},  // one byte past the buffer
		{netHdrLen + 9000, NetMaxFrame, 0, false},             // jumbo
		{netHdrLen + 65535, NetMaxFrame, 0, false},            // GSO-sized, never negotiated
		{netHdrLen + 15, netHdrLen + 15, netHdrLen + 3, true}, // ordinary
	}
	for _, c := range cases {
		n, ok := netRxFrameLen(c.written, c.capacity)
		if n != c.want || ok != c.ok {
			t.Errorf("netRxFrameLen(%d, %d) = %d, %v; want %d, %v", c.written, c.capacity, n, ok, c.want, c.ok)
		}
	}
}

// testNet sets up the driver's receive side over Go memory at its real address (Phys
// reads and writes by address, like the kernel's identity map), with a fake device on
// the other side of the queue. The device never asks for notifications, so no register
// is touched.
func testNet(t *testing.T) (*fakeDevice, *ram) {
	t.Helper()
	const pages = 3 + netRxBufs*netBufSize/PageSize
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
	if !n.rx.Init(Phys{}, netRxQueue, netRxBufs, base, base+PageSize, base+2*PageSize) {
		t.Fatal("rx queue Init failed")
	}
	for i := range n.rxBuf {
		n.rxBuf[i] = base + 3*PageSize + uint64(i)*netBufSize
		n.rx.Add(Phys{}, []Buf{{Addr: n.rxBuf[i], Len: netBufSize, Writes: true}}, uint32(i))
	}
	n.rx.Publish(Phys{})
	m := &ram{base: base, b: mem}
	m.Write16(n.rx.Used, usedFNoNotify)
	n.present = true
	return &fakeDevice{m: m, q: &n.rx}, m
}

// deliver has the device fill the next receive buffer with frame and report written
// bytes (header included), which may be a lie.
func (d *fakeDevice) deliver(t *testing.T, frame []byte, written uint32) {
	t.Helper()
	head, chain, ok := d.take(t)
	if !ok {
		t.Fatal("the device has no receive buffer")
	}
	if len(chain) != 1 || !chain[0].write || chain[0].len != netBufSize {
		t.Fatalf("receive chain %+v, want one writable %d-byte buffer", chain, netBufSize)
	}
	b := d.m.off(chain[0].addr, netBufSize)
	clear(b[:netHdrLen])
	copy(b[netHdrLen:], frame)
	d.give(uint32(head), written)
	d.publish()
}

func testFrame(n int, seed byte) []byte {
	f := make([]byte, n)
	for i := range f {
		f[i] = byte(i)*3 + seed
	}
	return f
}

// A device that reports more bytes than the buffer holds, or fewer than a header, gets
// its completion dropped and counted; the buffer goes back to the device, and the next
// honest frame arrives intact.
func TestNetReceiveDropsLyingLengthsAndKeepsBuffersPosted(t *testing.T) {
	d, _ := testNet(t)
	buf := make([]byte, NetMaxFrame)
	lies := []uint32{0, 5, netHdrLen, netHdrLen + 13, netBufSize + 1, 1 << 20, ^uint32(0)}
	for round := 0; round < 100; round++ {
		for _, w := range lies {
			d.deliver(t, testFrame(100, byte(round)), w)
		}
		good := testFrame(60+round, byte(round))
		d.deliver(t, good, uint32(netHdrLen+len(good)))
		n, ok := NetReceive(buf)
		if !ok || !bytes.Equal(buf[:n], good) {
			t.Fatalf("round %d: NetReceive = %d bytes, %v; want the %d-byte frame after the lies", round, n, ok, len(good))
		}
		if _, ok := NetReceive(buf); ok {
			t.Fatalf("round %d: a frame came out of nothing", round)
		}
	}
	st := NetStatistics()
	if want := uint64(100 * len(lies)); st.RxDropped != want || st.RxFrames != 100 {
		t.Errorf("stats: %d dropped, %d frames; want %d, 100", st.RxDropped, st.RxFrames, want)
	}
	if net.rx.Broken || net.rx.InFlight() != netRxBufs {
		t.Errorf("after %d completions: Broken %v, %d buffers posted; want false, %d",
			100*(len(lies)+1), net.rx.Broken, net.rx.InFlight(), netRxBufs)
	}
}

// A frame longer than the caller's buffer is cut to it, and nothing past it is written.
func TestNetReceiveCutsFramesToTheCallersBuffer(t *testing.T) {
	d, _ := testNet(t)
	frame := testFrame(NetMaxFrame, 7)
	d.deliver(t, frame, netBufSize)
	buf := make([]byte, 200)
	for i := range buf {
		buf[i] = 0xEE
	}
	n, ok := NetReceive(buf[:100])
	if !ok || n != 100 || !bytes.Equal(buf[:100], frame[:100]) {
		t.Fatalf("NetReceive = %d, %v; want the first 100 bytes", n, ok)
	}
	for i := 100; i < len(buf); i++ {
		if buf[i] != 0xEE {
			t.Fatalf("byte %d past the caller's buffer was written", i)
		}
	}
}

// A device that returns a descriptor that does not exist, or more buffers than it holds,
// breaks the queue: the driver stops receiving, and nothing is copied from the forged
// entry. (A device that returns a buffer it was given again before taking it cannot be
// told apart from an honest one with a split queue; the length check still keeps every
// copy inside our own buffer.)
func TestNetReceiveStopsOnAForgedCompletion(t *testing.T) {
	for _, forge := range []struct {
		name string
		ids  []uint32
	}{
		{"descriptor out of range", []uint32{netRxBufs + 372}},
		{"more completions than buffers", make([]uint32, netRxBufs+1)},
	} {
		t.Run(forge.name, func(t *testing.T) {
			d, _ := testNet(t)
			good := testFrame(64, 1)
			d.deliver(t, good, uint32(netHdrLen+len(good)))
			buf := make([]byte, NetMaxFrame)
			if n, ok := NetReceive(buf); !ok || n != len(good) {
				t.Fatalf("NetReceive = %d, %v; want %d", n, ok, len(good))
			}
			for _, id := range forge.ids {
				d.give(id, 100)
			}
			d.publish()
			got := 0
			for i := 0; i < 3; i++ {
				if _, ok := NetReceive(buf); ok {
					got++
				}
			}
			if got != 0 || !net.rx.Broken {
				t.Errorf("%d frames from %d forged completions, queue Broken %v; want 0, true",
					got, len(forge.ids), net.rx.Broken)
			}
			if NetRxReady() {
				t.Error("NetRxReady reports a frame on a broken queue")
			}
		})
	}
}
