package kernel

// Memory-mapped files. A mapping of a file is ordinary anonymous memory, filled from the
// file when the mapping is made: there is no page cache to share pages with, and one
// process means nobody else maps the file. What sharing must mean inside one program is
// kept by copying:
//   - a MAP_SHARED mapping sees later changes to the file: every write to the file
//     (write, pwrite, copy_file_range) also lands in the mapping's present pages, and a
//     truncation zeroes the pages past the new end. bbolt, for one, reads its pages
//     through a shared mapping while writing them with pwrite.
//   - stores into a MAP_SHARED mapping reach the file when its dirty pages are written
//     back: msync, munmap (and a MAP_FIXED mapping over it), fsync of the file, and exit.
//     Between those, read(2) of the file does not see them (Linux would).
//   - MAP_PRIVATE mappings are a snapshot taken at mmap time.
// Pages past the end of the file read as zeros (Linux raises SIGBUS for whole pages past
// it); a PROT_NONE mapping is not filled.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs"
	"github.com/unigo-os/unigo/kernel/mm"
)

const maxFileMaps = 64 // mappings of files alive at once (bbolt keeps one)

// fileMap is one mapping of a file: [Addr, Addr+Len) shows the file from offset Off.
type fileMap struct {
	Used     bool
	Shared   bool // MAP_SHARED: kept in step with the file (see above)
	MayWrite bool // the file was open for writing, so PROT_WRITE may be added later
	Node     fs.Node
	Addr     uint64 // page-aligned
	Len      uint64 // a whole number of pages
	Off      uint64 // the file offset shown at Addr
}

var fileMaps [maxFileMaps]fileMap

// physBytes is a view of n bytes of physical memory at pa, through the identity map.
func physBytes(pa uint64, n uint64) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(uintptr(pa))), n)
}

// mmapFile handles mmap(2) of the file behind fd.
func mmapFile(addr, length, prot, flags, fd, off uint64) (uintptr, linux.Errno) {
	f, _, err := getFile(fd)
	if err != 0 {
		return 0, err
	}
	if f.Kind == fkDevice && f.Dev == fs.DevZero {
		// /dev/zero maps as anonymous memory, on Linux too.
		return mmapAnon(addr, length, prot, flags)
	}
	if f.Kind != fkFSFile || !fs.IsRegular(f.Node) {
		return 0, linux.ENODEV
	}
	shared := false
	switch flags & linux.MAP_TYPE {
	case linux.MAP_SHARED, linux.MAP_SHARED_VALIDATE:
		shared = true
	case linux.MAP_PRIVATE:
	default:
		return 0, linux.EINVAL
	}
	if off&4095 != 0 || length == 0 || off+length < off {
		return 0, linux.EINVAL
	}
	acc := f.Flags & linux.O_ACCMODE
	if acc == linux.O_WRONLY || shared && prot&linux.PROT_WRITE != 0 && acc != linux.O_RDWR {
		return 0, linux.EACCES
	}
	slot := -1
	for i := range fileMaps {
		if !fileMaps[i].Used {
			slot = i
			break
		}
	}
	if slot < 0 {
		return 0, linux.ENOMEM // as Linux does past vm.max_map_count
	}
	// The memory itself is an anonymous mapping (placement, MAP_FIXED, errors), then filled.
	p, err := mmapAnon(addr, length, prot, flags)
	if err != 0 {
		return 0, err
	}
	got := uint64(p)
	size := (length + 4095) &^ 4095
	fs.Ref(f.Node)
	fileMaps[slot] = fileMap{Used: true, Shared: shared, MayWrite: acc == linux.O_RDWR,
		Node: f.Node, Addr: got, Len: size, Off: off}
	if err := fillFromFile(&fileMaps[slot]); err != 0 {
		unmapFiles(got, size)
		lockSpace()
		space.Munmap(env(), got, size)
		unlockSpace()
		return 0, err
	}
	return uintptr(got), 0
}

// populatePage makes the page at va present (as a read fault would) and returns its frame.
// The frame stays the page's after spaceLock is let go: only munmap and madvise, which
// need the kernel lock this caller holds, take frames away.
func populatePage(va uint64) (pa uint64, r mm.FaultResult) {
	lockSpace()
	r = mm.Populate(&space, env(), va&^4095, 4096, mm.Read)
	if r == mm.Mapped {
		var ok bool
		if pa, ok = space.PT.Translate(va, mm.Identity{}); !ok {
			r = mm.OOM // cannot happen: Populate just mapped it
		}
	}
	unlockSpace()
	return pa, r
}

