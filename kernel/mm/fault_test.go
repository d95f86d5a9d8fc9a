package mm

import (
	"testing"

	"github.com/unigo-os/unigo/kernel/mm/mmtest"
)

type machine struct {
	as  *AddressSpace
	f   *Frames
	ram *mmtest.RAM
	tlb *mmtest.TLB
}

func (m *machine) env() Env { return Env{Frames: m.f, Mem: m.ram, TLB: m.tlb} }

// newMachine builds what the kernel builds at boot: frames over RAM [0, ramSize), a page
// table identity-mapping that RAM, and an address space whose window starts at 1 GiB.
// Free frames are filled with garbage so that tests notice missing zeroing.
func newMachine(t *testing.T, ramSize uint64) *machine {
	t.Helper()
	f, ram := newFrames(t, ramSize)
	pt, _ := NewPageTable(f, ram)
	if !IdentityMap(pt, 0, ramSize, Writable|Global, f, ram) {
		t.Fatal("IdentityMap: OOM")
	}
	var all []uint64
	for {
		pa, ok := f.Alloc(ram)
		if !ok {
			break
		}
		b := ram.Slice(pa, PageSize)
		for i := range b {
			b[i] = 0xEE
		}
		all = append(all, pa)
	}
	for _, pa := range all {
		f.Free(pa, ram)
	}
	m := &machine{as: new(AddressSpace), f: f, ram: ram, tlb: new(mmtest.TLB)}
	m.as.Init(pt, 1*GiB, 1<<47, true)
	return m
}

// touch emulates one CPU access to va: the MMU's check, then the page-fault handler on a
// miss and a retry. It returns the physical address reached or the fault's result.
func (m *machine) touch(t *testing.T, va uint64, acc Access) (uint64, FaultResult) {
	t.Helper()
	for try := 0; try < 2; try++ {
		e, ok := m.as.PT.Lookup(va, m.ram)
		if ok && e&Present != 0 && (acc != Write || e&Writable != 0) && (acc != Exec || e&NoExec == 0) {
			pa, _ := m.as.PT.Translate(va, m.ram)
			return pa, Mapped
		}
		if r := HandleFault(m.as, m.env(), va, acc); r != Mapped {
			return 0, r
		}
	}
	t.Fatalf("access to %#x still faults after HandleFault returned Mapped", va)
	return 0, 0
}

func (m *machine) write(t *testing.T, va uint64, b byte) {
	t.Helper()
	pa, r := m.touch(t, va, Write)
	if r != Mapped {
		t.Fatalf("write to %#x: fault result %d", va, r)
	}
	m.ram.Slice(pa, 1)[0] = b
}

func (m *machine) read(t *testing.T, va uint64) byte {
	t.Helper()
	pa, r := m.touch(t, va, Read)
	if r != Mapped {
		t.Fatalf("read of %#x: fault result %d", va, r)
	}
	return m.ram.Slice(pa, 1)[0]
}

func (m *machine) mmap(t *testing.T, length uint64, prot Prot) uint64 {
	t.Helper()
	addr, err := m.as.Mmap(m.env(), 0, length, prot, false)
	if err != 0 {
		t.Fatalf("Mmap = errno %d", err)
	}
	return addr
}

func TestFaultOutsideRegionsIsMapErr(t *testing.T) {
	m := newMachine(t, 4*MiB)
	for _, va := range []uint64{0, 1 * GiB, 1<<47 - PageSize, 1 << 63} {
		if _, r := m.touch(t, va, Read); r != NotMapped {
			t.Errorf("touch %#x = %d, want NotMapped", va, r)
		}
	}
}

