package mm

import "github.com/unigo-os/unigo/kernel/abi/linux"

// Address-space regions: the bookkeeping half of mmap(2), munmap(2) and mprotect(2).
//
// Regions only records which virtual ranges exist and with which rights; it never touches
// page tables. The contract with the page-table side (AddressSpace does both):
//   - after Unmap, or a fixed Map, succeeds, the caller removes every page-table leaf in
//     the same range and frees its frame (DiscardPages walks the page table itself, so
//     Regions need not report what it removed);
//   - after Protect succeeds, the caller rewrites the flags of every leaf in the range;
//   - a non-fixed Map only ever lands on space that has no leaves, because of the above.
// On error nothing has changed, so the caller does nothing.

// Prot is a set of PROT_* bits with Linux's values, so the mmap handler can convert its
// argument directly. Other bits (PROT_SEM, PROT_GROWSDOWN...) are EINVAL here: the
// syscall layer strips the ones Linux accepts.
type Prot uint32

const (
	ProtNone  Prot = linux.PROT_NONE
	ProtRead  Prot = linux.PROT_READ
	ProtWrite Prot = linux.PROT_WRITE
	ProtExec  Prot = linux.PROT_EXEC

	protMask = ProtRead | ProtWrite | ProtExec
)

// RegionKind says what backs a region. Only private anonymous memory exists for now;
// file-backed regions will add a kind (and an offset field in Region).
type RegionKind uint32

const (
	// AnonPrivate is demand-zero memory owned by this address space.
	AnonPrivate RegionKind = iota
)

// Region is one mapping: [Start, End), page aligned, Start < End.
type Region struct {
	Start, End uint64
	Prot       Prot
	Kind       RegionKind
}

// MaxRegions bounds the region table. Adjacent regions with equal attributes merge, so
// the Go runtime (a few reservations carved by MAP_FIXED) stays far below it.
const MaxRegions = 4096

// Regions is the sorted table of an address space's mappings inside the window [lo, hi)
// given to Init. Invariants: sorted by Start, disjoint, inside the window, and no two
// neighbours touch with equal attributes (they would have been merged).
// Guarded by the owning AddressSpace (future as.mu).
type Regions struct {
	lo, hi uint64
	n      int
	r      [MaxRegions]Region
}

// Init empties the table and sets the window that mmap may use: the kernel passes
// lo = top of the identity map rounded up to 1 GiB and hi = 1<<47.
func (rs *Regions) Init(lo, hi uint64) {
	if lo&pageMask != 0 || hi&pageMask != 0 || lo >= hi || hi > userLimit {
		panic("mm: Regions.Init: bad window")
	}
	rs.lo, rs.hi, rs.n = lo, hi, 0
}

// Window returns the [lo, hi) given to Init.
func (rs *Regions) Window() (lo, hi uint64) { return rs.lo, rs.hi }

// Len is the number of regions; At returns region i (0 <= i < Len), in address order.
func (rs *Regions) Len() int        { return rs.n }
func (rs *Regions) At(i int) Region { return rs.r[i] }

// Find returns the index of the region containing addr.
func (rs *Regions) Find(addr uint64) (idx int, ok bool) {
	i := rs.search(addr)
	return i, i < rs.n && rs.r[i].Start <= addr
}

// Map adds a private anonymous region of length bytes (rounded up to pages) and returns
// its address.
//   - fixed: the region is placed exactly at hint (which must be page aligned), replacing
//     whatever was mapped there; ENOMEM if it would leave the window.
//   - not fixed: hint (rounded up to a page) is used if the range there is free and inside
//     the window; otherwise the lowest free gap in the window (bottom-up first fit).
//
// Errors, as Linux: EINVAL for length 0, unknown prot bits or an unaligned fixed address;
// ENOMEM if the rounded length overflows, no gap fits, or the table is full. The table
// check is conservative: it may report ENOMEM up to two regions before MaxRegions.
func (rs *Regions) Map(hint, length uint64, prot Prot, fixed bool) (addr uint64, err Errno) {
	if length == 0 || prot&^protMask != 0 {
		return 0, EINVAL
	}
	length, ok := alignUp(length, PageSize)
	if !ok {
		return 0, ENOMEM
	}
	reg := Region{Prot: prot, Kind: AnonPrivate}
	if fixed {
		if hint&pageMask != 0 {
			return 0, EINVAL
		}
		end := hint + length
		if end < hint || hint < rs.lo || end > rs.hi {
			return 0, ENOMEM
		}
		if rs.n+2 > MaxRegions {
			return 0, ENOMEM
		}
		rs.remove(hint, end)
		reg.Start, reg.End = hint, end
	} else {
		if rs.n+1 > MaxRegions {
			return 0, ENOMEM
		}
		at, ok := alignUp(hint, PageSize)
		if !ok || at == 0 || !rs.isFree(at, length) {
			if at, ok = rs.lowestGap(length); !ok {
				return 0, ENOMEM
			}
		}
		reg.Start, reg.End = at, at+length
	}
	i := rs.search(reg.Start)
	rs.insert(i, reg)
	rs.merge(i-1, i+1)
	return reg.Start, 0
}

