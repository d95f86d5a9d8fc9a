package mm

// Range walks over a PageTable. They visit only tables that exist, so scanning a large,
// mostly untouched mmap region (the Go runtime reserves ~1 GiB) costs a handful of loads,
// not one walk per page.

// NextMapped returns the lowest leaf (present or NoAccess) that maps part of
// [start, end): va is the leaf's first address (for a 2 MiB leaf this may lie below
// start). ok is false if [start, end) has no mapped leaf.
//
// Loops use it without callbacks:
//
//	for va := start; ; va += PageSize {
//		va, pte, ok := pt.NextMapped(va, end, pm)
//		if !ok { break }
//		...
//	}
func (pt PageTable) NextMapped(start, end uint64, pm PhysMem) (va uint64, pte PTE, ok bool) {
	if end > userLimit {
		end = userLimit
	}
	if start >= end {
		return 0, 0, false
	}
	return nextMapped(pm, pt.Root, 4, 0, start, end)
}

// nextMapped searches the level-`level` table at physical address table, whose first
// entry maps virtual address base.
func nextMapped(pm PhysMem, table uint64, level int, base, start, end uint64) (uint64, PTE, bool) {
	shift := 12 + 9*uint(level-1)
	i := uint64(0)
	if start > base {
		i = (start - base) >> shift
	}
	for ; i < 512; i++ {
		va := base + i<<shift
		if va >= end {
			break
		}
		e := PTE(load64(pm, table+i*8))
		if level == 1 || e&Huge != 0 {
			if e.mapped() {
				return va, e, true
			}
			continue
		}
		if e&Present == 0 {
			continue
		}
		if v, le, ok := nextMapped(pm, e.Addr(), level-1, va, start, end); ok {
			return v, le, true
		}
	}
	return 0, 0, false
}

// Prune unlinks every intermediate table that maps part of [start, end) and no longer
// holds any entry, from its parent first. The root is never unlinked. The unlinked tables
// are not freed: they are chained through their first word (a page-aligned physical
// address, so its Present bit is clear) and returned with their number, for FreeChain.
//
// The caller must flush the TLB (any Flush works: INVLPG also empties the paging-structure
// caches) and, on SMP, shoot down the other CPUs' before it frees the chain: until then a
// walk through a cached pointer to an unlinked table only finds zeros and the chain link,
// which cannot create a translation; once freed, the frame could become another CPU's
// page of data under that CPU's stale pointer.
func (pt PageTable) Prune(start, end uint64, pm PhysMem) (chain uint64, n int) {
	if end > userLimit {
		end = userLimit
	}
	if start >= end {
		return 0, 0
	}
	_, chain, n = prune(pm, pt.Root, 4, 0, start, end, 0)
	return chain, n
}

// FreeChain frees the tables Prune chained.
func FreeChain(f *Frames, chain uint64, pm PhysMem) {
	for chain != 0 {
		next := load64(pm, chain)
		store64(pm, chain, 0) // a free page table is all zeros, like a fresh one
		f.Free(chain, pm)
		chain = next
	}
}

// prune prunes below the level-`level` table at table (first VA base), adding the tables
// it unlinks to chain, and reports whether that table is now empty, the chain, and how many
// tables it unlinked.
func prune(pm PhysMem, table uint64, level int, base, start, end, chain uint64) (empty bool, _ uint64, unlinked int) {
	shift := 12 + 9*uint(level-1)
	empty = true
	for i := uint64(0); i < 512; i++ {
		e := PTE(load64(pm, table+i*8))
		if e == 0 {
			continue
		}
		va := base + i<<shift
		if level == 1 || e&Huge != 0 || va+1<<shift <= start || va >= end {
			empty = false
			continue
		}
		childEmpty, c, n := prune(pm, e.Addr(), level-1, va, start, end, chain)
		chain = c
		unlinked += n
		if !childEmpty {
			empty = false
			continue
		}
		store64(pm, table+i*8, 0)
		store64(pm, e.Addr(), chain) // the table is empty: its first word links the chain
		chain = e.Addr()
		unlinked++
	}
	return empty, chain, unlinked
}
