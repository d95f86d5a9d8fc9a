package virtio

import (
	"encoding/binary"
	"testing"
)

// ram is a byte slice standing in for physical memory from base.
type ram struct {
	base uint64
	b    []byte
}

func (r *ram) off(pa uint64, n uint64) []byte {
	if pa < r.base || pa+n > r.base+uint64(len(r.b)) {
		panic("ram: access outside memory")
	}
	return r.b[pa-r.base : pa-r.base+n]
}
func (r *ram) Read16(pa uint64) uint16     { return binary.LittleEndian.Uint16(r.off(pa, 2)) }
func (r *ram) Write16(pa uint64, v uint16) { binary.LittleEndian.PutUint16(r.off(pa, 2), v) }
func (r *ram) Read32(pa uint64) uint32     { return binary.LittleEndian.Uint32(r.off(pa, 4)) }
func (r *ram) Write32(pa uint64, v uint32) { binary.LittleEndian.PutUint32(r.off(pa, 4), v) }
func (r *ram) Write64(pa uint64, v uint64) { binary.LittleEndian.PutUint64(r.off(pa, 8), v) }

// fakeDevice is the device's side of a split queue, as the spec describes it.
type fakeDevice struct {
	m         *ram
	q         *Queue // only its addresses and size are read
	lastAvail uint16
	usedIdx   uint16
}

type chainDesc struct {
	addr  uint64
	len   uint32
	write bool
}

// take pops the next available chain, following the descriptors in shared memory.
func (d *fakeDevice) take(t *testing.T) (head uint16, chain []chainDesc, ok bool) {
	t.Helper()
	if d.m.Read16(d.q.Avail+2) == d.lastAvail {
		return 0, nil, false
	}
	head = d.m.Read16(d.q.Avail + 4 + 2*uint64(d.lastAvail%d.q.Size))
	d.lastAvail++
	i := head
	for n := 0; ; n++ {
		if n > int(d.q.Size) {
			t.Fatalf("descriptor chain from %d loops", head)
		}
		pa := d.q.Desc + 16*uint64(i)
		flags := d.m.Read16(pa + 12)
		chain = append(chain, chainDesc{binary.LittleEndian.Uint64(d.m.off(pa, 8)), d.m.Read32(pa + 8), flags&descFWrite != 0})
		if flags&descFNext == 0 {
			break
		}
		i = d.m.Read16(pa + 14)
	}
	return head, chain, true
}

// give returns chain head to the driver with written bytes, without publishing.
func (d *fakeDevice) give(id uint32, written uint32) {
	e := d.q.Used + 4 + 8*uint64(d.usedIdx%d.q.Size)
	d.m.Write32(e, id)
	d.m.Write32(e+4, written)
	d.usedIdx++
}

func (d *fakeDevice) publish() { d.m.Write16(d.q.Used+2, d.usedIdx) }

func newQueue(t *testing.T, size uint16) (*Queue, *ram, *fakeDevice) {
	t.Helper()
	m := &ram{base: 0x10000, b: make([]byte, 3*PageSize)}
	q := new(Queue)
	if !q.Init(m, 0, size, 0x10000, 0x11000, 0x12000) {
		t.Fatalf("Init(size %d) failed", size)
	}
	return q, m, &fakeDevice{m: m, q: q}
}

func TestQueueInitRejectsBadSizes(t *testing.T) {
	m := &ram{base: 0, b: make([]byte, 3*PageSize)}
	for _, size := range []uint16{0, 3, 100, 512} {
		var q Queue
		if q.Init(m, 0, size, 0, PageSize, 2*PageSize) {
			t.Errorf("Init(size %d) succeeded, want failure", size)
		}
	}
}

func TestQueueAddWritesChainInSpecOrder(t *testing.T) {
	q, m, d := newQueue(t, 8)
	bufs := []Buf{{0x5000, 12, false}, {0x6000, 100, true}, {0x7000, 200, true}}
	if !q.Add(m, bufs, 42) {
		t.Fatal("Add failed")
	}
	if _, _, ok := d.take(t); ok {
		t.Fatal("device saw the chain before Publish")
	}
	q.Publish(m)
	head, chain, ok := d.take(t)
	if !ok {
		t.Fatal("device sees no chain after Publish")
	}
	want := []chainDesc{{0x5000, 12, false}, {0x6000, 100, true}, {0x7000, 200, true}}
	if len(chain) != len(want) {
		t.Fatalf("chain: got %v, want %v", chain, want)
	}
	for i := range want {
		if chain[i] != want[i] {
			t.Errorf("descriptor %d: got %+v, want %+v", i, chain[i], want[i])
		}
	}
	if got := q.NumFree(); got != 5 {
		t.Errorf("NumFree after a 3-chain: got %d, want 5", got)
	}
	d.give(uint32(head), 300)
	d.publish()
	tok, n, ok := q.PopUsed(m)
	if !ok || tok != 42 || n != 300 {
		t.Errorf("PopUsed: got (%d, %d, %v), want (42, 300, true)", tok, n, ok)
	}
	if got := q.NumFree(); got != 8 {
		t.Errorf("NumFree after PopUsed: got %d, want 8", got)
	}
	if _, _, ok := q.PopUsed(m); ok {
		t.Errorf("PopUsed on an empty used ring succeeded")
	}
}