func TestFirstTouchMapsZeroedFrameWithRegionProt(t *testing.T) {
	m := newMachine(t, 4*MiB)
	a := m.mmap(t, 2*PageSize, ProtRead|ProtWrite)
	if _, ok := m.as.PT.Lookup(a, m.ram); ok {
		t.Fatal("Mmap populated a page eagerly")
	}
	pa, r := m.touch(t, a+10, Read)
	if r != Mapped {
		t.Fatalf("read fault = %d, want Mapped", r)
	}
	for i, b := range m.ram.Slice(pa&^pageMask, PageSize) {
		if b != 0 {
			t.Fatalf("new page byte %d = %#x, want 0", i, b)
		}
	}
	if e, _ := m.as.PT.Lookup(a, m.ram); e.Flags() != Present|Writable|NoExec {
		t.Fatalf("pte flags %#x, want Present|Writable|NoExec", uint64(e.Flags()))
	}
	if _, r := m.touch(t, a, Exec); r != AccessError {
		t.Fatalf("exec in non-exec region = %d, want AccessError", r)
	}

	ro := m.mmap(t, PageSize, ProtRead)
	if m.read(t, ro) != 0 {
		t.Fatal("read-only page not zero")
	}
	if e, _ := m.as.PT.Lookup(ro, m.ram); e&Writable != 0 {
		t.Fatal("read-only region got a writable pte")
	}
	if _, r := m.touch(t, ro, Write); r != AccessError {
		t.Fatalf("write to read-only = %d, want AccessError", r)
	}
}

func TestProtNoneRegionFaultsWithAccessError(t *testing.T) {
	m := newMachine(t, 4*MiB)
	a := m.mmap(t, PageSize, ProtNone)
	for _, acc := range []Access{Read, Write, Exec} {
		if _, r := m.touch(t, a, acc); r != AccessError {
			t.Errorf("access %d to PROT_NONE = %d, want AccessError", acc, r)
		}
	}
	if _, ok := m.as.PT.Lookup(a, m.ram); ok {
		t.Fatal("fault in PROT_NONE region mapped a page")
	}
}

func TestMadviseDontneedRezeroesPages(t *testing.T) {
	m := newMachine(t, 4*MiB)
	a := m.mmap(t, 4*PageSize, ProtRead|ProtWrite)
	for i := uint64(0); i < 4; i++ {
		m.write(t, a+i*PageSize, 0x42)
	}
	free := m.f.FreePages()
	m.tlb.Reset()
	if err := m.as.MadviseDontneed(m.env(), a+PageSize, 2*PageSize); err != 0 {
		t.Fatalf("MadviseDontneed = errno %d", err)
	}
	if got := m.f.FreePages() - free; got != 2 {
		t.Fatalf("DONTNEED freed %d frames, want 2", got)
	}
	if !m.tlb.Has(a+PageSize) || !m.tlb.Has(a+2*PageSize) {
		t.Fatalf("TLB flushes %#x, want both dropped pages", m.tlb.Flushed)
	}
	want := []byte{0x42, 0, 0, 0x42}
	for i, w := range want {
		if got := m.read(t, a+uint64(i)*PageSize); got != w {
			t.Fatalf("page %d reads %#x after DONTNEED, want %#x", i, got, w)
		}
	}
}

func TestMadviseDontneedOverHoleDropsMappedPartAndFails(t *testing.T) {
	m := newMachine(t, 4*MiB)
	a := m.mmap(t, 3*PageSize, ProtRead|ProtWrite)
	m.write(t, a, 1)
	m.as.Munmap(m.env(), a+PageSize, PageSize)
	if err := m.as.MadviseDontneed(m.env(), a, 3*PageSize); err != ENOMEM {
		t.Fatalf("DONTNEED over a hole = errno %d, want ENOMEM", err)
	}
	if m.read(t, a) != 0 {
		t.Fatal("mapped page before the hole was not dropped")
	}
	if err := m.as.MadviseDontneed(m.env(), a+1, PageSize); err != EINVAL {
		t.Fatalf("DONTNEED unaligned = errno %d, want EINVAL", err)
	}
}

