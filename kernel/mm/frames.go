package mm

// Frame allocator.
//
// Frames hands out 4 KiB physical frames from up to maxRanges usable RAM ranges (the
// e820 map). Each range has a bitmap, bit i set <=> frame i of the range is free; all
// bitmaps live together in frames carved from managed RAM by Init, placed clear of every
// reservation. The bitmap makes Free's double-free and foreign-frame checks O(1).
//
// Allocation is O(1) without touching every frame at boot:
//   - frames that have been freed at least once form a LIFO list linked through their
//     first 8 bytes (physical addresses, so no Go pointers);
//   - frames never handed out are found by a per-range bump index that only moves
//     forward, skipping reserved frames (each frame is skipped at most once).
//
// On top of that global pool each CPU keeps a small stack of free frames (cpuCache):
// AllocOn and FreeOn work on the CPU's own stack and touch the global pool only in
// batches of cacheBatch (refill when empty, drain when full), so with a lock per cache
// and one for the pool, allocation would not serialize the CPUs. A cached frame is free
// (its bit is set, FreePages counts it) but on no list, and nothing is written into it.
// When the pool runs dry, Alloc takes back every other CPU's cached frames before it
// reports exhaustion.
//
// So a frame at index i of its range is in exactly one state:
//
//	bit set,   i >= bump: never allocated, free
//	bit set,   i <  bump: on the free list, or in one CPU's cache
//	bit clear, i >= bump: reserved (kernel image, boot data, the bitmap)
//	bit clear, i <  bump: allocated, or reserved and skipped by the bump
//
// Usage at boot: AddRange for every usable e820 entry, Reserve for everything already in
// use, then Init once; only then Alloc and Free.

const (
	// MaxCPUs bounds the CPU numbers AllocOn, FreeOn and SetCPU take: 0..MaxCPUs-1.
	MaxCPUs = 8

	cacheSize  = 32 // free frames a CPU's cache holds at most
	cacheBatch = 16 // frames moved between a cache and the pool at a time

	maxRanges   = 32
	maxReserved = 16
	// maxPhys is the architectural limit of physical addresses (MAXPHYADDR <= 52); ranges
	// beyond it are clipped so address arithmetic below cannot overflow.
	maxPhys = 1 << 52
)

// span is the page-aligned physical interval [base, end).
type span struct{ base, end uint64 }

// rangeState is the run-time state of one range, set up by Init.
type rangeState struct {
	bitmap uint64 // physical address of the range's bitmap words
	bump   uint64 // index of the first frame never handed out
}

// cpuCache is one CPU's stack of free frames, top at pa[n-1].
type cpuCache struct {
	n  int
	pa [cacheSize]uint64
}

// Frames is the physical frame allocator. The zero value is empty and ready for AddRange.
// All state is in this struct. Locking: none of its own; the kernel serializes every
// call with its kernel lock. A split would give each cache a lock (taken by its CPU,
// and by others only on the out-of-memory path) and the pool one, cache before pool,
// both where doc.go's lock order puts the future frames lock: leaves.
type Frames struct {
	cache     [MaxCPUs]cpuCache
	cpu       int             // the CPU whose cache Alloc and Free use (SetCPU)
	ranges    [maxRanges]span // usable RAM: sorted, disjoint, never adjacent
	state     [maxRanges]rangeState
	nranges   int
	reserved  [maxReserved]span // sorted, disjoint, never adjacent
	nreserved int
	bitmap    span   // frames holding the bitmaps, reserved by Init
	head      uint64 // first frame of the free list; 0 = empty (frame 0 is never managed)
	cur       int    // ranges before cur have no frame left for the bump allocator
	free      uint64
	total     uint64
	ready     bool
}

