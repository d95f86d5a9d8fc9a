package kernel

// Kernel stacks. Every thread slot has a kernel stack of kstackSize bytes: its trap
// frame and FPU save area at the top, the kernel's calls below. A slot's stack is mapped
// the first time the slot is claimed, from frames of the allocator, and stays with the
// slot for reuse, so the memory spent is that of the most threads alive at once, not of
// the table's size. Each CPU but the boot CPU (whose stacks are in the image: it needs
// them before the frame allocator exists) has its idle-loop stack and its three IST
// stacks here too, mapped by the boot CPU before it starts that CPU.
//
// The stacks live in a window of virtual addresses at the top of the lower half, which
// the application's mmap window stops short of. Every stack lies above a guard page: a
// kernel stack overflow runs into the guard, and the page fault (taken on an IST stack)
// is reported as a kernel bug instead of silently overwriting the neighbouring stack.

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

// Per-CPU stacks, after the threads': CPU id's block holds its idle stack and then its
// IST stacks, each above a guard page.
const (
	cpuStacksBase = kstackWindow + maxThreads*kstackSlot
	cpuIdleSlot   = kstackGuard + apStackSize
	cpuISTSlot    = kstackGuard + istSize
	cpuStacksSlot = cpuIdleSlot + numIST*cpuISTSlot
)

const _ = uint(1<<30 - maxThreads*kstackSlot - maxCPUs*cpuStacksSlot) // compile-time check: the stacks fit the window

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

// cpuIdleStack returns the bounds of CPU id's idle stack (id > 0).
func cpuIdleStack(id int) (lo, hi uintptr) {
	lo = cpuStacksBase + uintptr(id)*cpuStacksSlot + kstackGuard
	return lo, lo + apStackSize
}

// cpuISTStack returns the lowest address of CPU id's IST stack k (0-based; id > 0).
func cpuISTStack(id, k int) uintptr {
	return cpuStacksBase + uintptr(id)*cpuStacksSlot + cpuIdleSlot + uintptr(k)*cpuISTSlot + kstackGuard
}

// mapCPUStacks maps CPU id's idle and IST stacks; false if memory ran out.
func mapCPUStacks(id int) bool {
	lo, _ := cpuIdleStack(id)
	if !mapStack(lo, apStackSize) {
		return false
	}
	for k := 0; k < numIST; k++ {
		if !mapStack(cpuISTStack(id, k), istSize) {
			return false // what is mapped stays, for a later try: the CPU does not start
		}
	}
	return true
}

// mapKStack makes sure slot i's stack is mapped; false if memory ran out. The caller has
// claimed slot i, so no other CPU maps it at once. A reused slot's pages are there
// already (mapStack skips them).
func mapKStack(i uintptr) bool { return mapStack(kstackBase(i), kstackSize) }

// mapStack maps the pages of [base, base+size) that are not mapped yet to fresh frames;
// false if memory runs out, and then the pages below the one that failed are unmapped
// and freed again.
func mapStack(base, size uintptr) bool {
	lockSpace()
	defer unlockSpace()
	for off := uintptr(0); off < size; off += mm.PageSize {
		va := uint64(base + off)
		if _, ok := space.PT.Lookup(va, mm.Identity{}); ok {
			continue // mapped by an earlier try
		}
		// Zeroed, as the image's stacks are: an interrupt taken in kernel code saves
		// vector state with XSAVE into its IST stack, which leaves bytes 8-23 of the
		// area's header as they were, and XRSTOR faults (#GP) unless they are zero. A
		// freed frame's old bytes there stopped the machine.
		pa, ok := frames.AllocZeroed(mm.Identity{})
		// Mapping a page that was not present needs no TLB flush: no CPU caches a
		// translation that does not exist.
		if !ok || !space.PT.Map(va, pa, mm.Writable|mm.Global|mm.NoExec, &frames, mm.Identity{}) {
			if ok {
				frames.Free(pa, mm.Identity{})
			}
			for back := uintptr(0); back < off; back += mm.PageSize {
				if pa, ok := space.PT.Unmap(uint64(base+back), mm.Identity{}); ok {
					frames.Free(pa, mm.Identity{})
				}
			}
			return false
		}
	}
	return true
}
