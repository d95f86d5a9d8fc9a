package virtio

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// A block device on the host: the driver's queue and header frame in a ram, and a fake
// device that serves requests from a byte slice disk.
const (
	tRings = 0x10000 // three ring frames
	tHdr   = 0x13000 // the header frame
	tData  = 0x14000 // data buffers, 64 KiB
)

type fakeDisk struct {
	dev  *fakeDevice
	disk []byte
	ro   bool
}

func newBlk(t *testing.T, sectors uint64, queueSize uint16, features uint64) (*ram, *fakeDisk) {
	t.Helper()
	m := &ram{base: tRings, b: make([]byte, 4*PageSize+64<<10)}
	blk.n = 1
	d := &blk.disks[0]
	*d = blkDisk{features: FVersion1 | features, capacity: sectors, hdr: tHdr}
	if !d.q.Init(m, 0, queueSize, tRings, tRings+PageSize, tRings+2*PageSize) {
		t.Fatal("queue init failed")
	}
	t.Cleanup(func() { blk.n = 0 })
	return m, &fakeDisk{dev: &fakeDevice{m: m, q: &d.q}, disk: make([]byte, sectors*SectorSize)}
}

// serve takes the next available request, carries it out, and returns its head and
// status without giving it back (the test decides the order).
func (f *fakeDisk) serve(t *testing.T) (head uint16, status byte, ok bool) {
	t.Helper()
	head, chain, ok := f.dev.take(t)
	if !ok {
		return 0, 0, false
	}
	if len(chain) < 2 || chain[0].len != 16 || chain[0].write {
		t.Fatalf("request %d: bad header descriptor %+v", head, chain)
	}
	st := chain[len(chain)-1]
	if st.len != 1 || !st.write {
		t.Fatalf("request %d: bad status descriptor %+v", head, st)
	}
	h := f.dev.m.off(chain[0].addr, 16)
	typ := binary.LittleEndian.Uint32(h)
	off := binary.LittleEndian.Uint64(h[8:]) * SectorSize
	status = blkSOK
	for _, c := range chain[1 : len(chain)-1] {
		switch {
		case typ == blkTIn && c.write:
			copy(f.dev.m.off(c.addr, uint64(c.len)), f.disk[off:])
		case typ == blkTOut && !c.write && !f.ro:
			copy(f.disk[off:], f.dev.m.off(c.addr, uint64(c.len)))
		default:
			status = blkSIOErr
		}
		off += uint64(c.len)
	}
	if typ == blkTFlush && len(chain) != 2 {
		t.Fatalf("flush with data: %+v", chain)
	}
	f.dev.m.off(st.addr, 1)[0] = status
	return head, status, true
}

func TestBlkManyRequestsInFlightCompleteOutOfOrder(t *testing.T) {
	m, f := newBlk(t, 128, 64, blkFFlush)
	// Eight writes of one 4 KiB block each, all queued before the device looks.
	var slots [8]int
	for i := range slots {
		buf := m.off(tData+uint64(i)*4096, 4096)
		for j := range buf {
			buf[j] = byte(i*31 + j)
		}
		s, r := blkStart(m, 0, blkTOut, uint64(i)*8, tData+uint64(i)*4096, 4096)
		if r != BlkOK {
			t.Fatalf("write %d: result %d, want BlkOK", i, r)
		}
		slots[i] = s
	}
	if got := blk.disks[0].stats.MaxInFlight; got != 8 {
		t.Errorf("MaxInFlight %d, want 8", got)
	}
	var heads []uint16
	for {
		h, _, ok := f.serve(t)
		if !ok {
			break
		}
		heads = append(heads, h)
	}
	if len(heads) != 8 {
		t.Fatalf("device saw %d requests, want 8", len(heads))
	}
	// Return them newest first.
	for i := len(heads) - 1; i >= 0; i-- {
		f.dev.give(uint32(heads[i]), 1)
	}
	f.dev.publish()
	if !blkReap(m, 0) {
		t.Fatal("blkReap found nothing")
	}
	for i, s := range slots {
		if st := blk.disks[0].slot[s].state; st != blkDone {
			t.Fatalf("slot %d state %d, want done", s, st)
		}
		if r := BlkFinish(0, s); r != BlkOK {
			t.Errorf("write %d: BlkFinish %d, want BlkOK", i, r)
		}
	}
	for i := 0; i < 8; i++ {
		want := m.off(tData+uint64(i)*4096, 4096)
		if !bytes.Equal(f.disk[i*4096:(i+1)*4096], want) {
			t.Errorf("disk block %d differs from what was written", i)
		}
	}
	// Read the disk back into other buffers.
	clear(m.off(tData, 32768))
	s, r := blkStart(m, 0, blkTIn, 0, tData, 32768)
	if r != BlkOK {
		t.Fatalf("read: %d", r)
	}
	h, _, _ := f.serve(t)
	f.dev.give(uint32(h), 32769)
	f.dev.publish()
	blkReap(m, 0)
	if r := BlkFinish(0, s); r != BlkOK {
		t.Fatalf("read: BlkFinish %d", r)
	}
	if !bytes.Equal(m.off(tData, 32768), f.disk[:32768]) {
		t.Error("read back differs from the disk")
	}
	if d := &blk.disks[0]; d.inFlight != 0 || d.q.NumFree() != 64 {
		t.Errorf("after all completions: inFlight %d, free descriptors %d; want 0, 64", d.inFlight, d.q.NumFree())
	}
}