// fillFromFile copies the file into the mapping's pages, up to the end of the file.
func fillFromFile(m *fileMap) linux.Errno {
	e := fsEnv()
	fsize := fs.Stat(e, m.Node).Size
	for va := m.Addr; va < m.Addr+m.Len; va += 4096 {
		off := m.Off + (va - m.Addr)
		if off >= fsize {
			break
		}
		pa, r := populatePage(va)
		switch r {
		case mm.Mapped:
		case mm.OOM:
			return linux.ENOMEM
		default:
			return 0 // PROT_NONE: nothing can read it, so it is not filled
		}
		n := min(uint64(4096), fsize-off)
		if _, err := fs.ReadAt(e, m.Node, off, physBytes(pa, n)); err != 0 {
			return err
		}
	}
	return 0
}

// overlap is the part of [lo, hi) that m covers, or ok=false.
func (m *fileMap) overlap(lo, hi uint64) (a, b uint64, ok bool) {
	a, b = max(lo, m.Addr), min(hi, m.Addr+m.Len)
	return a, b, a < b
}

// writeBack writes the dirty pages of m within [lo, hi) to the file (only what lies
// before the file's end) and marks them clean.
func writeBack(m *fileMap, lo, hi uint64) linux.Errno {
	if !m.Shared {
		return 0
	}
	a, b, ok := m.overlap(lo, hi)
	if !ok {
		return 0
	}
	e := fsEnv()
	fsize := fs.Stat(e, m.Node).Size
	for va := a &^ 4095; va < b; va += 4096 {
		off := m.Off + (va - m.Addr)
		if off >= fsize {
			break
		}
		lockSpace()
		pte, ok := space.PT.Lookup(va, mm.Identity{})
		unlockSpace()
		if !ok || pte&mm.Present == 0 || pte&mm.Dirty == 0 {
			continue
		}
		n := min(uint64(4096), fsize-off)
		if _, err := fs.WriteAt(e, m.Node, off, physBytes(pte.Addr(), n)); err != 0 {
			return err
		}
		lockSpace()
		space.PT.Protect(va, pte.Flags()&^mm.Dirty, mm.Identity{})
		tlb{}.Flush(va)
		unlockSpace()
	}
	return 0
}

// unmapFiles forgets the file mappings within [addr, addr+length), writing back the
// shared ones' dirty pages first. Called before the memory itself is unmapped. ENOMEM
// if a mapping would split in two and there is no slot for the second half.
func unmapFiles(addr, length uint64) linux.Errno {
	lo := addr &^ 4095
	hi := (addr + length + 4095) &^ 4095
	for i := range fileMaps {
		m := &fileMaps[i]
		if !m.Used {
			continue
		}
		a, b, ok := m.overlap(lo, hi)
		if !ok {
			continue
		}
		if err := writeBack(m, a, b); err != 0 {
			return err
		}
		end := m.Addr + m.Len
		switch {
		case a == m.Addr && b == end: // all of it
			m.Used = false
			fs.Release(fsEnv(), m.Node)
		case a == m.Addr: // the front
			m.Off += b - m.Addr
			m.Len = end - b
			m.Addr = b
		case b == end: // the back
			m.Len = a - m.Addr
		default: // the middle: the tail becomes a mapping of its own
			j := freeFileMap()
			if j < 0 {
				return linux.ENOMEM
			}
			fileMaps[j] = *m
			fileMaps[j].Off = m.Off + (b - m.Addr)
			fileMaps[j].Addr = b
			fileMaps[j].Len = end - b
			fs.Ref(m.Node)
			m.Len = a - m.Addr
		}
	}
	return 0
}

func freeFileMap() int {
	for i := range fileMaps {
		if !fileMaps[i].Used {
			return i
		}
	}
	return -1
}

// writeFile writes to file n and keeps its shared mappings in step: every write to a
// file's contents goes through here.
func writeFile(e fs.Env, n fs.Node, off uint64, buf []byte) (int, linux.Errno) {
	got, err := fs.WriteAt(e, n, off, buf)
	if got > 0 {
		fileWritten(n, off, buf[:got])
	}
	return got, err
}

