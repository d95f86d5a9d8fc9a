package virtio

import "testing"

// fakeConfig builds a configuration space like QEMU's virtio-net-pci: a vendor capability
// chain with the MSI-X capability in the middle, the table in 32-bit BAR 1 and the modern
// structures in 64-bit BAR 4.
func fakeConfig(msixAt uint32, size uint16, withCaps bool) *ConfigSpace {
	var c ConfigSpace
	put8 := func(off uint32, v uint8) {
		c[off>>2] = c[off>>2]&^(0xFF<<(8*(off&3))) | uint32(v)<<(8*(off&3))
	}
	put16 := func(off uint32, v uint16) { put8(off, uint8(v)); put8(off+1, uint8(v>>8)) }
	put32 := func(off uint32, v uint32) { put16(off, uint16(v)); put16(off+2, uint16(v>>16)) }
	put16(0, 0x1AF4)
	put16(2, 0x1000)
	put32(0x10, 0xC001)         // BAR 0: I/O
	put32(0x14, 0xFEBD1000)     // BAR 1: 32-bit memory
	put32(0x20, 0xFE000000|0xC) // BAR 4: 64-bit prefetchable memory, low half
	put32(0x24, 0x1)            // high half
	if !withCaps {
		return &c
	}
	put16(6, 0x10) // status: capability list
	put8(0x34, 0x84)
	// 0x84: vendor-specific (common cfg) -> msixAt -> 0x70 (vendor) -> end
	put8(0x84, 0x09)
	put8(0x85, uint8(msixAt))
	put8(msixAt, 0x11)
	put8(msixAt+1, 0x70)
	put16(msixAt+2, size-1|1<<14) // function mask set by the firmware, say
	put32(msixAt+4, 0x0000|1)     // table at BAR 1 + 0
	put32(msixAt+8, 0x0800|1)     // PBA at BAR 1 + 0x800
	put8(0x70, 0x09)
	put8(0x71, 0)
	return &c
}

func TestFindMSIX(t *testing.T) {
	c := fakeConfig(0x98, 3, true)
	m, ok := FindMSIX(c)
	if !ok {
		t.Fatal("no MSI-X capability found")
	}
	want := MSIXCap{Off: 0x98, Size: 3, TableBAR: 1, TableOff: 0, PBABAR: 1, PBAOff: 0x800}
	if m != want {
		t.Errorf("FindMSIX = %+v, want %+v", m, want)
	}
	if got := c.BAR(1); got != 0xFEBD1000 {
		t.Errorf("BAR 1 = %#x", got)
	}
	if got := c.BAR(4); got != 0x1_FE000000 {
		t.Errorf("BAR 4 (64-bit) = %#x", got)
	}
	if got := c.BAR(0); got != 0 {
		t.Errorf("BAR 0 (I/O) = %#x, want 0", got)
	}
	if got := c.BAR(6); got != 0 {
		t.Errorf("BAR 6 = %#x, want 0", got)
	}
	if _, ok := FindMSIX(fakeConfig(0, 0, false)); ok {
		t.Error("found MSI-X without a capability list")
	}
	// A list without MSI-X, and a list that loops, end.
	c = fakeConfig(0x98, 3, true)
	c[0x98>>2] = c[0x98>>2]&^0xFF | 0x05 // MSI, not MSI-X
	if _, ok := FindMSIX(c); ok {
		t.Error("found MSI-X in a list without it")
	}
	c = fakeConfig(0x98, 3, true)
	c[0x70>>2] = c[0x70>>2]&^0xFF00 | 0x84<<8 // 0x70 -> 0x84 -> ... forever
	c[0x98>>2] = c[0x98>>2]&^0xFF | 0x05
	if _, ok := FindMSIX(c); ok {
		t.Error("found MSI-X in a looping list")
	}
	// The largest table: 2048 entries.
	if m, _ := FindMSIX(fakeConfig(0x98, 2048, true)); m.Size != 2048 {
		t.Errorf("size = %d, want 2048", m.Size)
	}
}

func TestMSIXMessage(t *testing.T) {
	for _, c := range []struct {
		apic   uint32
		vector uint8
		addr   uint64
		data   uint32
	}{
		{0, 0x50, 0xFEE00000, 0x50},
		{1, 0x6F, 0xFEE01000, 0x6F},
		{0xFF, 0x51, 0xFEEFF000, 0x51},
	} {
		addr, data := MSIXMessage(c.apic, c.vector)
		if addr != c.addr || data != c.data {
			t.Errorf("MSIXMessage(%d, %#x) = %#x, %#x; want %#x, %#x", c.apic, c.vector, addr, data, c.addr, c.data)
		}
		// Fixed delivery (bits 10:8 = 0), edge (bit 15 = 0), physical destination, no
		// redirection hint (address bits 3:2 = 0).
		if data&0xFF00 != 0 || addr&0xC != 0 {
			t.Errorf("MSIXMessage(%d, %#x): not fixed/edge/physical", c.apic, c.vector)
		}
	}
}

func TestMSIXVectorAssignment(t *testing.T) {
	if n := MSIXVectorsFor(2, 3); n != 3 {
		t.Errorf("net with 3 entries: %d vectors, want 3", n)
	}
	if n := MSIXVectorsFor(2, 2); n != 1 {
		t.Errorf("net with 2 entries: %d vectors, want 1 shared", n)
	}
	if n := MSIXVectorsFor(1, 0); n != 0 {
		t.Errorf("empty table: %d vectors", n)
	}
	tr := Transport{Kind: KindPCI, MSIXVectors: 3}
	for q, want := range []uint16{1, 2} {
		if e := msixEntryFor(&tr, uint16(q)); e != want {
			t.Errorf("queue %d -> entry %d, want %d", q, e, want)
		}
	}
	if q := MSIXQueueOf(&tr, 0); q != -1 {
		t.Errorf("entry 0 -> %d, want -1 (configuration)", q)
	}
	if q := MSIXQueueOf(&tr, 2); q != 1 {
		t.Errorf("entry 2 -> %d, want queue 1", q)
	}
	tr.MSIXVectors = 1
	if e := msixEntryFor(&tr, 1); e != 0 {
		t.Errorf("shared: queue 1 -> entry %d, want 0", e)
	}
	if q := MSIXQueueOf(&tr, 0); q != -2 {
		t.Errorf("shared: entry 0 -> %d, want -2 (everything)", q)
	}
	tr.MSIXVectors = 0
	if e := msixEntryFor(&tr, 0); e != pciNoVector {
		t.Errorf("INTx: queue 0 -> %#x, want VIRTIO_MSI_NO_VECTOR", e)
	}
}
