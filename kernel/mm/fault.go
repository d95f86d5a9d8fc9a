package mm

// Demand-zero paging. Regions say what may exist; a page becomes present only when it is
// first touched (HandleFault) or when a syscall is about to touch it (Populate), and
// leaves again with munmap, MAP_FIXED or MADV_DONTNEED (DiscardPages).

// Access is what the faulting instruction tried to do. The kernel derives it from the
// #PF error code: bit 1 (W) = Write, else bit 4 (I/D) = Exec, else Read.
type Access uint8

const (
	Read Access = iota
	Write
	Exec
)

// FaultResult tells the trap handler what to do next.
type FaultResult uint8

const (
	// Mapped: the page is present now (or already was); retry the instruction.
	Mapped FaultResult = iota
	// NotMapped: no region covers the address; SIGSEGV with si_code SEGV_MAPERR.
	NotMapped
	// AccessError: a region covers it but its prot forbids the access (PROT_NONE, write
	// to read-only, exec of non-exec); SIGSEGV with si_code SEGV_ACCERR.
	AccessError
	// OOM: no frame for the page or its page tables; the kernel reports out of memory.
	OOM
)

// HandleFault resolves a page fault at addr. If the region allows the access and the
// page is missing, it maps a zeroed frame with the region's protection. If the page is
// already present and allows the access, the fault came from a stale TLB entry: it
// flushes addr and returns Mapped.
func HandleFault(as *AddressSpace, env Env, addr uint64, access Access) FaultResult {
	r, _ := HandleFaultWith(as, env, addr, access, 0)
	return r
}

// HandleFaultWith is HandleFault with a zeroed frame the caller allocated beforehand
// (frame, 0 for none): the kernel allocates and clears it before it takes its
// address-space lock, so that faults on several CPUs clear their pages at once. used
// reports whether the new page took it; if not, the caller frees it.
func HandleFaultWith(as *AddressSpace, env Env, addr uint64, access Access, frame uint64) (r FaultResult, used bool) {
	r, present, used := ensurePage(as, env, addr, access, frame)
	if r == Mapped && present {
		env.TLB.Flush(addr &^ pageMask)
	}
	return r, used
}

// Populate makes every page of [addr, addr+length) present for access, so that kernel
// code can then touch that user memory without faulting. It stops at the first page that
// fails and returns why (the syscall then returns EFAULT, or ENOMEM for OOM). Pages made
// present before a failure stay (as if the application had touched them). Length 0 is
// Mapped.
func Populate(as *AddressSpace, env Env, addr, length uint64, access Access) FaultResult {
	end := addr + length
	if end < addr {
		return NotMapped
	}
	// The loop cannot wrap: pages at the top of the address space are outside every
	// region, so ensurePage stops there with NotMapped.
	for page := addr &^ pageMask; page < end; page += PageSize {
		if r, _, _ := ensurePage(as, env, page, access, 0); r != Mapped {
			return r
		}
	}
	return Mapped
}

// DiscardPages unmaps every page in [addr, addr+length) (rounded out to pages), frees
// its frame, flushes it from the TLB, then frees page tables left empty. The next touch
// of a page that still has a region gets a fresh zero page. Used for munmap, MAP_FIXED
// over existing pages and MADV_DONTNEED; the region table is not consulted.
//
// Preconditions:
//   - the range lies inside the mmap window (the identity map below it holds 2 MiB pages
//     and kernel memory; discarding there is a kernel bug and panics).
func DiscardPages(as *AddressSpace, env Env, addr, length uint64) {
	start := addr &^ pageMask
	end, ok := alignUp(addr+length, PageSize)
	lo, hi := as.Regions.Window()
	if !ok || addr+length < addr || start < lo || end > hi {
		panic("mm: DiscardPages: range outside the mmap window")
	}
	if start == end {
		return
	}
	// Two passes, so that the frames are freed only after every CPU has dropped them:
	// first revoke access (the frame stays in the entry) and flush, then shoot down, then
	// unmap and free.
	revoked := false
	for va := start; va < end; va += PageSize {
		v, e, ok := as.PT.NextMapped(va, end, env.Mem)
		if !ok {
			break
		}
		if e&Huge != 0 {
			panic("mm: DiscardPages: 2 MiB page in the mmap window")
		}
		va = v
		as.PT.Protect(va, NoAccess, env.Mem)
		env.TLB.Flush(va)
		revoked = true
	}
	if !revoked {
		return
	}
	env.TLB.Shootdown()
	for va := start; va < end; va += PageSize {
		v, _, ok := as.PT.NextMapped(va, end, env.Mem)
		if !ok {
			break
		}
		va = v
		pa, _ := as.PT.Unmap(va, env.Mem)
		env.Frames.Free(pa, env.Mem)
	}
	// Empty page tables go too. Another CPU may still hold pointers to them in its
	// paging-structure caches, hence the second shootdown before they are freed: until it
	// completes an unlinked table only reads as "not present" (it is empty but for Prune's
	// chain link, an aligned address), and once freed it could become another CPU's data.
	if chain, n := as.PT.Prune(start, end, env.Mem); n > 0 {
		env.TLB.Flush(start) // INVLPG also drops cached pointers to the unlinked tables
		env.TLB.Shootdown()
		FreeChain(env.Frames, chain, env.Mem)
	}
}

// ensurePage does HandleFault's work for the page holding addr, without the TLB flush.
// present reports that the page was already mapped. A missing page gets frame if it is
// not 0 (used reports it did), else a zeroed frame from env.Frames.
func ensurePage(as *AddressSpace, env Env, addr uint64, access Access, frame uint64) (r FaultResult, present, used bool) {
	i, ok := as.Regions.Find(addr)
	if !ok {
		return NotMapped, false, false
	}
	reg := as.Regions.At(i)
	if !allows(reg.Prot, access) {
		return AccessError, false, false
	}
	page := addr &^ pageMask
	flags := as.leafFlags(reg.Prot)
	if e, ok := as.PT.Lookup(page, env.Mem); ok {
		if e.Flags()&(Present|Writable|NoExec|NoAccess) != flags {
			panic("mm: HandleFault: page flags disagree with the region")
		}
		return Mapped, true, false
	}
	pa := frame
	if pa == 0 {
		if pa, ok = env.Frames.AllocZeroed(env.Mem); !ok {
			return OOM, false, false
		}
	}
	// A not-present entry is never cached by the TLB, so no flush is needed here.
	if !as.PT.Map(page, pa, flags, env.Frames, env.Mem) {
		if frame == 0 {
			env.Frames.Free(pa, env.Mem)
		}
		return OOM, false, false
	}
	return Mapped, false, frame != 0
}

// allows reports whether a region with prot permits access. On x86 any of read, write or
// exec permission implies read.
func allows(prot Prot, access Access) bool {
	switch access {
	case Write:
		return prot&ProtWrite != 0
	case Exec:
		return prot&ProtExec != 0
	default:
		return prot&protMask != 0
	}
}