// AddRange adds usable RAM [base, base+size), shrunk inward to whole frames. Overlapping
// and adjacent ranges merge. Page 0 is never added: the identity map leaves it unmapped
// so nil dereferences fault, so the kernel could not touch that frame anyway.
// It returns false if the range table is full (the range is then ignored).
//
// Preconditions:
//   - Init has not been called.
func (f *Frames) AddRange(base, size uint64) bool {
	if f.ready {
		panic("mm: Frames.AddRange after Init")
	}
	lo, ok := alignUp(base, PageSize)
	hi := base + size
	if !ok || hi < base || hi > maxPhys {
		hi = maxPhys
	}
	hi = alignDown(hi, PageSize)
	if lo < PageSize {
		lo = PageSize
	}
	if lo >= hi {
		return true
	}
	n, ok := insertSpan(f.ranges[:], f.nranges, span{lo, hi})
	f.nranges = n
	return ok
}

// Reserve excludes [base, base+size), widened outward to whole frames, from allocation:
// the kernel image, boot data, ACPI tables... It may overlap ranges partly or not at all.
//
// Preconditions:
//   - Init has not been called (afterwards a reserved frame might already be handed out).
//   - At most maxReserved disjoint reservations; more is a kernel bug and panics.
func (f *Frames) Reserve(base, size uint64) {
	if f.ready {
		panic("mm: Frames.Reserve after Init")
	}
	hi := base + size
	if hi < base || hi > maxPhys {
		hi = maxPhys
	}
	hi, _ = alignUp(hi, PageSize) // cannot overflow: hi <= maxPhys
	lo := alignDown(base, PageSize)
	if lo >= hi {
		return
	}
	n, ok := insertSpan(f.reserved[:], f.nreserved, span{lo, hi})
	if !ok {
		panic("mm: Frames.Reserve: too many reservations")
	}
	f.nreserved = n
}

// Init places the bitmaps in the lowest free stretch of managed RAM, marks every
// unreserved frame free and enables Alloc. It returns false if no range has room for
// the bitmaps (then nothing can be allocated). Cost: one pass over the bitmaps plus one
// step per reserved frame; the free frames themselves are not touched.
func (f *Frames) Init(pm PhysMem) bool {
	if f.ready {
		panic("mm: Frames.Init called twice")
	}
	words := uint64(0)
	for i := 0; i < f.nranges; i++ {
		words += (f.ranges[i].pages() + 63) / 64
	}
	size, _ := alignUp(words*8, PageSize)
	at, ok := f.placeBitmap(size)
	if !ok {
		return false
	}
	f.bitmap = span{at, at + size}
	total := uint64(0)
	for i := 0; i < f.nranges; i++ {
		pages := f.ranges[i].pages()
		f.state[i] = rangeState{bitmap: at}
		for w := uint64(0); w < (pages+63)/64; w++ {
			bits := ^uint64(0)
			if left := pages - w*64; left < 64 {
				bits = 1<<left - 1
			}
			store64(pm, at, bits)
			at += 8
		}
		total += pages
	}
	f.ready = true
	total -= f.clearSpan(pm, f.bitmap)
	for i := 0; i < f.nreserved; i++ {
		total -= f.clearSpan(pm, f.reserved[i])
	}
	f.total, f.free = total, total
	return true
}

// SetCPU names the CPU whose cache Alloc and Free use from now on. The kernel calls it
// whenever a CPU takes the kernel lock, which serializes every use of the allocator.
func (f *Frames) SetCPU(cpu int) {
	if cpu < 0 || cpu >= MaxCPUs {
		panic("mm: Frames.SetCPU: CPU out of range")
	}
	f.cpu = cpu
}

// Alloc is AllocOn for the CPU set by SetCPU.
func (f *Frames) Alloc(pm PhysMem) (pa uint64, ok bool) { return f.AllocOn(f.cpu, pm) }

// Free is FreeOn for the CPU set by SetCPU.
func (f *Frames) Free(pa uint64, pm PhysMem) { f.FreeOn(f.cpu, pa, pm) }