func TestMprotectUpdatesPresentPagesAndKeepsContents(t *testing.T) {
	m := newMachine(t, 4*MiB)
	a := m.mmap(t, 2*PageSize, ProtRead|ProtWrite)
	m.write(t, a, 7) // second page stays untouched
	m.tlb.Reset()
	if err := m.as.Mprotect(m.env(), a, 2*PageSize, ProtRead); err != 0 {
		t.Fatalf("Mprotect = errno %d", err)
	}
	if e, _ := m.as.PT.Lookup(a, m.ram); e&Writable != 0 || !m.tlb.Has(a) {
		t.Fatalf("after PROT_READ: pte %#x, flushes %#x; want read-only and flushed", uint64(e), m.tlb.Flushed)
	}
	if _, r := m.touch(t, a, Write); r != AccessError {
		t.Fatalf("write after PROT_READ = %d, want AccessError", r)
	}
	m.as.Mprotect(m.env(), a, 2*PageSize, ProtNone)
	if e, _ := m.as.PT.Lookup(a, m.ram); e&Present != 0 || e&NoAccess == 0 {
		t.Fatalf("after PROT_NONE: pte %#x, want NoAccess", uint64(e))
	}
	if _, r := m.touch(t, a, Read); r != AccessError {
		t.Fatalf("read after PROT_NONE = %d, want AccessError", r)
	}
	m.as.Mprotect(m.env(), a, 2*PageSize, ProtRead|ProtWrite|ProtExec)
	if got := m.read(t, a); got != 7 {
		t.Fatalf("contents after PROT_NONE round trip = %d, want 7", got)
	}
	if e, _ := m.as.PT.Lookup(a, m.ram); e.Flags() != Present|Writable {
		t.Fatalf("after RWX: pte flags %#x, want Present|Writable", uint64(e.Flags()))
	}
	if err := m.as.Mprotect(m.env(), a, 3*PageSize, ProtRead); err != ENOMEM {
		t.Fatalf("Mprotect past the region = errno %d, want ENOMEM", err)
	}
}

func TestMunmapOfEverythingReturnsAllFrames(t *testing.T) {
	m := newMachine(t, 8*MiB)
	start := m.f.FreePages()
	a := m.mmap(t, 64*PageSize, ProtRead|ProtWrite)
	b, _ := m.as.Mmap(m.env(), 0x7f00_0000_0000, 8*PageSize, ProtRead|ProtWrite, false)
	c, _ := m.as.Mmap(m.env(), 0xc0_0000_0000, 4*MiB, ProtRead|ProtWrite, false)
	for i := uint64(0); i < 64; i += 3 {
		m.write(t, a+i*PageSize, 1)
	}
	m.write(t, b, 1)
	m.write(t, c, 1)
	m.write(t, c+2*MiB, 1) // second page table in that region
	m.as.Mprotect(m.env(), b, PageSize, ProtNone)
	if m.f.FreePages() >= start {
		t.Fatal("touching pages used no frames")
	}
	lo, hi := m.as.Regions.Window()
	if err := m.as.Munmap(m.env(), lo, hi-lo); err != 0 {
		t.Fatalf("Munmap of the window = errno %d", err)
	}
	if m.f.FreePages() != start || m.as.Regions.Len() != 0 {
		t.Fatalf("after Munmap: FreePages %d, regions %d; want %d, 0", m.f.FreePages(), m.as.Regions.Len(), start)
	}
	// The identity map below the window is intact.
	if pa, ok := m.as.PT.Translate(2*MiB+5, m.ram); !ok || pa != 2*MiB+5 {
		t.Fatal("identity map damaged")
	}
}

func TestMmapFixedOverTouchedPagesZeroesThem(t *testing.T) {
	m := newMachine(t, 4*MiB)
	a := m.mmap(t, 2*PageSize, ProtRead|ProtWrite)
	m.write(t, a+PageSize, 9)
	if got, err := m.as.Mmap(m.env(), a+PageSize, PageSize, ProtRead|ProtWrite, true); err != 0 || got != a+PageSize {
		t.Fatalf("fixed Mmap = %#x, errno %d", got, err)
	}
	if m.read(t, a+PageSize) != 0 {
		t.Fatal("MAP_FIXED kept the old contents")
	}
}

func TestFaultReportsOOMWithoutLeaking(t *testing.T) {
	m := newMachine(t, 2*MiB)
	start := m.f.FreePages()
	a := m.mmap(t, 1*GiB, ProtRead|ProtWrite)
	var va uint64
	for va = a; ; va += PageSize {
		if _, r := m.touch(t, va, Write); r != Mapped {
			if r != OOM {
				t.Fatalf("touch = %d, want OOM", r)
			}
			break
		}
	}
	if m.f.FreePages() != 0 {
		t.Fatalf("OOM with %d frames free", m.f.FreePages())
	}
	// Free exactly one frame, then touch a page in a new 2 MiB block: the data frame is
	// allocated but its page table cannot be, so the frame must be given back.
	m.as.MadviseDontneed(m.env(), a, PageSize)
	if m.f.FreePages() != 1 {
		t.Fatalf("FreePages = %d, want 1", m.f.FreePages())
	}
	if r := HandleFault(m.as, m.env(), a+512*MiB, Write); r != OOM || m.f.FreePages() != 1 {
		t.Fatalf("fault needing a table = %d with %d free, want OOM with 1", r, m.f.FreePages())
	}
	m.as.Munmap(m.env(), a, 1*GiB)
	if m.f.FreePages() != start {
		t.Fatalf("FreePages after Munmap = %d, want %d", m.f.FreePages(), start)
	}
}

