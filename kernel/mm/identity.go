package mm

// IdentityMap maps [start, end) with VA == PA, widened outward to whole 4 KiB pages:
// 2 MiB pages wherever a whole aligned 2 MiB block fits, 4 KiB pages at the edges.
// Present is added to flags; pass the rest, for example:
//
//	RAM:  Writable|Global
//	MMIO: Writable|Global|CacheDisable|WriteThrough (plus NoExec once EFER.NXE is on)
//
// Page 0 is never mapped, even if start is 0, so a nil dereference faults. That forces
// 4 KiB pages for the rest of the first 2 MiB.
// It returns false if f runs out of frames for tables (the map is then partial).
//
// Preconditions:
//   - nothing in [start, end) is mapped yet (Map and MapLarge panic otherwise);
//   - end <= 1<<47 (lower half).
func IdentityMap(pt PageTable, start, end uint64, flags PTE, f *Frames, pm PhysMem) bool {
	start = alignDown(start, PageSize)
	end, ok := alignUp(end, PageSize)
	if !ok || end > userLimit {
		panic("mm: IdentityMap: end beyond the lower half")
	}
	if start < PageSize {
		start = PageSize // keep page 0 unmapped: nil pointers must fault
	}
	for va := start; va < end; {
		if va&largeMask == 0 && end-va >= LargePageSize {
			if !pt.MapLarge(va, va, flags, f, pm) {
				return false
			}
			va += LargePageSize
			continue
		}
		if !pt.Map(va, va, flags, f, pm) {
			return false
		}
		va += PageSize
	}
	return true
}