// AllocOn returns a free frame for CPU cpu, or ok == false when memory is exhausted: its
// cache, else a batch from the pool into its cache, else every other CPU's cached frames
// back into the pool first. The frame's contents are garbage (at least its first word,
// perhaps an old free-list link); use AllocZeroed when that matters.
func (f *Frames) AllocOn(cpu int, pm PhysMem) (pa uint64, ok bool) {
	if !f.ready {
		panic("mm: Frames.Alloc before Init")
	}
	c := &f.cache[cpu]
	if c.n == 0 && !f.refill(c, pm) {
		f.DrainCaches(pm)
		if !f.refill(c, pm) {
			return 0, false
		}
	}
	c.n--
	pa = c.pa[c.n]
	r, i := f.locate(pa)
	if r < 0 || !f.test(pm, r, i) {
		panic("mm: Frames.Alloc: cached frame not free (use after free?)")
	}
	f.flip(pm, r, i)
	f.free--
	return pa, true
}

// refill moves up to cacheBatch frames from the pool into c and reports whether it got
// any.
func (f *Frames) refill(c *cpuCache, pm PhysMem) bool {
	for c.n < cacheBatch {
		pa, ok := f.takePool(pm)
		if !ok {
			break
		}
		c.pa[c.n] = pa
		c.n++
	}
	return c.n > 0
}

// takePool takes a free frame out of the pool (the free list, else the bump allocator).
// The frame stays free: its bit stays set and FreePages still counts it.
func (f *Frames) takePool(pm PhysMem) (pa uint64, ok bool) {
	if f.head != 0 {
		pa = f.head
		r, i := f.locate(pa)
		if r < 0 || !f.test(pm, r, i) {
			panic("mm: Frames.Alloc: free list corrupted (use after free?)")
		}
		f.head = load64(pm, pa)
		return pa, true
	}
	for ; f.cur < f.nranges; f.cur++ {
		r := f.cur
		st := &f.state[r]
		pages := f.ranges[r].pages()
		for st.bump < pages {
			i := st.bump
			if i%64 == 0 && load64(pm, st.bitmap+i/64*8) == 0 {
				st.bump += 64 // a whole reserved word: skip it in one step
				continue
			}
			st.bump++
			if f.test(pm, r, i) {
				return f.ranges[r].base + i*PageSize, true
			}
		}
	}
	return 0, false
}

// putPool puts free frame pa (bit set) on the free list.
func (f *Frames) putPool(pa uint64, pm PhysMem) {
	store64(pm, pa, f.head)
	f.head = pa
}

// DrainCaches returns every CPU's cached frames to the pool (the out-of-memory path).
func (f *Frames) DrainCaches(pm PhysMem) {
	for k := range f.cache {
		c := &f.cache[k]
		for c.n > 0 {
			c.n--
			f.putPool(c.pa[c.n], pm)
		}
	}
}

// AllocZeroed is Alloc followed by clearing the frame.
func (f *Frames) AllocZeroed(pm PhysMem) (pa uint64, ok bool) {
	pa, ok = f.Alloc(pm)
	if ok {
		zeroFrame(pm, pa)
	}
	return pa, ok
}

// FreeOn returns frame pa to CPU cpu's cache; a full cache first passes its oldest
// cacheBatch frames to the pool, which overwrites their first 8 bytes. So the frame may
// be written from the moment it is freed: on SMP every TLB entry for it must be gone
// first.
//
// Preconditions (each checked; a violation panics):
//   - pa is frame-aligned, inside a range, not reserved, and currently allocated.
func (f *Frames) FreeOn(cpu int, pa uint64, pm PhysMem) {
	if pa&pageMask != 0 {
		panic("mm: Frames.Free: address not frame-aligned")
	}
	r, i := f.locate(pa)
	if r < 0 {
		panic("mm: Frames.Free: frame not managed")
	}
	if i >= f.state[r].bump || f.isReserved(pa) {
		panic("mm: Frames.Free: frame was never allocated (reserved?)")
	}
	if f.test(pm, r, i) {
		panic("mm: Frames.Free: double free")
	}
	f.flip(pm, r, i)
	f.free++
	c := &f.cache[cpu]
	if c.n == cacheSize {
		for k := 0; k < cacheBatch; k++ {
			f.putPool(c.pa[k], pm)
		}
		c.n = copy(c.pa[:], c.pa[cacheBatch:c.n])
	}
	c.pa[c.n] = pa
	c.n++
}

