// Package mm manages memory: physical frames, x86-64 page tables, the application's mmap
// regions, and demand paging that ties the three together.
//
// Locking (outermost first):
//
//	AddressSpace  the caller's lock (the kernel's spaceLock, kernel/lock.go) around
//	              every method and HandleFault, Populate and DiscardPages
//	  Frames      its own leaf locks (package spin): one per CPU cache, one for the
//	              pool; cache before pool. Safe to call from any CPU at any time.
//
// Layers, bottom up; each file is one concept:
//
//	mm_unsafe.go      PhysMem: the only way to touch physical memory (unsafe lives here)
//	frames.go         Frames: 4 KiB physical frame allocator
//	pagetable.go      PageTable, PTE: 4-level x86-64 page-table mechanics
//	pagetable_walk.go range walks over a PageTable: NextMapped, Prune
//	identity.go       IdentityMap: the kernel's VA == PA map of RAM and MMIO
//	vma.go            Regions: mmap bookkeeping (Linux semantics), no page tables
//	addrspace.go      AddressSpace: Mmap/Munmap/Mprotect/MadviseDontneed = Regions + PageTable
//	fault.go          HandleFault, Populate, DiscardPages: demand-zero paging
//
// Rules inherited from docs/design.md: no allocation; imports only unsafe, kernel/spin and
// kernel/abi/linux (errno and PROT_* values); no pointer-typed fields (the frame free list
// and all tables are linked by physical address).
// Everything that needs memory or the MMU takes it as an argument (PhysMem, TLB, *Frames),
// so go test runs the same code on a byte slice.
//
// Bugs panic with a constant string naming the function and the broken condition;
// application mistakes return an Errno.
package mm

import "github.com/unigo-os/unigo/kernel/abi/linux"

// PageSize is the size of a frame and of a small page.
const PageSize = 4096

// LargePageSize is the size of a 2 MiB page (a PD-level leaf), used by the identity map.
const LargePageSize = 2 << 20

const (
	pageMask  = PageSize - 1
	largeMask = LargePageSize - 1
)

// Errno is the kernel's one error type, linux.Errno (0 means success). mm returns only:
//
//	EINVAL: malformed arguments (unaligned address, zero length, unknown prot bits)
//	ENOMEM: no room (address space, region table, frames) or range not mapped
type Errno = linux.Errno

const (
	ENOMEM = linux.ENOMEM
	EINVAL = linux.EINVAL
)

func alignDown(x, a uint64) uint64 { return x &^ (a - 1) }

// alignUp rounds x up to a multiple of a; ok is false if that overflows.
func alignUp(x, a uint64) (uint64, bool) {
	y := (x + a - 1) &^ (a - 1)
	return y, y >= x
}
