package mm

import (
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/unigo-os/unigo/kernel/mm/mmtest"
)

const MiB = 1 << 20

// newFrames returns an initialized allocator over RAM [0, size) with [0, 1 MiB) reserved,
// like a PC's low memory.
func newFrames(t *testing.T, size uint64) (*Frames, *mmtest.RAM) {
	t.Helper()
	ram := mmtest.NewRAM(0, size)
	f := new(Frames)
	f.AddRange(0, size)
	f.Reserve(0, 1*MiB)
	if !f.Init(ram) {
		t.Fatal("Init failed")
	}
	return f, ram
}

// mustPanic runs fn and checks that it panics with a message containing want.
func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		s, _ := r.(string)
		if r == nil || !strings.Contains(s, want) {
			t.Fatalf("panic = %v, want one containing %q", r, want)
		}
	}()
	fn()
}

func TestFramesAllocHandsOutEachFreeFrameOnce(t *testing.T) {
	f, ram := newFrames(t, 4*MiB)
	total := f.TotalPages()
	// 3 MiB usable minus one bitmap page.
	if want := uint64(3*MiB/PageSize - 1); total != want {
		t.Fatalf("TotalPages = %d, want %d", total, want)
	}
	seen := map[uint64]bool{}
	for {
		pa, ok := f.Alloc(ram)
		if !ok {
			break
		}
		if pa&pageMask != 0 || pa < 1*MiB || pa >= 4*MiB || seen[pa] {
			t.Fatalf("Alloc = %#x: unaligned, reserved, outside RAM or duplicate", pa)
		}
		if pa >= f.bitmap.base && pa < f.bitmap.end {
			t.Fatalf("Alloc = %#x handed out the bitmap", pa)
		}
		seen[pa] = true
	}
	if uint64(len(seen)) != total || f.FreePages() != 0 {
		t.Fatalf("allocated %d frames, FreePages %d; want %d, 0", len(seen), f.FreePages(), total)
	}
	for pa := range seen {
		f.Free(pa, ram)
	}
	if f.FreePages() != total {
		t.Fatalf("FreePages after freeing all = %d, want %d", f.FreePages(), total)
	}
	// Everything comes back through the free list.
	n := 0
	for ; ; n++ {
		if _, ok := f.Alloc(ram); !ok {
			break
		}
	}
	if uint64(n) != total {
		t.Fatalf("second round allocated %d, want %d", n, total)
	}
}

func TestFramesNeverHandOutPageZero(t *testing.T) {
	ram := mmtest.NewRAM(0, 64*PageSize)
	f := new(Frames)
	f.AddRange(0, 64*PageSize)
	f.Init(ram)
	for {
		pa, ok := f.Alloc(ram)
		if !ok {
			break
		}
		if pa == 0 {
			t.Fatal("Alloc returned frame 0")
		}
	}
	if f.TotalPages() != 62 { // 64 - page 0 - bitmap
		t.Fatalf("TotalPages = %d, want 62", f.TotalPages())
	}
}

func TestFramesBitmapAvoidsReservations(t *testing.T) {
	ram := mmtest.NewRAM(0, 4*MiB)
	image := ram.Slice(1*MiB, 2*PageSize+10)
	for i := range image {
		image[i] = 0xAB
	}
	f := new(Frames)
	f.Reserve(1*MiB, 2*PageSize+10) // widened to 3 pages
	f.AddRange(1*MiB, 3*MiB)
	f.Init(ram)
	for i, b := range image {
		if b != 0xAB {
			t.Fatalf("reserved byte %d overwritten by Init", i)
		}
	}
	if f.bitmap.base != 1*MiB+3*PageSize {
		t.Fatalf("bitmap at %#x, want just above the reservation %#x", f.bitmap.base, 1*MiB+3*PageSize)
	}
	for {
		pa, ok := f.Alloc(ram)
		if !ok {
			break
		}
		if pa < 1*MiB+4*PageSize {
			t.Fatalf("Alloc = %#x inside reservation or bitmap", pa)
		}
	}
}

