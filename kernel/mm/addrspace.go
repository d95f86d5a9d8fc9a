package mm

// AddressSpace is the application's virtual memory: the mmap regions and the page table
// that backs them. There is one, shared by all threads. All state is here (future lock:
// as.mu, outermost in the package lock order).
//
// Invariant: inside the Regions window, a page-table leaf exists only where a region
// does, with flags leafFlags(region.Prot). Every method below keeps it.
type AddressSpace struct {
	PT      PageTable
	Regions Regions
	// NX: mark pages of regions without ProtExec NoExec. Set it only if EFER.NXE is on;
	// otherwise bit 63 is reserved and every access to such a page faults (RSVD).
	NX bool
}

// TLB drops stale translations after a present leaf is changed or removed. The kernel's
// implementation is a zero-size type wrapping INVLPG and IPIs; tests record the calls.
type TLB interface {
	// Flush drops va's translation on this CPU (and notes that other CPUs may hold it).
	Flush(va uint64)
	// Shootdown returns once no CPU holds a translation flushed here since the last
	// Shootdown. A frame must not be freed before it: a stale entry on another CPU would let
	// that CPU write into the frame's next owner (or into the free list kept in free frames).
	Shootdown()
}

// Env is what address-space operations need from outside the address space. It holds
// pointers, so build it on the stack for each call (design.md: kernel code stores no
// pointers in globals):
//
//	mm.Env{Frames: &frames, Mem: mm.Identity{}, TLB: arch.TLB{}}
type Env struct {
	Frames *Frames
	Mem    PhysMem
	TLB    TLB
}

// Init sets up an empty address space over page table pt (which already holds the
// kernel's identity map) with the mmap window [lo, hi); see Regions.Init.
func (as *AddressSpace) Init(pt PageTable, lo, hi uint64, nx bool) {
	as.PT = pt
	as.NX = nx
	as.Regions.Init(lo, hi)
}

// Mmap implements anonymous private mmap(2): see Regions.Map for placement and errors.
// Pages are not allocated here; they appear zero-filled on first touch (HandleFault).
// A fixed mapping first discards the pages it replaces, so they read as zero.
func (as *AddressSpace) Mmap(env Env, hint, length uint64, prot Prot, fixed bool) (uint64, Errno) {
	addr, err := as.Regions.Map(hint, length, prot, fixed)
	if err != 0 {
		return 0, err
	}
	if fixed {
		end, _ := alignUp(addr+length, PageSize) // Map checked it fits the window
		DiscardPages(as, env, addr, end-addr)
	}
	return addr, 0
}

// Munmap implements munmap(2): see Regions.Unmap. The range's frames are freed.
func (as *AddressSpace) Munmap(env Env, addr, length uint64) Errno {
	if err := as.Regions.Unmap(addr, length); err != 0 {
		return err
	}
	end, _ := alignUp(addr+length, PageSize) // Unmap checked it fits the window
	DiscardPages(as, env, addr, end-addr)
	return 0
}

// Mprotect implements mprotect(2): see Regions.Protect. Present pages in the range get
// the new flags at once (contents kept; PROT_NONE pages keep their frame, NoAccess).
func (as *AddressSpace) Mprotect(env Env, addr, length uint64, prot Prot) Errno {
	if err := as.Regions.Protect(addr, length, prot); err != 0 {
		return err
	}
	end, _ := alignUp(addr+length, PageSize) // Protect checked for overflow
	flags := as.leafFlags(prot)
	for va := addr; va < end; va += PageSize {
		v, _, ok := as.PT.NextMapped(va, end, env.Mem)
		if !ok {
			break
		}
		va = v
		as.PT.Protect(va, flags, env.Mem)
		env.TLB.Flush(va)
	}
	return 0
}

// MadviseDontneed implements madvise(MADV_DONTNEED) on private anonymous memory: the
// pages are dropped, and the next touch sees zeros (the Go runtime relies on this for
// scavenged memory). As in Linux: EINVAL for an unaligned addr or overflow, length 0
// succeeds, ENOMEM if part of the range is unmapped (the mapped parts are still dropped).
func (as *AddressSpace) MadviseDontneed(env Env, addr, length uint64) Errno {
	if addr&pageMask != 0 {
		return EINVAL
	}
	length, ok := alignUp(length, PageSize)
	end := addr + length
	if !ok || end < addr {
		return EINVAL
	}
	if length == 0 {
		return 0
	}
	lo, hi := as.Regions.Window()
	if s, e := max(addr, lo), min(end, hi); s < e {
		DiscardPages(as, env, s, e-s)
	}
	if !as.Regions.Covered(addr, end) {
		return ENOMEM
	}
	return 0
}

// leafFlags is the page-table encoding of prot. PROT_WRITE, PROT_EXEC and PROT_READ all
// imply read on x86. User is not set: the application runs in ring 0, where User only
// matters for SMEP/SMAP, which would then fault on it.
func (as *AddressSpace) leafFlags(prot Prot) PTE {
	if prot&protMask == 0 {
		return NoAccess
	}
	f := Present
	if prot&ProtWrite != 0 {
		f |= Writable
	}
	if as.NX && prot&ProtExec == 0 {
		f |= NoExec
	}
	return f
}
