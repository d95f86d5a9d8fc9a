package mm

// x86-64 4-level paging (Intel SDM Vol. 3A §4.5).
//
// A virtual address decodes as:
//
//	63..48  copies of bit 47 (canonical); we only use the lower half, bit 47 = 0
//	47..39  PML4 index  (level 4, the root; each entry covers 512 GiB)
//	38..30  PDPT index  (level 3; 1 GiB)
//	29..21  PD index    (level 2; 2 MiB; an entry with Huge set is a 2 MiB leaf)
//	20..12  PT index    (level 1; 4 KiB leaf)
//	11..0   offset in the page
//
// Intermediate entries are always Present|Writable|User so that the leaf alone decides
// the access rights. No TLB maintenance happens here: callers that change or remove a
// present leaf flush it themselves (see TLB).

// PTE is a page-table entry at any level. Bit layout:
//
//	63      NoExec (XD). Needs EFER.NXE; without it the bit is reserved and every access
//	        through the entry faults with the RSVD error bit set.
//	62..52  ignored / protection key: always 0 here
//	51..12  physical address of the 4 KiB frame or next-level table
//	        (2 MiB leaf: 51..21 address, 20..13 must be 0, 12 = PAT, never set here)
//	11..10  available to software, unused
//	9       NoAccess (software): leaf that owns a frame but must fault on any access
//	        (mprotect PROT_NONE). Present is clear, so the MMU ignores every other bit.
//	8       Global: survives CR3 reloads (leaf only; needs CR4.PGE)
//	7       Huge (PS) in a PD entry: 2 MiB leaf. In a 4 KiB PTE bit 7 is PAT, which we
//	        never set, so Huge on a level-1 entry is always clear.
//	6       Dirty (leaf; set by the CPU on write)
//	5       Accessed (set by the CPU)
//	4       CacheDisable (PCD)
//	3       WriteThrough (PWT)
//	2       User: ring 3 may access. Unused for leaves while the application runs in ring 0
//	1       Writable. Binds ring 0 only when CR0.WP is set.
//	0       Present
type PTE uint64

const (
	Present      PTE = 1 << 0
	Writable     PTE = 1 << 1
	User         PTE = 1 << 2
	WriteThrough PTE = 1 << 3
	CacheDisable PTE = 1 << 4
	Accessed     PTE = 1 << 5
	Dirty        PTE = 1 << 6
	Huge         PTE = 1 << 7
	Global       PTE = 1 << 8
	NoAccess     PTE = 1 << 9
	NoExec       PTE = 1 << 63

	addrMask      PTE = 0x000F_FFFF_FFFF_F000 // bits 51..12
	largeAddrMask PTE = 0x000F_FFFF_FFE0_0000 // bits 51..21
	tableFlags        = Present | Writable | User

	// userLimit is the end of the canonical lower half: every VA we map is below it.
	userLimit = 1 << 47
)

// Addr is the physical address the entry points at (frame, large frame or table).
func (e PTE) Addr() uint64 {
	if e&Huge != 0 {
		return uint64(e & largeAddrMask)
	}
	return uint64(e & addrMask)
}

// Flags is the entry without its address bits.
func (e PTE) Flags() PTE { return e &^ addrMask }

// mapped reports whether a leaf owns a frame: present, or PROT_NONE'd by NoAccess.
func (e PTE) mapped() bool { return e&(Present|NoAccess) != 0 }

// PageTable is an x86-64 page-table tree, named by the physical address of its PML4
// (the CR3 value). It is a plain value: the tables themselves live in frames.
type PageTable struct {
	Root uint64
}

// NewPageTable allocates an empty PML4; false on OOM.
func NewPageTable(f *Frames, pm PhysMem) (PageTable, bool) {
	root, ok := f.AllocZeroed(pm)
	return PageTable{Root: root}, ok
}

// index is the table index of va at level (1 = PT ... 4 = PML4); see the layout above.
func index(va uint64, level int) uint64 { return va >> (12 + 9*(level-1)) & 511 }

// Map maps the 4 KiB page at va to the frame at pa. Present is added unless flags has
// NoAccess. It allocates missing intermediate tables from f and returns false if that
// fails (tables allocated before the failure stay linked; Prune reclaims them).
//
// Preconditions (a violation panics):
//   - va and pa are 4 KiB aligned, va is in the lower half, flags has no address or Huge bit;
//   - va is not mapped yet, and no 2 MiB leaf covers it.
func (pt PageTable) Map(va, pa uint64, flags PTE, f *Frames, pm PhysMem) bool {
	if va&pageMask != 0 || pa&pageMask != 0 || va >= userLimit || pa >= maxPhys || flags&(addrMask|Huge) != 0 {
		panic("mm: PageTable.Map: bad address or flags")
	}
	epa, ok := pt.walk(va, 1, f, pm)
	if !ok {
		return false
	}
	if PTE(load64(pm, epa)).mapped() {
		panic("mm: PageTable.Map: va already mapped")
	}
	store64(pm, epa, uint64(leaf(flags)|PTE(pa)))
	return true
}