func TestFramesAddRangeTrimsInwardAndMerges(t *testing.T) {
	f := new(Frames)
	f.AddRange(0x1800, 0x3000)   // [0x2000, 0x4000) after trimming
	f.AddRange(0x4000, 0x2000)   // touches: merges
	f.AddRange(0x10000, 0x10000) // separate
	f.AddRange(0x5000, 0x200)    // less than a page inside: nothing
	if f.nranges != 2 || f.ranges[0] != (span{0x2000, 0x6000}) || f.ranges[1] != (span{0x10000, 0x20000}) {
		t.Fatalf("ranges = %v (n=%d)", f.ranges[:f.nranges], f.nranges)
	}
}

func TestFramesAddRangeReportsFullTable(t *testing.T) {
	f := new(Frames)
	for i := uint64(0); i < maxRanges; i++ {
		if !f.AddRange((2*i+1)*MiB, PageSize) {
			t.Fatalf("AddRange %d failed", i)
		}
	}
	if f.AddRange(100*MiB, PageSize) {
		t.Fatal("AddRange into a full table succeeded")
	}
}

func TestFramesDoubleFreePanics(t *testing.T) {
	f, ram := newFrames(t, 2*MiB)
	pa, _ := f.Alloc(ram)
	f.Free(pa, ram)
	mustPanic(t, "double free", func() { f.Free(pa, ram) })
}

func TestFramesFreeOfForeignFramePanics(t *testing.T) {
	f, ram := newFrames(t, 2*MiB)
	mustPanic(t, "not managed", func() { f.Free(8*MiB, ram) })
	mustPanic(t, "never allocated", func() { f.Free(0x2000, ram) })             // reserved
	mustPanic(t, "never allocated", func() { f.Free(2*MiB-PageSize, ram) })     // not yet handed out
	mustPanic(t, "not frame-aligned", func() { f.Free(1*MiB+PageSize+8, ram) }) // unaligned
	mustPanic(t, "never allocated", func() { f.Free(f.bitmap.base, ram) })      // the bitmap itself
	mustPanic(t, "after Init", func() { f.Reserve(0, PageSize) })
}

func TestFramesAllocBeforeInitPanics(t *testing.T) {
	f := new(Frames)
	mustPanic(t, "before Init", func() { f.Alloc(mmtest.NewRAM(0, PageSize)) })
}

func TestFramesAllocZeroedClearsRecycledFrame(t *testing.T) {
	f, ram := newFrames(t, 2*MiB)
	pa, _ := f.Alloc(ram)
	b := ram.Slice(pa, PageSize)
	for i := range b {
		b[i] = 0xFF
	}
	f.Free(pa, ram)
	pa2, ok := f.AllocZeroed(ram)
	if !ok || pa2 != pa {
		t.Fatalf("AllocZeroed = %#x, %v; want the just-freed %#x", pa2, ok, pa)
	}
	for i, c := range ram.Slice(pa2, PageSize) {
		if c != 0 {
			t.Fatalf("byte %d = %#x, want 0", i, c)
		}
	}
}

func TestFramesSkipLargeReservationsInsideRange(t *testing.T) {
	ram := mmtest.NewRAM(0, 8*MiB)
	f := new(Frames)
	f.AddRange(0, 8*MiB)
	f.Reserve(0, 1*MiB)
	f.Reserve(2*MiB+100, 3*MiB) // [2 MiB, 5 MiB+4K) in frames
	f.Init(ram)
	want := uint64((8*MiB-1*MiB-(3*MiB+PageSize))/PageSize) - 1 // minus the bitmap page
	if f.TotalPages() != want {
		t.Fatalf("TotalPages = %d, want %d", f.TotalPages(), want)
	}
	for {
		pa, ok := f.Alloc(ram)
		if !ok {
			break
		}
		if pa >= 2*MiB && pa < 5*MiB+PageSize {
			t.Fatalf("Alloc = %#x inside the reservation", pa)
		}
	}
}

