package mm

import (
	"testing"

	"github.com/unigo-os/unigo/kernel/mm/mmtest"
)

func newPageTable(t *testing.T, ramSize uint64) (PageTable, *Frames, *mmtest.RAM) {
	t.Helper()
	f, ram := newFrames(t, ramSize)
	pt, ok := NewPageTable(f, ram)
	if !ok {
		t.Fatal("NewPageTable: OOM")
	}
	return pt, f, ram
}

// walkByHand decodes va through the tables in RAM without using the package's walker,
// so the tests check the bit layout against the SDM rather than against itself.
func walkByHand(t *testing.T, ram *mmtest.RAM, root, va uint64) (entries []uint64) {
	t.Helper()
	table := root
	for _, shift := range []uint{39, 30, 21, 12} {
		e := ram.Load64(table + (va>>shift&511)*8)
		entries = append(entries, e)
		if e&1 == 0 || e&0x80 != 0 || shift == 12 {
			return entries
		}
		table = e & 0x000F_FFFF_FFFF_F000
	}
	return entries
}

func TestMapBuildsFourLevelsWithLeafFlags(t *testing.T) {
	pt, f, ram := newPageTable(t, 4*MiB)
	va := uint64(0x7F12_3456_7000)
	pa, _ := f.Alloc(ram)
	if !pt.Map(va, pa, Writable|NoExec, f, ram) {
		t.Fatal("Map: OOM")
	}
	es := walkByHand(t, ram, pt.Root, va)
	if len(es) != 4 {
		t.Fatalf("walk stopped at level %d: %#x", 5-len(es), es)
	}
	for l, e := range es[:3] {
		if e&0x7 != 0x7 || e&(1<<63) != 0 {
			t.Errorf("level %d entry %#x: want Present|Writable|User, no NX", 4-l, e)
		}
	}
	if want := pa | 1<<63 | 0x3; es[3] != want {
		t.Fatalf("leaf = %#x, want %#x", es[3], want)
	}
	if got, ok := pt.Translate(va+0x123, ram); !ok || got != pa+0x123 {
		t.Fatalf("Translate = %#x, %v; want %#x", got, ok, pa+0x123)
	}
	if e, ok := pt.Lookup(va, ram); !ok || e.Addr() != pa || e.Flags() != Present|Writable|NoExec {
		t.Fatalf("Lookup = %#x, %v", uint64(e), ok)
	}
}

func TestMapLargeWritesHugePDEntry(t *testing.T) {
	pt, f, ram := newPageTable(t, 4*MiB)
	if !pt.MapLarge(0x4000_0000, 0x20_0000, Writable|Global, f, ram) {
		t.Fatal("MapLarge: OOM")
	}
	es := walkByHand(t, ram, pt.Root, 0x4000_0000)
	if len(es) != 3 || es[2] != 0x20_0000|0x80|0x100|0x3 {
		t.Fatalf("walk = %#x, want a PD leaf 0x200183", es)
	}
	if got, ok := pt.Translate(0x4012_3456, ram); !ok || got != 0x32_3456 {
		t.Fatalf("Translate = %#x, %v; want 0x323456", got, ok)
	}
	mustPanic(t, "large page covers", func() { pt.Map(0x4000_1000, 0x10_0000, 0, f, ram) })
	mustPanic(t, "2 MiB page", func() { pt.Unmap(0x4000_0000, ram) })
}

func TestUnmapReturnsFrameAndClearsEntry(t *testing.T) {
	pt, f, ram := newPageTable(t, 4*MiB)
	pt.Map(0x1000_0000, 0x30_0000, Writable, f, ram)
	pa, ok := pt.Unmap(0x1000_0000, ram)
	if !ok || pa != 0x30_0000 {
		t.Fatalf("Unmap = %#x, %v; want 0x300000, true", pa, ok)
	}
	if _, ok := pt.Lookup(0x1000_0000, ram); ok {
		t.Fatal("Lookup after Unmap found a page")
	}
	if _, ok := pt.Unmap(0x1000_0000, ram); ok {
		t.Fatal("second Unmap reported a page")
	}
	if _, ok := pt.Unmap(0x5000_0000, ram); ok { // no tables at all there
		t.Fatal("Unmap of untouched space reported a page")
	}
}

func TestProtectKeepsFrameAndNoAccessClearsPresent(t *testing.T) {
	pt, f, ram := newPageTable(t, 4*MiB)
	pt.Map(0x1000_0000, 0x30_0000, Writable, f, ram)
	if !pt.Protect(0x1000_0000, NoAccess, ram) {
		t.Fatal("Protect failed")
	}
	e, ok := pt.Lookup(0x1000_0000, ram)
	if !ok || e&Present != 0 || e.Addr() != 0x30_0000 {
		t.Fatalf("after NoAccess: %#x, %v; want non-present entry keeping 0x300000", uint64(e), ok)
	}
	if _, ok := pt.Translate(0x1000_0000, ram); ok {
		t.Fatal("Translate through a NoAccess entry succeeded")
	}
	pt.Protect(0x1000_0000, 0, ram)
	if e, _ := pt.Lookup(0x1000_0000, ram); e != PTE(0x30_0000)|Present {
		t.Fatalf("after read-only: %#x, want 0x300001", uint64(e))
	}
	if pt.Protect(0x2000_0000, Writable, ram) {
		t.Fatal("Protect of unmapped va succeeded")
	}
}

