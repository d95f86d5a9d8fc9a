package ext2

import "github.com/unigo-os/unigo/kernel/abi/linux"

// What the VFS reads of directories: Lookup, Parent, NameOf and ReadDir, over the
// records of dir.go.

// Lookup finds name in directory dir and returns its inode and type (S_IF* bits; the
// whole mode when it had to read the inode). ENOENT if missing, ENOTDIR if dir is not a
// directory, ENAMETOOLONG past 255 bytes.
func Lookup(e Env, vol int, dir Ino, name string) (Ino, uint32, linux.Errno) {
	if len(name) > maxName {
		return 0, 0, linux.ENAMETOOLONG
	}
	e.Disk.Lock(vol)
	r0, r1, r2 := lookupLocked(e, vol, dir, name)
	e.Disk.Unlock(vol)
	return r0, r1, r2
}

// lookupLocked is Lookup, with the volume's lock held.
func lookupLocked(e Env, vol int, dir Ino, name string) (Ino, uint32, linux.Errno) {
	v := &vols[vol]
	var d inode
	if err := v.readInode(e, vol, dir, &d); err != 0 {
		return 0, 0, err
	}
	if !d.isDir() {
		return 0, 0, linux.ENOTDIR
	}
	ino, ft, _, err := v.dirFind(e, vol, &d, name)
	if err != 0 {
		return 0, 0, err
	}
	if m := modeOfType(ft); v.Filetype && m != 0 {
		return ino, m, 0 // e2fsck keeps the entry's type and the inode's in agreement
	}
	var n inode
	if err := v.readInode(e, vol, ino, &n); err != 0 {
		return 0, 0, err
	}
	if n.mode() == 0 {
		return 0, 0, linux.EIO // an entry naming a free inode
	}
	return ino, n.mode(), 0
}

// Parent returns the directory holding directory dir (its ".."; the root's is itself).
func Parent(e Env, vol int, dir Ino) (Ino, linux.Errno) {
	e.Disk.Lock(vol)
	r0, r1 := parentLocked(e, vol, dir)
	e.Disk.Unlock(vol)
	return r0, r1
}

// parentLocked is Parent, with the volume's lock held.
func parentLocked(e Env, vol int, dir Ino) (Ino, linux.Errno) {
	v := &vols[vol]
	var d inode
	if err := v.readInode(e, vol, dir, &d); err != 0 {
		return 0, err
	}
	p, _, err := v.dotdot(e, vol, &d)
	return p, err
}

// NameOf returns the name of directory dir in its parent (for getcwd): a view of the
// parent's block, valid until the next call into this volume. "" for the root or a
// removed directory.
func NameOf(e Env, vol int, dir Ino) string {
	if dir == Root {
		return ""
	}
	e.Disk.Lock(vol)
	r0 := nameOfLocked(e, vol, dir)
	e.Disk.Unlock(vol)
	return r0
}

// nameOfLocked is NameOf, with the volume's lock held.
func nameOfLocked(e Env, vol int, dir Ino) string {
	v := &vols[vol]
	var d, p inode
	if v.readInode(e, vol, dir, &d) != 0 || d.links() == 0 {
		return ""
	}
	pi, _, err := v.dotdot(e, vol, &d)
	if err != 0 || v.readInode(e, vol, pi, &p) != 0 {
		return ""
	}
	it := v.entries(&p, 0)
	for {
		b, ok := it.next(v, e, vol, &p)
		if !ok {
			return ""
		}
		if le32(b, it.off) == dir {
			if s := entryName(b, it.off, it.nl); s != "." && s != ".." {
				return s
			}
		}
	}
}

// Dirent is one directory entry, as getdents64 reports it.
type Dirent struct {
	Name string // a view of the directory's block: copy it before the next call into the volume
	Ino  uint64
	Type uint8  // DT_*
	Next uint64 // the cookie that resumes after this entry (d_off)
}

// Cookies: 0 is ".", 1 is "..", 2+p resumes at byte p of the directory. An entry that
// starts before p has been returned, so resuming walks the block's records from its
// start and skips those: removed entries (merged into the one before) and new ones in
// the free space of earlier records cannot make it repeat or skip an entry.
const cookieFirst = 2