func TestFramesCPUGetsBackWhatItFreedLastFirst(t *testing.T) {
	f, ram := newFrames(t, 4*MiB)
	a, _ := f.AllocOn(1, ram)
	b, _ := f.AllocOn(1, ram)
	f.FreeOn(1, a, ram)
	f.FreeOn(1, b, ram)
	if got, _ := f.AllocOn(1, ram); got != b {
		t.Fatalf("AllocOn(1) = %#x, want %#x (the frame CPU 1 freed last)", got, b)
	}
	if got, _ := f.AllocOn(1, ram); got != a {
		t.Fatalf("AllocOn(1) = %#x, want %#x", got, a)
	}
}

func TestFramesCacheRefillsInBatchesFromThePool(t *testing.T) {
	f, ram := newFrames(t, 4*MiB)
	free := f.FreePages()
	if _, ok := f.AllocOn(2, ram); !ok {
		t.Fatal("AllocOn failed")
	}
	if got := f.Cached(2); got != cacheBatch-1 {
		t.Fatalf("Cached(2) after the first allocation = %d, want %d", got, cacheBatch-1)
	}
	if f.Cached(0) != 0 {
		t.Fatal("another CPU's cache was filled")
	}
	// Cached frames are free: FreePages counts them.
	if f.FreePages() != free-1 {
		t.Fatalf("FreePages = %d, want %d", f.FreePages(), free-1)
	}
	for k := 0; k < cacheBatch-1; k++ {
		f.AllocOn(2, ram)
	}
	if f.Cached(2) != 0 {
		t.Fatalf("Cached(2) = %d, want 0 after %d allocations", f.Cached(2), cacheBatch)
	}
	f.AllocOn(2, ram)
	if got := f.Cached(2); got != cacheBatch-1 {
		t.Fatalf("Cached(2) after the refill = %d, want %d", got, cacheBatch-1)
	}
}

func TestFramesFullCacheDrainsABatchToThePool(t *testing.T) {
	f, ram := newFrames(t, 4*MiB)
	var got []uint64
	for k := 0; k < cacheSize+1; k++ {
		pa, _ := f.AllocOn(0, ram)
		got = append(got, pa)
	}
	for _, pa := range got {
		f.FreeOn(0, pa, ram) // cache 0 starts with cacheBatch-1 left over from refills
	}
	if n := f.Cached(0); n > cacheSize || n < cacheSize-cacheBatch {
		t.Fatalf("Cached(0) = %d, want between %d and %d", n, cacheSize-cacheBatch, cacheSize)
	}
	if f.head == 0 {
		t.Fatal("nothing was drained to the pool's free list")
	}
	if f.FreePages() != f.TotalPages() {
		t.Fatalf("FreePages = %d, want all %d", f.FreePages(), f.TotalPages())
	}
}

func TestFramesAllocTakesOtherCPUsCachedFramesBeforeFailing(t *testing.T) {
	f, ram := newFrames(t, 2*MiB)
	total := f.TotalPages()
	var all []uint64
	for {
		pa, ok := f.AllocOn(0, ram)
		if !ok {
			break
		}
		all = append(all, pa)
	}
	if uint64(len(all)) != total {
		t.Fatalf("allocated %d, want %d", len(all), total)
	}
	// CPU 1 frees a few; they sit in its cache. CPU 0 must still get them.
	for _, pa := range all[:5] {
		f.FreeOn(1, pa, ram)
	}
	for k := 0; k < 5; k++ {
		if _, ok := f.AllocOn(0, ram); !ok {
			t.Fatalf("AllocOn(0) #%d failed with frames cached on CPU 1", k)
		}
	}
	if _, ok := f.AllocOn(3, ram); ok {
		t.Fatal("AllocOn succeeded with every frame allocated")
	}
}

func TestFramesDoubleFreeOfCachedFramePanics(t *testing.T) {
	f, ram := newFrames(t, 4*MiB)
	pa, _ := f.AllocOn(0, ram)
	f.FreeOn(0, pa, ram)
	mustPanic(t, "double free", func() { f.FreeOn(1, pa, ram) })
}

