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

// Prune frees every intermediate table that maps part of [start, end) and no longer
// holds any entry, unlinking it from its parent first. The root is never freed. It
// returns the number of tables freed.
//
// The caller must flush the TLB (any Flush works: INVLPG also empties the paging-structure
// caches) before returning to code that could use the range. Until then a speculative
// walk through a cached pointer to a freed table only finds zeros and the free-list link,
// a page-aligned address whose Present bit is clear, so it cannot create a translation.
func (pt PageTable) Prune(start, end uint64, f *Frames, pm PhysMem) int {
	if end > userLimit {
		end = userLimit
	}
	if start >= end {
		return 0
	}
	_, n := prune(f, pm, pt.Root, 4, 0, start, end)
	return n
}

// prune prunes below the level-`level` table at table (first VA base) and reports
// whether that table is now empty, plus how many tables were freed.
func prune(f *Frames, pm PhysMem, table uint64, level int, base, start, end uint64) (empty bool, freed int) {
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
		childEmpty, n := prune(f, pm, e.Addr(), level-1, va, start, end)
		freed += n
		if !childEmpty {
			empty = false
			continue
		}
		store64(pm, table+i*8, 0)
		f.Free(e.Addr(), pm)
		freed++
	}
	return empty, freed
}