func TestPopulateStopsAtFirstBadPage(t *testing.T) {
	m := newMachine(t, 4*MiB)
	a := m.mmap(t, 4*PageSize, ProtRead|ProtWrite)
	m.as.Munmap(m.env(), a+2*PageSize, PageSize)
	if r := Populate(m.as, m.env(), a+100, 2*PageSize-100, Write); r != Mapped {
		t.Fatalf("Populate of mapped range = %d", r)
	}
	for _, va := range []uint64{a, a + PageSize} {
		if e, ok := m.as.PT.Lookup(va, m.ram); !ok || e&Writable == 0 {
			t.Fatalf("page %#x not present and writable after Populate", va)
		}
	}
	if r := Populate(m.as, m.env(), a, 4*PageSize, Read); r != NotMapped {
		t.Fatalf("Populate over hole = %d, want NotMapped", r)
	}
	if _, ok := m.as.PT.Lookup(a+3*PageSize, m.ram); ok {
		t.Fatal("Populate went past the hole")
	}
	m.as.Mprotect(m.env(), a, PageSize, ProtRead)
	if r := Populate(m.as, m.env(), a, PageSize, Write); r != AccessError {
		t.Fatalf("Populate for write of read-only = %d, want AccessError", r)
	}
	if r := Populate(m.as, m.env(), a, 0, Write); r != Mapped {
		t.Fatalf("Populate of nothing = %d, want Mapped", r)
	}
	if r := Populate(m.as, m.env(), ^uint64(0)-10, 100, Read); r != NotMapped {
		t.Fatalf("Populate wrapping = %d, want NotMapped", r)
	}
}

func TestFaultOnPresentPageFlushesStaleTLB(t *testing.T) {
	m := newMachine(t, 4*MiB)
	a := m.mmap(t, PageSize, ProtRead|ProtWrite)
	m.write(t, a, 1)
	m.tlb.Reset()
	if r := HandleFault(m.as, m.env(), a+8, Write); r != Mapped || !m.tlb.Has(a) {
		t.Fatalf("spurious fault = %d, flushes %#x; want Mapped and a flush of %#x", r, m.tlb.Flushed, a)
	}
}

func TestDiscardPagesOutsideWindowPanics(t *testing.T) {
	m := newMachine(t, 4*MiB)
	mustPanic(t, "outside the mmap window", func() { DiscardPages(m.as, m.env(), 2*MiB, PageSize) })
}

// A frame the caller cleared before taking its lock becomes the page on a first touch, and
// is left to the caller when the page is already there (another CPU's fault won) or the
// access is refused.
func TestHandleFaultWithUsesTheCallersFrameOnlyForANewPage(t *testing.T) {
	m := newMachine(t, 4*MiB)
	a := m.mmap(t, 2*PageSize, ProtRead|ProtWrite)
	m.write(t, a+PageSize, 1) // the neighbour builds the page tables
	frame, _ := m.f.AllocZeroed(m.ram)
	free := m.f.FreePages()
	if r, used := HandleFaultWith(m.as, m.env(), a, Write, frame); r != Mapped || !used {
		t.Fatalf("first touch = %d, used %v; want Mapped, true", r, used)
	}
	if pa, ok := m.as.PT.Translate(a, m.ram); !ok || pa != frame {
		t.Fatalf("page maps %#x (%v), want the caller's frame %#x", pa, ok, frame)
	}
	if m.f.FreePages() != free {
		t.Fatalf("FreePages went from %d to %d: the fault allocated besides the given frame", free, m.f.FreePages())
	}
	spare, _ := m.f.AllocZeroed(m.ram)
	if r, used := HandleFaultWith(m.as, m.env(), a+8, Write, spare); r != Mapped || used {
		t.Fatalf("fault on a present page = %d, used %v; want Mapped, false", r, used)
	}
	if r, used := HandleFaultWith(m.as, m.env(), a+2*PageSize, Write, spare); r != NotMapped || used {
		t.Fatalf("fault outside every region = %d, used %v; want NotMapped, false", r, used)
	}
	m.f.Free(spare, m.ram)
}