func TestFramesManyCPUsNeverShareAFrame(t *testing.T) {
	f, ram := newFrames(t, 3*MiB)
	total := f.TotalPages()
	owner := map[uint64]int{}
	var held [MaxCPUs][]uint64
	seed := uint32(1)
	rnd := func(n int) int { seed = seed*1664525 + 1013904223; return int(seed>>8) % n }
	for step := 0; step < 20000; step++ {
		cpu := rnd(MaxCPUs)
		if rnd(3) > 0 || len(held[cpu]) == 0 { // allocate twice as often as free
			pa, ok := f.AllocOn(cpu, ram)
			if !ok {
				if uint64(len(owner)) != total {
					t.Fatalf("step %d: out of memory with %d of %d frames allocated", step, len(owner), total)
				}
				continue
			}
			if o, dup := owner[pa]; dup {
				t.Fatalf("step %d: frame %#x handed to CPU %d while CPU %d holds it", step, pa, cpu, o)
			}
			owner[pa] = cpu
			held[cpu] = append(held[cpu], pa)
		} else {
			// Free on a CPU other than the allocating one, as a migrated thread does.
			k := rnd(len(held[cpu]))
			pa := held[cpu][k]
			held[cpu] = append(held[cpu][:k], held[cpu][k+1:]...)
			delete(owner, pa)
			f.FreeOn(rnd(MaxCPUs), pa, ram)
		}
		if f.FreePages()+uint64(len(owner)) != total {
			t.Fatalf("step %d: FreePages %d + allocated %d != total %d", step, f.FreePages(), len(owner), total)
		}
	}
}

// Four goroutines (on several OS threads) play four CPUs allocating and freeing at once,
// with a pool small enough that caches run dry and drain each other: no frame is ever
// held by two of them, and at the end every frame is free again.
func TestFramesConcurrentCPUsNeverShareAFrame(t *testing.T) {
	f, ram := newFrames(t, 2*MiB) // 256 frames
	const cpus, rounds = 4, 3000
	// A goroutine spinning in the allocator's locks cannot be preempted: give each its own
	// P, so that a lock holder is never descheduled in favour of a spinner.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cpus + 2))
	var owner [1 << 9]int32 // frame index -> CPU + 1 holding it, changed under the test's own lock
	var mu sync.Mutex
	var wg sync.WaitGroup
	for cpu := 0; cpu < cpus; cpu++ {
		wg.Add(1)
		go func(cpu int) {
			defer wg.Done()
			var held []uint64
			for i := 0; i < rounds; i++ {
				if len(held) < 40 && i%3 != 2 {
					pa, ok := f.AllocOn(cpu, ram)
					if !ok {
						continue // the others hold the rest for now
					}
					mu.Lock()
					if o := owner[pa/PageSize]; o != 0 {
						mu.Unlock()
						t.Errorf("frame %#x handed to CPU %d while CPU %d holds it", pa, cpu, o-1)
						return
					}
					owner[pa/PageSize] = int32(cpu + 1)
					mu.Unlock()
					held = append(held, pa)
				} else if len(held) > 0 {
					pa := held[len(held)-1]
					held = held[:len(held)-1]
					mu.Lock()
					owner[pa/PageSize] = 0
					mu.Unlock()
					f.FreeOn(cpu, pa, ram)
				}
			}
			for _, pa := range held {
				mu.Lock()
				owner[pa/PageSize] = 0
				mu.Unlock()
				f.FreeOn(cpu, pa, ram)
			}
		}(cpu)
	}
	wg.Wait()
	if f.FreePages() != f.TotalPages() {
		t.Fatalf("FreePages = %d after everything was freed, want %d", f.FreePages(), f.TotalPages())
	}
	n := 0
	for {
		if _, ok := f.AllocOn(0, ram); !ok {
			break
		}
		n++
	}
	if uint64(n) != f.TotalPages() {
		t.Fatalf("could allocate %d frames afterwards, want %d", n, f.TotalPages())
	}
}
