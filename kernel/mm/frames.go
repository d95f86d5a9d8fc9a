package mm

import "github.com/unigo-os/unigo/kernel/spin"

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
// batches of cacheBatch (refill when empty, drain when full). Each cache has a lock that
// only its CPU takes (another CPU only on the out-of-memory path) and the pool has one,
// so allocation does not serialize the CPUs; bitmap bits and the free count change by
// atomic instructions, because neighbouring frames may sit in different caches. A cached frame is free
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
	// MaxCPUs bounds the CPU numbers AllocOn and FreeOn take: 0..MaxCPUs-1.
	MaxCPUs = 64

	// CPUIDOffset is where the kernel's per-CPU block, which GS points at, keeps the CPU's
	// number (a uint64); the kernel checks it at compile time. See UseGSForCPU.
	CPUIDOffset = 56

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

// cpuCache is one CPU's stack of free frames, top at pa[n-1], under its lock.
type cpuCache struct {
	lock spin.Lock
	n    int
	pa   [cacheSize]uint64
}

// Frames is the physical frame allocator. The zero value is empty and ready for AddRange.
// All state is in this struct. Locking: AddRange, Reserve and Init run before any other
// call, on one CPU. After that every method may be called from any CPU: a cache's lock
// guards it, pool guards head, state[].bump and cur, the bitmap and free change
// atomically, and the rest is fixed. Cache locks come before the pool lock, and a CPU
// holds at most one cache lock.
type Frames struct {
	cache     [MaxCPUs]cpuCache
	pool      spin.Lock
	ranges    [maxRanges]span // usable RAM: sorted, disjoint, never adjacent
	state     [maxRanges]rangeState
	nranges   int
	reserved  [maxReserved]span // sorted, disjoint, never adjacent
	nreserved int
	bitmap    span   // frames holding the bitmaps, reserved by Init
	head      uint64 // first frame of the free list; 0 = empty (frame 0 is never managed)
	cur       int    // ranges before cur have no frame left for the bump allocator
	free      uint64 // changed with spin.Add64
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

// cpuFromGS is set by UseGSForCPU: Alloc and Free use the running CPU's cache.
var cpuFromGS bool

// UseGSForCPU makes Alloc and Free use the cache of the CPU they run on, whose number
// they read from the per-CPU block at CPUIDOffset(GS). The kernel calls it once GS is set
// on the boot CPU; until then, and in host tests, they use CPU 0's cache.
func UseGSForCPU() { cpuFromGS = true }

// gsCPU reads the running CPU's number from its per-CPU block.
func gsCPU() int

// thisCPU is the cache Alloc and Free use.
func thisCPU() int {
	if cpuFromGS {
		return gsCPU()
	}
	return 0
}

// Alloc is AllocOn for the running CPU.
func (f *Frames) Alloc(pm PhysMem) (pa uint64, ok bool) { return f.AllocOn(thisCPU(), pm) }

// Free is FreeOn for the running CPU.
func (f *Frames) Free(pa uint64, pm PhysMem) { f.FreeOn(thisCPU(), pa, pm) }

// AllocOn returns a free frame for CPU cpu, or ok == false when memory is exhausted: its
// cache, else a batch from the pool into its cache, else every other CPU's cached frames
// back into the pool first. The frame's contents are garbage (at least its first word,
// perhaps an old free-list link); use AllocZeroed when that matters.
func (f *Frames) AllocOn(cpu int, pm PhysMem) (pa uint64, ok bool) {
	if !f.ready {
		panic("mm: Frames.Alloc before Init")
	}
	c := &f.cache[cpu]
	c.lock.Lock()
	if c.n == 0 && !f.refill(c, pm) {
		c.lock.Unlock() // DrainCaches takes every cache's lock in turn
		f.DrainCaches(pm)
		c.lock.Lock()
		if c.n == 0 && !f.refill(c, pm) {
			c.lock.Unlock()
			return 0, false
		}
	}
	c.n--
	pa = c.pa[c.n]
	c.lock.Unlock()
	r, i := f.locate(pa)
	if r < 0 || !f.test(pm, r, i) {
		panic("mm: Frames.Alloc: cached frame not free (use after free?)")
	}
	f.flip(pm, r, i)
	spin.Add64(&f.free, -1)
	return pa, true
}

// refill moves up to cacheBatch frames from the pool into c (whose lock the caller holds)
// and reports whether it got any.
func (f *Frames) refill(c *cpuCache, pm PhysMem) bool {
	f.pool.Lock()
	for c.n < cacheBatch {
		pa, ok := f.takePool(pm)
		if !ok {
			break
		}
		c.pa[c.n] = pa
		c.n++
	}
	f.pool.Unlock()
	return c.n > 0
}

// takePool takes a free frame out of the pool (the free list, else the bump allocator).
// The frame stays free: its bit stays set and FreePages still counts it. The caller holds
// the pool lock.
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

// putPool puts free frame pa (bit set) on the free list. The caller holds the pool lock.
func (f *Frames) putPool(pa uint64, pm PhysMem) {
	store64(pm, pa, f.head)
	f.head = pa
}

// DrainCaches returns every CPU's cached frames to the pool (the out-of-memory path).
// The caller holds no cache lock.
func (f *Frames) DrainCaches(pm PhysMem) {
	for k := range f.cache {
		c := &f.cache[k]
		c.lock.Lock()
		f.pool.Lock()
		for c.n > 0 {
			c.n--
			f.putPool(c.pa[c.n], pm)
		}
		f.pool.Unlock()
		c.lock.Unlock()
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
	spin.Add64(&f.free, 1)
	c := &f.cache[cpu]
	c.lock.Lock()
	if c.n == cacheSize {
		f.pool.Lock()
		for k := 0; k < cacheBatch; k++ {
			f.putPool(c.pa[k], pm)
		}
		f.pool.Unlock()
		c.n = copy(c.pa[:], c.pa[cacheBatch:c.n])
	}
	c.pa[c.n] = pa
	c.n++
	c.lock.Unlock()
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
	xor64(pm, f.state[r].bitmap+i/64*8, 1<<(i%64))
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
