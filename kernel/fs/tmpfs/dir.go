package tmpfs

import "github.com/unigo-os/unigo/kernel/abi/linux"

// A directory's blocks hold fixed-size records, recsPerFrame to a frame:
//
//	+0  int32   inode (0: free slot)
//	+4  uint16  name length (1..255)
//	+8  [255]   name bytes
//
// A directory's Size counts record slots up to the last one used; freed slots are
// reused by the next entry. Lookup is a linear scan: fine for the hundreds of entries
// a /tmp holds, slow for tens of thousands (a hash would fix that).
const (
	recSize      = 272
	recsPerFrame = pageSize / recSize
	recIno       = 0
	recLen       = 4
	recName      = 8
	maxName      = 255
)

// record returns the physical address of slot s of directory d, or 0 if its block is
// missing (allocated when alloc is set).
func (d *inode) record(e Env, s uint64, alloc bool) (uint64, linux.Errno) {
	pa, err := d.block(e, s/recsPerFrame, alloc)
	if pa == 0 {
		return 0, err
	}
	return pa + s%recsPerFrame*recSize, 0
}

// recIno32 returns the inode field of the record at pa.
func recInoAt(e Env, pa uint64) Ino { return Ino(*(*int32)(e.Mem.Ptr(pa + recIno))) }

func setRecIno(e Env, pa uint64, i Ino) { *(*int32)(e.Mem.Ptr(pa + recIno)) = int32(i) }

func recNameAt(e Env, pa uint64) string {
	return strAt(e, pa+recName, int(*(*uint16)(e.Mem.Ptr(pa + recLen))))
}

// find returns the slot and inode of the entry called name in directory dir, or ENOENT.
func find(e Env, dir Ino, name string) (uint64, Ino, linux.Errno) {
	d := &inodes[dir]
	for s := uint64(0); s < d.Size; s++ {
		pa, _ := d.record(e, s, false)
		if pa == 0 {
			s = (s/recsPerFrame+1)*recsPerFrame - 1 // a missing block: skip it whole
			continue
		}
		if i := recInoAt(e, pa); i != 0 && recNameAt(e, pa) == name {
			return s, i, 0
		}
	}
	return 0, 0, linux.ENOENT
}

// Lookup finds the entry called name in directory dir: ENOENT if missing, ENOTDIR if dir
// is not a directory.
func Lookup(e Env, dir Ino, name string) (Ino, linux.Errno) {
	if inodes[dir].Kind != kDir {
		return 0, linux.ENOTDIR
	}
	_, i, err := find(e, dir, name)
	return i, err
}

// addEntry records name -> i in directory dir, in the first free slot. ENOSPC if the
// directory needs a block and none is left; nothing changes then.
func addEntry(e Env, dir Ino, name string, i Ino) linux.Errno {
	if len(name) == 0 || len(name) > maxName {
		panic("tmpfs: addEntry: bad name length")
	}
	d := &inodes[dir]
	s := uint64(0)
	for ; s < d.Size; s++ {
		if pa, _ := d.record(e, s, false); pa == 0 || recInoAt(e, pa) == 0 {
			break
		}
	}
	pa, err := d.record(e, s, true)
	if err != 0 {
		return err
	}
	setRecIno(e, pa, i)
	*(*uint16)(e.Mem.Ptr(pa + recLen)) = uint16(len(name))
	copy(frameBytes(e, pa&^(pageSize-1))[pa%pageSize+recName:], name)
	if s >= d.Size {
		d.Size = s + 1
	}
	d.Entries++
	touch(e, dir)
	return 0
}

// removeSlot frees slot s of directory dir and gives back the blocks past the last
// record still in use.
func removeSlot(e Env, dir Ino, s uint64) {
	d := &inodes[dir]
	pa, _ := d.record(e, s, false)
	if pa == 0 || recInoAt(e, pa) == 0 {
		panic("tmpfs: removeSlot: slot is free")
	}
	setRecIno(e, pa, 0)
	d.Entries--
	for d.Size > 0 {
		pa, _ := d.record(e, d.Size-1, false)
		if pa != 0 && recInoAt(e, pa) != 0 {
			break
		}
		d.Size--
	}
	d.freeFrom(e, (d.Size+recsPerFrame-1)/recsPerFrame)
	touch(e, dir)
}

// touch marks directory dir modified.
func touch(e Env, dir Ino) {
	t := e.now()
	inodes[dir].Mtime, inodes[dir].Ctime = t, t
}

// Dirent is one directory entry, as getdents64 reports it.
type Dirent struct {
	Name string // a view of the directory's block: copy it before changing the directory
	Ino  uint64
	Type uint8  // DT_*
	Next uint64 // the cookie that resumes after this entry (d_off)
}

// Cookies: 0 is ".", 1 is "..", 2+s is record slot s. A cookie stays valid while
// entries come and go: removed entries are skipped, new ones may or may not be seen
// (POSIX allows both).
const cookieFirst = 2

// ReadDir returns the entry of directory dir at cookie (0 for the first), or ok=false at
// the end. "." and ".." are reported with the inode numbers given by the caller, who
// knows the mount (the root's ".." lies in another file system).
func ReadDir(e Env, dir Ino, cookie uint64, dotdot uint64) (d Dirent, ok bool) {
	switch cookie {
	case 0:
		return Dirent{Name: ".", Ino: inoNum(dir), Type: linux.DT_DIR, Next: 1}, true
	case 1:
		return Dirent{Name: "..", Ino: dotdot, Type: linux.DT_DIR, Next: cookieFirst}, true
	}
	n := &inodes[dir]
	for s := cookie - cookieFirst; s < n.Size; s++ {
		pa, _ := n.record(e, s, false)
		if pa == 0 {
			continue
		}
		i := recInoAt(e, pa)
		if i == 0 {
			continue
		}
		d = Dirent{Name: recNameAt(e, pa), Ino: inoNum(i), Type: linux.DT_REG, Next: s + cookieFirst + 1}
		switch inodes[i].Kind {
		case kDir:
			d.Type = linux.DT_DIR
		case kSymlink:
			d.Type = linux.DT_LNK
		case kFIFO:
			d.Type = linux.DT_FIFO
		case kSock:
			d.Type = linux.DT_SOCK
		}
		return d, true
	}
	return Dirent{}, false
}

// NameOf returns the name of directory i in its parent (for getcwd); "" for the root or
// a removed directory.
func NameOf(e Env, i Ino) string {
	if i == Root {
		return ""
	}
	p := &inodes[inodes[i].Parent]
	for s := uint64(0); s < p.Size; s++ {
		if pa, _ := p.record(e, s, false); pa != 0 && recInoAt(e, pa) == i {
			return recNameAt(e, pa)
		}
	}
	return ""
}