// truncateFile changes file n's size and keeps its shared mappings in step.
func truncateFile(e fs.Env, n fs.Node, size uint64) linux.Errno {
	err := fs.Truncate(e, n, size)
	if err == 0 {
		fileTruncated(n, size)
	}
	return err
}

// fileWritten copies bytes just written to file n at off into n's shared mappings.
func fileWritten(n fs.Node, off uint64, buf []byte) {
	for i := range fileMaps {
		m := &fileMaps[i]
		if !m.Used || !m.Shared || m.Node != n {
			continue
		}
		// The part of [off, off+len) the mapping shows, as addresses.
		lo, hi := off, off+uint64(len(buf))
		if hi <= m.Off || lo >= m.Off+m.Len {
			continue
		}
		lo, hi = max(lo, m.Off), min(hi, m.Off+m.Len)
		for o := lo; o < hi; {
			va := m.Addr + (o - m.Off)
			n := min(hi-o, 4096-va&4095)
			// A page not yet touched (past the end of the file when it was mapped, say)
			// is made present first, or it would later read as zeros.
			if pa, r := populatePage(va); r == mm.Mapped {
				copy(physBytes(pa, n), buf[o-off:o-off+n])
			}
			o += n
		}
	}
}

// fileTruncated zeroes what n's shared mappings show past its new size.
func fileTruncated(n fs.Node, size uint64) {
	for i := range fileMaps {
		m := &fileMaps[i]
		if !m.Used || !m.Shared || m.Node != n || size >= m.Off+m.Len {
			continue
		}
		for o := max(size, m.Off); o < m.Off+m.Len; {
			va := m.Addr + (o - m.Off)
			k := 4096 - va&4095
			lockSpace()
			pa, ok := space.PT.Translate(va, mm.Identity{})
			unlockSpace()
			if ok {
				clear(physBytes(pa, k))
			}
			o += k
		}
	}
}

// writeBackFile writes back every shared mapping of n (fsync).
func writeBackFile(n fs.Node) linux.Errno {
	for i := range fileMaps {
		m := &fileMaps[i]
		if m.Used && m.Node == n {
			if err := writeBack(m, m.Addr, m.Addr+m.Len); err != 0 {
				return err
			}
		}
	}
	return 0
}

// writeBackAll writes back every shared mapping (exit).
func writeBackAll() {
	for i := range fileMaps {
		m := &fileMaps[i]
		if m.Used {
			writeBack(m, m.Addr, m.Addr+m.Len)
		}
	}
}

// protectFiles refuses PROT_WRITE on a shared mapping of a file not open for writing
// (mprotect's EACCES).
func protectFiles(addr, length, prot uint64) linux.Errno {
	if prot&linux.PROT_WRITE == 0 {
		return 0
	}
	for i := range fileMaps {
		m := &fileMaps[i]
		if m.Used && m.Shared && !m.MayWrite {
			if _, _, ok := m.overlap(addr&^4095, addr+length); ok {
				return linux.EACCES
			}
		}
	}
	return 0
}

// sysMsync handles msync(2): the shared mappings' dirty pages in the range go to their
// files; with MS_SYNC the files are then synced to their medium.
func sysMsync(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	addr, length, flags := tf.RDI, tf.RSI, tf.RDX
	if addr&4095 != 0 || flags&^(linux.MS_ASYNC|linux.MS_INVALIDATE|linux.MS_SYNC) != 0 ||
		flags&linux.MS_ASYNC != 0 && flags&linux.MS_SYNC != 0 {
		return 0, linux.EINVAL
	}
	end := (addr + length + 4095) &^ 4095
	if end < addr {
		return 0, linux.ENOMEM
	}
	if !space.Regions.Covered(addr, end) {
		return 0, linux.ENOMEM
	}
	for i := range fileMaps {
		m := &fileMaps[i]
		if !m.Used {
			continue
		}
		if _, _, ok := m.overlap(addr, end); !ok {
			continue
		}
		if err := writeBack(m, addr, end); err != 0 {
			return 0, err
		}
		if flags&linux.MS_SYNC != 0 && m.Shared {
			if err := syncFile(m.Node); err != 0 {
				return 0, err
			}
		}
	}
	return 0, 0
}