func TestMapTwicePanics(t *testing.T) {
	pt, f, ram := newPageTable(t, 4*MiB)
	pt.Map(0x1000_0000, 0x30_0000, Writable, f, ram)
	mustPanic(t, "already mapped", func() { pt.Map(0x1000_0000, 0x31_0000, 0, f, ram) })
	mustPanic(t, "bad address", func() { pt.Map(0x1000_0800, 0x31_0000, 0, f, ram) })
	mustPanic(t, "bad address", func() { pt.Map(1<<47, 0x31_0000, 0, f, ram) })
}

func TestMapReturnsFalseWhenTablesCannotBeAllocated(t *testing.T) {
	pt, f, ram := newPageTable(t, 2*MiB)
	for {
		if _, ok := f.Alloc(ram); !ok {
			break
		}
	}
	if pt.Map(0x1000_0000, 0x30_0000, 0, f, ram) {
		t.Fatal("Map with no free frames succeeded")
	}
}

func TestIdentityMapSkipsPageZeroAndUsesLargePages(t *testing.T) {
	pt, f, ram := newPageTable(t, 4*MiB)
	end := uint64(6*MiB + 3*PageSize)
	if !IdentityMap(pt, 0, end, Writable|Global, f, ram) {
		t.Fatal("IdentityMap: OOM")
	}
	if _, ok := pt.Lookup(0, ram); ok {
		t.Fatal("page 0 is mapped")
	}
	check := func(va uint64, huge bool) {
		t.Helper()
		e, ok := pt.Lookup(va, ram)
		pa, _ := pt.Translate(va, ram)
		if !ok || pa != va || (e&Huge != 0) != huge || e&(Writable|Global) != Writable|Global {
			t.Fatalf("va %#x: pte %#x, pa %#x; want identity, huge=%v, W|G", va, uint64(e), pa, huge)
		}
	}
	check(PageSize, false)
	check(2*MiB-PageSize, false)
	check(2*MiB, true)
	check(4*MiB+0x1234, true)
	check(6*MiB, false)
	check(6*MiB+2*PageSize, false)
	if _, ok := pt.Lookup(end, ram); ok {
		t.Fatal("page past end is mapped")
	}
	// MMIO: uncached, mapped in 4 KiB pages since the window is not 2 MiB aligned.
	IdentityMap(pt, 0xFEB0_0E00, 0xFEB0_1000, Writable|CacheDisable|WriteThrough, f, ram)
	if e, _ := pt.Lookup(0xFEB0_0000, ram); e&(CacheDisable|WriteThrough) != CacheDisable|WriteThrough || e&Huge != 0 {
		t.Fatalf("MMIO pte %#x, want 4 KiB uncached", uint64(e))
	}
}

func TestNextMappedSkipsHoles(t *testing.T) {
	pt, f, ram := newPageTable(t, 4*MiB)
	vas := []uint64{0x1000_0000, 0x1000_5000, 0x7000_0000, 0x60_0000_0000}
	for i, va := range vas {
		pt.Map(va, 0x30_0000+uint64(i)*PageSize, 0, f, ram)
	}
	pt.Protect(vas[1], NoAccess, ram) // NoAccess leaves count as mapped
	var got []uint64
	for va := uint64(0); ; va += PageSize {
		v, _, ok := pt.NextMapped(va, 1<<47, ram)
		if !ok {
			break
		}
		va = v
		got = append(got, v)
	}
	if len(got) != len(vas) {
		t.Fatalf("NextMapped found %#x, want %#x", got, vas)
	}
	for i := range vas {
		if got[i] != vas[i] {
			t.Fatalf("NextMapped found %#x, want %#x", got, vas)
		}
	}
	if _, _, ok := pt.NextMapped(0x1000_1000, 0x1000_5000, ram); ok {
		t.Fatal("NextMapped found a page in an empty range")
	}
}

func TestPruneFreesOnlyEmptyTables(t *testing.T) {
	pt, f, ram := newPageTable(t, 4*MiB)
	before := f.FreePages()
	pt.Map(0x1000_0000, 0x30_0000, 0, f, ram)
	pt.Map(0x1000_1000, 0x30_1000, 0, f, ram)
	if used := before - f.FreePages(); used != 3 { // PDPT, PD, PT
		t.Fatalf("Map used %d table frames, want 3", used)
	}
	pt.Unmap(0x1000_0000, ram)
	if _, n := pt.Prune(0x1000_0000, 0x1000_1000, ram); n != 0 {
		t.Fatalf("Prune unlinked %d tables while a page remains", n)
	}
	pt.Unmap(0x1000_1000, ram)
	chain, n := pt.Prune(0x1000_1000, 0x1000_2000, ram)
	if n != 3 {
		t.Fatalf("Prune unlinked %d tables, want 3", n)
	}
	if f.FreePages() != before-3 {
		t.Fatalf("FreePages = %d before FreeChain, want %d: Prune must not free (another CPU may still walk them)", f.FreePages(), before-3)
	}
	for c, k := chain, 0; c != 0; c, k = ram.Load64(c), k+1 {
		if k == 3 || c&(PageSize-1) != 0 {
			t.Fatalf("chain link %#x (entry %d): want 3 page-aligned tables", c, k)
		}
	}
	FreeChain(f, chain, ram)
	if f.FreePages() != before {
		t.Fatalf("FreePages = %d, want %d", f.FreePages(), before)
	}
	if e := ram.Load64(pt.Root + index(0x1000_0000, 4)*8); e != 0 {
		t.Fatalf("root entry %#x left pointing at a freed table", e)
	}
}
