package kernel

// Kernel stacks. Every thread slot has a kernel stack of kstackSize bytes: its trap
// frame and FPU save area at the top, the kernel's calls below. A slot's stack is mapped
// the first time the slot is claimed, from frames of the allocator, and stays with the
// slot for reuse, so the memory spent is that of the most threads alive at once, not of
// the table's size.
//
// The stacks live in a window of virtual addresses at the top of the lower half, which
// the application's mmap window stops short of. Each slot is a guard page followed by
// its stack: a kernel stack overflow runs into the guard, and the page fault (taken on
// an IST stack) is reported as a kernel bug instead of silently overwriting the
// neighbouring thread's stack.

import (
	"github.com/unigo-os/unigo/kernel/mm"
)

const (
	kstackGuard = mm.PageSize
	kstackSlot  = kstackGuard + kstackSize
	// kstackWindow is the base of the window: the last GiB of the lower half, a
	// page-directory-pointer entry of its own that no application mapping shares (so
	// munmap never prunes a table the stacks use).
	kstackWindow = 1<<47 - 1<<30
	// userTop ends the application's mmap window.
	userTop = kstackWindow
)

const _ = uint(1<<30 - maxThreads*kstackSlot) // compile-time check: the stacks fit the window

// kstackMapped[i] is set once slot i's stack is mapped. Written by the slot's claimer
// before initThread (which then writes the stack), never cleared.
var kstackMapped [maxThreads]bool

// inKStacks reports whether addr lies in the kernel stacks' window.
//
//go:nosplit
func inKStacks(addr uint64) bool { return addr-kstackWindow < 1<<30 }

// kstackBase returns the lowest address of slot i's stack.
func kstackBase(i uintptr) uintptr { return kstackWindow + i*kstackSlot + kstackGuard }

// kstackTop returns the FPU area address of slot i: the highest fpuSize bytes of its stack,
// 64-byte aligned as XSAVE requires.
func kstackTop(i uintptr) uintptr {
	return kstackBase(i) + kstackSize - fpuSize
}

// mapKStack makes sure slot i's stack is mapped; false if memory ran out (nothing is
// then left allocated). The caller has claimed slot i, so no other CPU maps it at once.
func mapKStack(i uintptr) bool {
	if kstackMapped[i] {
		return true
	}
	const pages = kstackSize / mm.PageSize
	var pa [pages]uint64
	for k := range pa {
		p, ok := frames.Alloc(mm.Identity{})
		if !ok {
			freeFrames(pa[:k])
			return false
		}
		pa[k] = p
	}
	base := uint64(kstackBase(i))
	lockSpace()
	for k := range pa {
		// Mapping a page that was not present needs no TLB flush: no CPU caches a
		// translation that does not exist.
		if !space.PT.Map(base+uint64(k)*mm.PageSize, pa[k], mm.Writable|mm.Global|mm.NoExec, &frames, mm.Identity{}) {
			for j := 0; j < k; j++ {
				space.PT.Unmap(base+uint64(j)*mm.PageSize, mm.Identity{})
			}
			unlockSpace()
			freeFrames(pa[:])
			return false
		}
	}
	unlockSpace()
	kstackMapped[i] = true
	return true
}

func freeFrames(pa []uint64) {
	for _, p := range pa {
		frames.Free(p, mm.Identity{})
	}
}