// Cached is the number of free frames in CPU cpu's cache.
func (f *Frames) Cached(cpu int) int { return f.cache[cpu].n }

// FreePages is the number of frames available now (MemFree, OOM reports).
func (f *Frames) FreePages() uint64 { return f.free }

// TotalPages is the number of frames the allocator manages: usable RAM minus
// reservations and the bitmap (MemTotal).
func (f *Frames) TotalPages() uint64 { return f.total }

func (s span) pages() uint64 { return (s.end - s.base) / PageSize }

// locate returns the range holding pa and the frame's index in it, or r == -1.
// Binary search: ranges are sorted and disjoint.
func (f *Frames) locate(pa uint64) (r int, i uint64) {
	lo, hi := 0, f.nranges
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case pa < f.ranges[m].base:
			hi = m
		case pa >= f.ranges[m].end:
			lo = m + 1
		default:
			return m, (pa - f.ranges[m].base) / PageSize
		}
	}
	return -1, 0
}

// Frame i of range r is bit i%64 of the 8-byte word at bitmap + (i/64)*8.
func (f *Frames) test(pm PhysMem, r int, i uint64) bool {
	return load64(pm, f.state[r].bitmap+i/64*8)&(1<<(i%64)) != 0
}

func (f *Frames) flip(pm PhysMem, r int, i uint64) {
	w := f.state[r].bitmap + i/64*8
	store64(pm, w, load64(pm, w)^(1<<(i%64)))
}

func (f *Frames) isReserved(pa uint64) bool {
	if pa >= f.bitmap.base && pa < f.bitmap.end {
		return true
	}
	for i := 0; i < f.nreserved; i++ {
		if pa >= f.reserved[i].base && pa < f.reserved[i].end {
			return true
		}
	}
	return false
}

// clearSpan marks the free frames of s (within any range) as not free and returns how
// many it changed. Only used by Init, before any frame is handed out.
func (f *Frames) clearSpan(pm PhysMem, s span) (n uint64) {
	for r := 0; r < f.nranges; r++ {
		lo, hi := max(s.base, f.ranges[r].base), min(s.end, f.ranges[r].end)
		for pa := lo; pa < hi; pa += PageSize {
			i := (pa - f.ranges[r].base) / PageSize
			if f.test(pm, r, i) {
				f.flip(pm, r, i)
				n++
			}
		}
	}
	return n
}

// placeBitmap finds the lowest size bytes inside one range that overlap no reservation.
func (f *Frames) placeBitmap(size uint64) (uint64, bool) {
	for r := 0; r < f.nranges; r++ {
		at := f.ranges[r].base
		for at+size <= f.ranges[r].end {
			moved := false
			for i := 0; i < f.nreserved; i++ {
				if res := f.reserved[i]; res.base < at+size && res.end > at {
					at, moved = res.end, true
				}
			}
			if !moved {
				return at, true
			}
		}
	}
	return 0, false
}

// insertSpan adds s to the sorted, disjoint, non-adjacent list[:n], merging it with every
// span it overlaps or touches. It returns the new length, or false (list unchanged) if s
// needs a new slot and list is full.
func insertSpan(list []span, n int, s span) (int, bool) {
	i := 0
	for i < n && list[i].end < s.base {
		i++
	}
	j := i
	for j < n && list[j].base <= s.end {
		s.base, s.end = min(s.base, list[j].base), max(s.end, list[j].end)
		j++
	}
	if i == j {
		if n == len(list) {
			return n, false
		}
		copy(list[i+1:n+1], list[i:n])
		list[i] = s
		return n + 1, true
	}
	list[i] = s
	copy(list[i+1:], list[j:n])
	return n - (j - i - 1), true
}