func TestBlkFullQueueSaysAgainUntilACompletion(t *testing.T) {
	m, f := newBlk(t, 1024, 16, 0) // 16 descriptors: five 3-descriptor requests
	n := 0
	for {
		_, r := blkStart(m, 0, blkTIn, uint64(n), tData, SectorSize)
		if r == BlkAgain {
			break
		}
		if r != BlkOK {
			t.Fatalf("request %d: %d", n, r)
		}
		n++
	}
	if n != 5 {
		t.Errorf("%d requests fit a 16-entry queue, want 5", n)
	}
	h, _, _ := f.serve(t)
	f.dev.give(uint32(h), 1)
	f.dev.publish()
	blkReap(m, 0)
	if _, r := blkStart(m, 0, blkTIn, 0, tData, SectorSize); r != BlkOK {
		t.Errorf("after a completion: %d, want BlkOK", r)
	}
}

func TestBlkSlotsBoundRequestsInFlight(t *testing.T) {
	m, _ := newBlk(t, 1024, 256, 0)
	for i := 0; i < blkSlots; i++ {
		if _, r := blkStart(m, 0, blkTIn, 0, tData, SectorSize); r != BlkOK {
			t.Fatalf("request %d: %d", i, r)
		}
	}
	if _, r := blkStart(m, 0, blkTIn, 0, tData, SectorSize); r != BlkAgain {
		t.Errorf("request %d with every slot busy: %d, want BlkAgain", blkSlots, r)
	}
}

func TestBlkRejectsBadRequests(t *testing.T) {
	m, _ := newBlk(t, 16, 64, 0)
	cases := []struct {
		name   string
		typ    uint8
		sector uint64
		n      uint32
		want   int
	}{
		{"zero length", blkTIn, 0, 0, BlkInvalid},
		{"not whole sectors", blkTIn, 0, 100, BlkInvalid},
		{"past the end", blkTIn, 15, 1024, BlkInvalid},
		{"sector beyond capacity", blkTIn, 17, 512, BlkInvalid},
		{"sector overflow", blkTIn, ^uint64(0), 512, BlkInvalid},
		{"too big", blkTIn, 0, BlkMaxRequest + 512, BlkInvalid},
		{"last sector", blkTIn, 15, 512, BlkOK},
	}
	for _, c := range cases {
		if _, r := blkStart(m, 0, c.typ, c.sector, tData, c.n); r != c.want {
			t.Errorf("%s: %d, want %d", c.name, r, c.want)
		}
	}
	if _, r := blkStart(m, 1, blkTIn, 0, tData, 512); r != BlkNoDevice {
		t.Errorf("disk 1 of 1: %d, want BlkNoDevice", r)
	}
}

func TestBlkReadOnlyDeviceRefusesWrites(t *testing.T) {
	m, _ := newBlk(t, 16, 64, blkFRO)
	if _, r := blkStart(m, 0, blkTOut, 0, tData, 512); r != BlkWriteProtected {
		t.Errorf("write: %d, want BlkWriteProtected", r)
	}
	if _, r := blkStart(m, 0, blkTIn, 0, tData, 512); r != BlkOK {
		t.Errorf("read: %d, want BlkOK", r)
	}
}

func TestBlkDeviceErrorAndMissingStatusAreIOErrors(t *testing.T) {
	m, f := newBlk(t, 16, 64, 0)
	f.ro = true // the device fails writes
	s1, _ := blkStart(m, 0, blkTOut, 0, tData, 512)
	s2, _ := blkStart(m, 0, blkTIn, 0, tData, 512)
	h1, st, _ := f.serve(t)
	if st != blkSIOErr {
		t.Fatalf("fake device status %d", st)
	}
	h2, _, _ := f.dev.take(t) // not served: the status byte keeps the driver's marker
	f.dev.give(uint32(h1), 1)
	f.dev.give(uint32(h2), 0)
	f.dev.publish()
	blkReap(m, 0)
	if r := BlkFinish(0, s1); r != BlkIOError {
		t.Errorf("failed write: %d, want BlkIOError", r)
	}
	if r := BlkFinish(0, s2); r != BlkIOError {
		t.Errorf("request without status: %d, want BlkIOError", r)
	}
	if got := blk.disks[0].stats.Errors; got != 2 {
		t.Errorf("Errors %d, want 2", got)
	}
}