// Unmap removes [addr, addr+length) (length rounded up to pages), splitting regions that
// straddle its ends. Unmapping space with nothing mapped is not an error, as in Linux.
// EINVAL for an unaligned addr, length 0, overflow or a range leaving the window (Linux
// says EINVAL beyond TASK_SIZE; below the window lies the kernel's identity map).
// ENOMEM if a split would overflow the table.
func (rs *Regions) Unmap(addr, length uint64) Errno {
	if addr&pageMask != 0 || length == 0 {
		return EINVAL
	}
	length, ok := alignUp(length, PageSize)
	end := addr + length
	if !ok || end < addr || addr < rs.lo || end > rs.hi {
		return EINVAL
	}
	if rs.n+rs.splits(addr, end) > MaxRegions {
		return ENOMEM
	}
	rs.remove(addr, end)
	return 0
}

// Protect sets the protection of [addr, addr+length) (length rounded up to pages),
// splitting and merging regions as needed. Length 0 succeeds and does nothing.
// EINVAL for an unaligned addr or unknown prot bits; ENOMEM if the length overflows, any
// part of the range is unmapped, or splits would overflow the table. Unlike Linux, which
// changes the mapped prefix before failing on a hole, nothing changes on error.
func (rs *Regions) Protect(addr, length uint64, prot Prot) Errno {
	if addr&pageMask != 0 || prot&^protMask != 0 {
		return EINVAL
	}
	length, ok := alignUp(length, PageSize)
	end := addr + length
	if !ok || end < addr {
		return ENOMEM
	}
	if length == 0 {
		return 0
	}
	if !rs.Covered(addr, end) {
		return ENOMEM
	}
	if rs.n+rs.splits(addr, end) > MaxRegions {
		return ENOMEM
	}
	rs.split(addr)
	rs.split(end)
	i := rs.search(addr)
	j := i
	for ; j < rs.n && rs.r[j].Start < end; j++ {
		rs.r[j].Prot = prot
	}
	rs.merge(i-1, j)
	return 0
}

// Covered reports whether every byte of [start, end) lies in some region.
func (rs *Regions) Covered(start, end uint64) bool {
	at := start
	for i := rs.search(start); at < end; i++ {
		if i >= rs.n || rs.r[i].Start > at {
			return false
		}
		at = rs.r[i].End
	}
	return true
}

// Overlaps reports whether any region intersects [start, end) (MAP_FIXED_NOREPLACE).
func (rs *Regions) Overlaps(start, end uint64) bool {
	i := rs.search(start)
	return i < rs.n && rs.r[i].Start < end
}

// search returns the index of the first region ending above addr (rs.n if none).
func (rs *Regions) search(addr uint64) int {
	lo, hi := 0, rs.n
	for lo < hi {
		m := (lo + hi) / 2
		if rs.r[m].End <= addr {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// isFree reports whether [addr, addr+length) is inside the window and unmapped.
func (rs *Regions) isFree(addr, length uint64) bool {
	end := addr + length
	if end < addr || addr < rs.lo || end > rs.hi {
		return false
	}
	i := rs.search(addr)
	return i == rs.n || rs.r[i].Start >= end
}

// lowestGap returns the lowest address in the window where length bytes are unmapped.
func (rs *Regions) lowestGap(length uint64) (uint64, bool) {
	at := rs.lo
	for i := 0; i < rs.n; i++ {
		if rs.r[i].Start-at >= length {
			return at, true
		}
		at = rs.r[i].End
	}
	return at, rs.hi-at >= length
}

// splits counts the regions that strictly straddle start or end: each needs a split.
func (rs *Regions) splits(start, end uint64) int {
	n := 0
	if i, ok := rs.Find(start); ok && rs.r[i].Start < start {
		n++
	}
	if i, ok := rs.Find(end); ok && rs.r[i].Start < end {
		n++
	}
	return n
}

// split makes addr a region boundary if a region strictly straddles it.
// Precondition: the table has a free slot.
func (rs *Regions) split(addr uint64) {
	i, ok := rs.Find(addr)
	if !ok || rs.r[i].Start == addr {
		return
	}
	right := rs.r[i]
	right.Start = addr
	rs.r[i].End = addr
	rs.insert(i+1, right)
}

// remove deletes [start, end) from the table, splitting straddling regions.
// Precondition: the table has splits(start, end) free slots.
func (rs *Regions) remove(start, end uint64) {
	rs.split(start)
	rs.split(end)
	i := rs.search(start)
	j := i
	for j < rs.n && rs.r[j].Start < end {
		j++
	}
	copy(rs.r[i:], rs.r[j:rs.n])
	rs.n -= j - i
}

// insert puts reg at index i, shifting the rest up. Precondition: a free slot.
func (rs *Regions) insert(i int, reg Region) {
	if rs.n == MaxRegions {
		panic("mm: Regions.insert: table full")
	}
	copy(rs.r[i+1:rs.n+1], rs.r[i:rs.n])
	rs.r[i] = reg
	rs.n++
}

// merge joins touching neighbours with equal attributes among indices [from, to].
func (rs *Regions) merge(from, to int) {
	k := max(from, 0) + 1
	for k <= to && k < rs.n {
		a, b := rs.r[k-1], rs.r[k]
		if a.End == b.Start && a.Prot == b.Prot && a.Kind == b.Kind {
			rs.r[k-1].End = b.End
			copy(rs.r[k:], rs.r[k+1:rs.n])
			rs.n--
			to--
			continue
		}
		k++
	}
}