func TestQueueAddFailsWhenDescriptorsRunOut(t *testing.T) {
	q, m, _ := newQueue(t, 4)
	two := []Buf{{0x1000, 1, false}, {0x2000, 1, true}}
	if !q.Add(m, two, 1) || !q.Add(m, two, 2) {
		t.Fatal("filling a 4-entry queue with two 2-chains failed")
	}
	if q.Add(m, []Buf{{0x3000, 1, true}}, 3) {
		t.Error("Add succeeded with no free descriptors")
	}
	if q.NumFree() != 0 || q.InFlight() != 2 {
		t.Errorf("NumFree %d, InFlight %d: want 0, 2", q.NumFree(), q.InFlight())
	}
}

// Chains returned out of order give back exactly their own descriptors, and reuse never
// hands out a descriptor twice: after a long run with wrapping indices every descriptor
// is free again.
func TestQueueOutOfOrderCompletionAndIndexWrap(t *testing.T) {
	q, m, d := newQueue(t, 8)
	type pending struct {
		head uint16
		tok  uint32
		len  int
	}
	var tok uint32
	var held []pending
	given := map[uint32]bool{} // tokens the device returned and we have not popped
	for round := 0; round < 70000; round++ {
		// Add chains of 1-3 buffers while they fit.
		for {
			n := 1 + round%3
			if q.NumFree() < n {
				break
			}
			bufs := make([]Buf, n)
			for i := range bufs {
				bufs[i] = Buf{Addr: uint64(tok)<<8 | uint64(i), Len: uint32(i + 1), Writes: i > 0}
			}
			tok++
			if !q.Add(m, bufs, tok) {
				t.Fatalf("round %d: Add of %d with %d free failed", round, n, q.NumFree())
			}
		}
		q.Publish(m)
		for {
			head, chain, ok := d.take(t)
			if !ok {
				break
			}
			// The token is recoverable from the first buffer's address.
			first := uint32(chain[0].addr >> 8)
			held = append(held, pending{head, first + 1, len(chain)})
		}
		// Return every other held chain, newest first.
		var keep []pending
		for i := len(held) - 1; i >= 0; i-- {
			if (i+round)%2 == 0 {
				d.give(uint32(held[i].head), uint32(held[i].len))
				given[held[i].tok] = true
			} else {
				keep = append(keep, held[i])
			}
		}
		held = keep
		d.publish()
		for {
			got, n, ok := q.PopUsed(m)
			if !ok {
				break
			}
			if !given[got] {
				t.Fatalf("round %d: PopUsed returned token %d (%d bytes), which the device did not return", round, got, n)
			}
			delete(given, got)
		}
		if len(given) != 0 {
			t.Fatalf("round %d: %d returned chains never popped", round, len(given))
		}
	}
	for _, p := range held {
		d.give(uint32(p.head), 0)
	}
	d.publish()
	for {
		if _, _, ok := q.PopUsed(m); !ok {
			break
		}
	}
	if q.Broken {
		t.Fatal("queue marked broken by a well-behaved device")
	}
	if q.NumFree() != 8 || q.InFlight() != 0 {
		t.Errorf("after draining: NumFree %d, InFlight %d; want 8, 0", q.NumFree(), q.InFlight())
	}
	if tok <= 1<<16 {
		t.Errorf("only %d chains: the 16-bit indices did not wrap", tok)
	}
}

func TestQueueRejectsBogusUsedEntries(t *testing.T) {
	cases := map[string]func(d *fakeDevice, head uint16){
		"id out of range":   func(d *fakeDevice, head uint16) { d.give(99, 0) },
		"id not a head":     func(d *fakeDevice, head uint16) { d.give(uint32(head)+1, 0) },
		"returned twice":    func(d *fakeDevice, head uint16) { d.give(uint32(head), 0); d.give(uint32(head), 0) },
		"idx beyond flight": func(d *fakeDevice, head uint16) { d.usedIdx += 5 },
	}
	for name, bad := range cases {
		t.Run(name, func(t *testing.T) {
			q, m, d := newQueue(t, 8)
			q.Add(m, []Buf{{0x1000, 1, true}, {0x2000, 1, true}}, 7)
			q.Publish(m)
			head, _, _ := d.take(t)
			bad(d, head)
			d.publish()
			for i := 0; i < 3; i++ {
				if _, _, ok := q.PopUsed(m); !ok {
					break
				}
			}
			if !q.Broken {
				t.Errorf("queue not marked broken")
			}
			if q.Add(m, []Buf{{0x1000, 1, true}}, 8) {
				t.Errorf("Add on a broken queue succeeded")
			}
		})
	}
}

func TestQueueNotifyAndInterruptFlags(t *testing.T) {
	q, m, _ := newQueue(t, 8)
	if !q.NeedNotify(m) {
		t.Error("NeedNotify false with used.flags clear")
	}
	m.Write16(q.Used, usedFNoNotify)
	if q.NeedNotify(m) {
		t.Error("NeedNotify true with VIRTQ_USED_F_NO_NOTIFY set")
	}
	q.SetInterrupts(m, false)
	if m.Read16(q.Avail) != availFNoInterrupt {
		t.Error("SetInterrupts(false) did not set VIRTQ_AVAIL_F_NO_INTERRUPT")
	}
	q.SetInterrupts(m, true)
	if m.Read16(q.Avail) != 0 {
		t.Error("SetInterrupts(true) left VIRTQ_AVAIL_F_NO_INTERRUPT set")
	}
}