func TestBlkFinishRefusesASlotThatIsNotDone(t *testing.T) {
	m, _ := newBlk(t, 16, 64, 0)
	s, _ := blkStart(m, 0, blkTIn, 0, tData, 512)
	if r := BlkFinish(0, s); r != BlkInvalid {
		t.Errorf("busy slot: %d, want BlkInvalid", r)
	}
	if r := BlkFinish(0, s+1); r != BlkInvalid {
		t.Errorf("free slot: %d, want BlkInvalid", r)
	}
}

func TestBlkAbandonFreesDoneSlotsAndOrphansBusyOnes(t *testing.T) {
	m, f := newBlk(t, 16, 64, 0)
	s1, _ := blkStart(m, 0, blkTIn, 0, tData, 512)
	s2, _ := blkStart(m, 0, blkTIn, 1, tData+512, 512)
	h1, _, _ := f.serve(t)
	f.dev.give(uint32(h1), 1)
	f.dev.publish()
	blkReap(m, 0)
	if n := BlkAbandon(0); n != 2 {
		t.Errorf("BlkAbandon: %d, want 2", n)
	}
	d := &blk.disks[0]
	if d.slot[s1].state != blkFree || d.slot[s2].state != blkOrphan {
		t.Fatalf("states %d, %d; want free, orphan", d.slot[s1].state, d.slot[s2].state)
	}
	h2, _, _ := f.serve(t)
	f.dev.give(uint32(h2), 1)
	f.dev.publish()
	blkReap(m, 0)
	if d.slot[s2].state != blkFree || d.inFlight != 0 || d.q.NumFree() != 64 {
		t.Errorf("orphan after completion: state %d, inFlight %d, free descriptors %d", d.slot[s2].state, d.inFlight, d.q.NumFree())
	}
}

func TestBlkBogusCompletionFailsEveryRequestInFlight(t *testing.T) {
	m, f := newBlk(t, 16, 64, 0)
	s1, _ := blkStart(m, 0, blkTIn, 0, tData, 512)
	s2, _ := blkStart(m, 0, blkTIn, 1, tData, 512)
	f.dev.give(63, 1) // a chain the driver never made
	f.dev.publish()
	blkReap(m, 0)
	for _, s := range []int{s1, s2} {
		if r := BlkFinish(0, s); r != BlkIOError {
			t.Errorf("slot %d: %d, want BlkIOError", s, r)
		}
	}
	if _, r := blkStart(m, 0, blkTIn, 0, tData, 512); r != BlkNoDevice {
		t.Errorf("after a broken queue: %d, want BlkNoDevice", r)
	}
}

func TestBlkFlushIsHeaderAndStatusOnly(t *testing.T) {
	m, f := newBlk(t, 16, 64, blkFFlush)
	s, r := blkStart(m, 0, blkTFlush, 0, 0, 0)
	if r != BlkOK {
		t.Fatalf("flush: %d", r)
	}
	h, _, _ := f.serve(t) // fails the test if the chain carries data
	f.dev.give(uint32(h), 1)
	f.dev.publish()
	blkReap(m, 0)
	if r := BlkFinish(0, s); r != BlkOK {
		t.Errorf("flush: BlkFinish %d", r)
	}
	if got := blk.disks[0].stats.Flushes; got != 1 {
		t.Errorf("Flushes %d, want 1", got)
	}
}

func TestBlkSplitHonoursSizeMax(t *testing.T) {
	var out [4]Buf
	if n := blkSplit(out[:], 0x1000, 8192, 0, true); n != 1 || out[0] != (Buf{0x1000, 8192, true}) {
		t.Errorf("no size_max: %d %+v", n, out[:n])
	}
	if n := blkSplit(out[:], 0x1000, 8192, 3000, false); n != 4 ||
		out[0] != (Buf{0x1000, 2560, false}) || out[3] != (Buf{0x1000 + 3*2560, 512, false}) {
		t.Errorf("size_max 3000: %d %+v", n, out[:n])
	}
	if n := blkSplit(out[:], 0x1000, 8192, 1024, false); n != 0 {
		t.Errorf("8 segments into 4: %d, want 0", n)
	}
}