// ReadDir returns the entry of directory dir at cookie (0 for the first), or ok=false at
// the end. "." and ".." are reported with the inode numbers given (the caller knows the
// mount: a root's ".." is in another file system); the disk's own are skipped.
func ReadDir(e Env, vol int, dir Ino, cookie uint64, dot, dotdot uint64) (d Dirent, ok bool) {
	switch cookie {
	case 0:
		return Dirent{Name: ".", Ino: dot, Type: linux.DT_DIR, Next: 1}, true
	case 1:
		return Dirent{Name: "..", Ino: dotdot, Type: linux.DT_DIR, Next: cookieFirst}, true
	}
	e.Disk.Lock(vol)
	r0, r1 := readDirLocked(e, vol, dir, cookie, dot, dotdot)
	e.Disk.Unlock(vol)
	return r0, r1
}

// readDirLocked is ReadDir, with the volume's lock held.
func readDirLocked(e Env, vol int, dir Ino, cookie uint64, dot, dotdot uint64) (d Dirent, ok bool) {
	v := &vols[vol]
	var n inode
	if v.readInode(e, vol, dir, &n) != 0 || !n.isDir() {
		return Dirent{}, false
	}
	pos := cookie - cookieFirst
	it := v.entries(&n, pos>>v.Shift)
	for {
		b, ok := it.next(v, e, vol, &n)
		if !ok {
			return Dirent{}, false
		}
		in := le32(b, it.off)
		if at := it.pos(v); at >= pos && in != 0 {
			name := entryName(b, it.off, it.nl)
			if name != "." && name != ".." {
				d = Dirent{Name: name, Ino: uint64(in), Type: dtype(b[it.off+deType]),
					Next: cookieFirst + at + uint64(it.rec)}
				if d.Type == linux.DT_UNKNOWN {
					return v.readDirAgain(e, vol, &n, d, it.lb, it.off)
				}
				return d, true
			}
		}
	}
}

// readDirAgain finds the type of entry d (at off of directory block lb) from its inode,
// without the filetype feature, then re-reads the block: the name's view moved.
func (v *volume) readDirAgain(e Env, vol int, dir *inode, d Dirent, lb uint64, off int) (Dirent, bool) {
	var n inode
	if v.readInode(e, vol, Ino(d.Ino), &n) != 0 {
		return Dirent{}, false
	}
	d.Type = dtypeOfMode(n.mode())
	i, err := v.dirBlock(e, vol, dir, lb)
	if err != 0 || i == noBuf {
		return Dirent{}, false
	}
	b := v.bytes(e, i)
	d.Name = entryName(b, off, int(b[off+deNameLen]))
	return d, true
}

// dtype maps an entry's file type to DT_*; DT_UNKNOWN without the filetype feature.
func dtype(ft uint8) uint8 {
	switch ft {
	case ftReg:
		return linux.DT_REG
	case ftDir:
		return linux.DT_DIR
	case ftChr:
		return linux.DT_CHR
	case ftBlk:
		return linux.DT_BLK
	case ftFifo:
		return linux.DT_FIFO
	case ftSock:
		return linux.DT_SOCK
	case ftSymlink:
		return linux.DT_LNK
	}
	return linux.DT_UNKNOWN
}

// modeOfType is the S_IF* type of a directory entry's file type (0 if unknown).
func modeOfType(ft uint8) uint32 {
	switch ft {
	case ftReg:
		return linux.S_IFREG
	case ftDir:
		return linux.S_IFDIR
	case ftChr:
		return linux.S_IFCHR
	case ftBlk:
		return linux.S_IFBLK
	case ftFifo:
		return linux.S_IFIFO
	case ftSock:
		return linux.S_IFSOCK
	case ftSymlink:
		return linux.S_IFLNK
	}
	return 0
}

func dtypeOfMode(mode uint32) uint8 {
	switch mode & linux.S_IFMT {
	case linux.S_IFREG:
		return linux.DT_REG
	case linux.S_IFDIR:
		return linux.DT_DIR
	case linux.S_IFCHR:
		return linux.DT_CHR
	case linux.S_IFBLK:
		return linux.DT_BLK
	case linux.S_IFIFO:
		return linux.DT_FIFO
	case linux.S_IFSOCK:
		return linux.DT_SOCK
	case linux.S_IFLNK:
		return linux.DT_LNK
	}
	return linux.DT_UNKNOWN
}