// MapLarge maps the 2 MiB page at va to pa with a PD-level leaf (Huge added); false on
// OOM of an intermediate table.
//
// Preconditions (a violation panics):
//   - va and pa are 2 MiB aligned, va is in the lower half, flags has no address bit;
//   - the PD entry for va is empty (no 4 KiB table, no leaf).
func (pt PageTable) MapLarge(va, pa uint64, flags PTE, f *Frames, pm PhysMem) bool {
	if va&largeMask != 0 || pa&largeMask != 0 || va >= userLimit || pa >= maxPhys || flags&addrMask != 0 {
		panic("mm: PageTable.MapLarge: bad address or flags")
	}
	epa, ok := pt.walk(va, 2, f, pm)
	if !ok {
		return false
	}
	if load64(pm, epa) != 0 {
		panic("mm: PageTable.MapLarge: PD entry in use")
	}
	store64(pm, epa, uint64(leaf(flags)|Huge|PTE(pa)))
	return true
}

// Unmap removes the 4 KiB leaf at va and returns the frame it pointed at; ok is false if
// nothing was mapped. Intermediate tables are kept (Prune frees empty ones). The caller
// must flush va from the TLB before the frame is reused.
// Unmapping part of a 2 MiB leaf is not supported and panics.
func (pt PageTable) Unmap(va uint64, pm PhysMem) (pa uint64, ok bool) {
	epa, e, ok := pt.lookup(va, pm)
	if !ok {
		return 0, false
	}
	if e&Huge != 0 {
		panic("mm: PageTable.Unmap: va is inside a 2 MiB page")
	}
	store64(pm, epa, 0)
	return e.Addr(), true
}

// Lookup returns the leaf entry covering va (present or NoAccess). A 2 MiB leaf comes
// back with Huge set; its page starts at va &^ (LargePageSize-1).
func (pt PageTable) Lookup(va uint64, pm PhysMem) (pte PTE, ok bool) {
	_, e, ok := pt.lookup(va, pm)
	return e, ok
}

// Translate returns the physical address va maps to, as the MMU would: only through
// present leaves.
func (pt PageTable) Translate(va uint64, pm PhysMem) (pa uint64, ok bool) {
	_, e, ok := pt.lookup(va, pm)
	if !ok || e&Present == 0 {
		return 0, false
	}
	if e&Huge != 0 {
		return e.Addr() + va&largeMask, true
	}
	return e.Addr() + va&pageMask, true
}

// Protect replaces the flags of the leaf covering va, keeping its frame (Present is added
// unless flags has NoAccess; Huge is kept for 2 MiB leaves). It returns false if nothing
// is mapped at va. The caller must flush va from the TLB.
func (pt PageTable) Protect(va uint64, flags PTE, pm PhysMem) bool {
	if flags&(addrMask|Huge) != 0 {
		panic("mm: PageTable.Protect: bad flags")
	}
	epa, e, ok := pt.lookup(va, pm)
	if !ok {
		return false
	}
	store64(pm, epa, uint64(leaf(flags)|e&(Huge|addrMask)))
	return true
}

// leaf completes leaf flags: Present unless the entry is deliberately inaccessible.
func leaf(flags PTE) PTE {
	if flags&NoAccess != 0 {
		return flags &^ Present
	}
	return flags | Present
}

// walk returns the physical address of the level-`level` entry for va, allocating
// missing tables above it from f. It panics if a leaf sits above that level.
func (pt PageTable) walk(va uint64, level int, f *Frames, pm PhysMem) (uint64, bool) {
	table := pt.Root
	for l := 4; l > level; l-- {
		epa := table + index(va, l)*8
		e := PTE(load64(pm, epa))
		switch {
		case e&Huge != 0:
			panic("mm: PageTable: a large page covers va")
		case e&Present == 0:
			t, ok := f.AllocZeroed(pm)
			if !ok {
				return 0, false
			}
			e = PTE(t) | tableFlags
			store64(pm, epa, uint64(e))
		}
		table = e.Addr()
	}
	return table + index(va, level)*8, true
}

// lookup finds the leaf covering va without allocating: the entry's physical address and
// value, or ok == false if there is no mapped leaf.
func (pt PageTable) lookup(va uint64, pm PhysMem) (epa uint64, e PTE, ok bool) {
	if va >= userLimit {
		return 0, 0, false
	}
	table := pt.Root
	for l := 4; ; l-- {
		epa = table + index(va, l)*8
		e = PTE(load64(pm, epa))
		if l == 1 || e&Huge != 0 {
			return epa, e, e.mapped()
		}
		if e&Present == 0 {
			return 0, 0, false
		}
		table = e.Addr()
	}
}
