package tmpfs

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/mm"
)

// MaxInodes bounds the files, directories and symlinks that exist at once (the root
// included); the next one fails with ENOSPC, as on a Linux tmpfs mounted with nr_inodes.
const MaxInodes = 4096

const pageSize = 4096

// Ino names an inode: its index in the table. The root directory is 0; since the root is
// nobody's entry, 0 in a directory record means "free slot".
type Ino int32

// Root is the root directory.
const Root Ino = 0

// Inode kinds; kFree marks an unused table slot.
const (
	kFree = iota
	kDir
	kReg
	kSymlink
	kFIFO // a named pipe: its data lives in the kernel's pipe while open, never here
	kSock // a socket's name (bind on a path); opening it is ENXIO
)

// Time is a timestamp: seconds and nanoseconds since the epoch.
type Time struct {
	Sec  int64
	Nsec int32
}

// Env is what tmpfs needs from the machine, passed to every call that touches frames or
// the clock (the kernel builds one per call: no pointer is stored in a global).
type Env struct {
	Frames *mm.Frames
	Mem    mm.PhysMem
	Now    func() (sec int64, nsec int32)
}

func (e Env) now() Time {
	s, ns := e.Now()
	return Time{s, ns}
}

type inode struct {
	Kind    uint8
	Perm    uint16 // 07777
	Nlink   uint32 // names (directories: 2 + subdirectories)
	Opens   int32  // Ref minus Release: the inode outlives its last name while > 0
	Uid     uint32
	Gid     uint32
	Parent  Ino    // directories: the directory holding it (the root's is itself)
	Entries int32  // directories: records in use
	Size    uint64 // files: bytes; symlinks: target length; directories: record slots
	Pages   uint64 // frames held, data and index alike (st_blocks)

	Atime, Mtime, Ctime, Btime Time

	Direct [nDirect]uint64 // frame addresses of blocks 0..11; 0 = hole
	Ind    uint64          // frame of perFrame frame addresses for the next blocks
	Dind   uint64          // frame of perFrame indirect frames
}

// The file system's state: one instance, reset by Init.
var (
	inodes [MaxInodes]inode
	live   int    // inodes in use
	hint   Ino    // where the next free-inode search starts
	used   uint64 // frames held by all inodes
	limit  uint64 // frames the file system may hold (the size option / 4 KiB)
)

// Init empties the file system and sets its size limit in bytes (rounded down to whole
// pages). The root directory gets mode 01777, like /tmp on Linux.
//
// Preconditions:
//   - no inode of the previous instance is referenced (boot, or a test starting over);
//     its frames are not returned to the allocator.
func Init(e Env, sizeLimit uint64) {
	for i := range inodes {
		inodes[i] = inode{}
	}
	live, hint, used, limit = 1, 1, 0, sizeLimit/pageSize
	t := e.now()
	inodes[Root] = inode{Kind: kDir, Perm: 01777, Nlink: 2, Parent: Root,
		Atime: t, Mtime: t, Ctime: t, Btime: t}
}

// allocInode takes a free table slot for a new inode of kind with permission bits perm.
func allocInode(e Env, kind uint8, perm uint32, uid, gid uint32) (Ino, linux.Errno) {
	if live == MaxInodes {
		return 0, linux.ENOSPC
	}
	for n := 0; n < MaxInodes; n++ {
		i := hint
		hint++
		if hint == MaxInodes {
			hint = 1
		}
		if inodes[i].Kind == kFree && i != Root {
			t := e.now()
			inodes[i] = inode{Kind: kind, Perm: uint16(perm & 07777), Nlink: 1, Uid: uid, Gid: gid,
				Atime: t, Mtime: t, Ctime: t, Btime: t}
			live++
			return i, 0
		}
	}
	panic("tmpfs: allocInode: live count says free, table says full")
}

// freeInodeIfDead frees i and its frames once it has no name and nobody holds it.
func freeInodeIfDead(e Env, i Ino) {
	n := &inodes[i]
	if n.Nlink > 0 || n.Opens > 0 || i == Root {
		return
	}
	n.freeFrom(e, 0)
	if n.Pages != 0 {
		panic("tmpfs: freeInodeIfDead: frames left after freeing every block")
	}
	*n = inode{}
	live--
}

// allocFrame takes a zeroed frame for inode n, within the size limit.
func allocFrame(e Env, n *inode) (uint64, linux.Errno) {
	if used >= limit {
		return 0, linux.ENOSPC
	}
	pa, ok := e.Frames.AllocZeroed(e.Mem)
	if !ok {
		return 0, linux.ENOSPC // guest RAM itself is full: the same answer Linux gives
	}
	used++
	n.Pages++
	return pa, 0
}

// freeFrame returns frame pa, held by inode n, to the allocator.
func freeFrame(e Env, n *inode, pa uint64) {
	e.Frames.Free(pa, e.Mem)
	used--
	n.Pages--
}

// Ref records one more holder of i (an open file, the current directory).
func Ref(i Ino) { inodes[i].Opens++ }

// Release drops a holder taken by Ref; the last one frees an unlinked inode.
func Release(e Env, i Ino) {
	n := &inodes[i]
	if n.Opens <= 0 {
		panic("tmpfs: Release without Ref")
	}
	n.Opens--
	freeInodeIfDead(e, i)
}

// Attr is what stat(2) reports about an inode.
type Attr struct {
	Ino                        uint64 // never 0: Go and libc treat d_ino 0 as deleted
	Mode                       uint32 // S_IF* | permission bits
	Nlink                      uint32
	Uid, Gid                   uint32
	Size                       uint64
	Blocks                     uint64 // 512-byte units
	Atime, Mtime, Ctime, Btime Time
}

func inoNum(i Ino) uint64 { return uint64(i) + 1 }

// bogoDirentSize is what Linux's tmpfs counts per directory entry in a directory's size
// (mm/shmem.c, BOGO_DIRENT_SIZE), "." and ".." included.
const bogoDirentSize = 20

// Stat describes inode i.
func Stat(i Ino) Attr {
	n := &inodes[i]
	a := Attr{Ino: inoNum(i), Mode: uint32(n.Perm) | typeBits(n.Kind), Nlink: n.Nlink, Uid: n.Uid, Gid: n.Gid,
		Size: n.Size, Blocks: n.Pages * (pageSize / 512),
		Atime: n.Atime, Mtime: n.Mtime, Ctime: n.Ctime, Btime: n.Btime}
	if n.Kind == kDir {
		a.Size = uint64(n.Entries+2) * bogoDirentSize
	}
	return a
}

func typeBits(kind uint8) uint32 {
	switch kind {
	case kDir:
		return linux.S_IFDIR
	case kSymlink:
		return linux.S_IFLNK
	case kFIFO:
		return linux.S_IFIFO
	case kSock:
		return linux.S_IFSOCK
	}
	return linux.S_IFREG
}

// Type returns i's S_IF* bits.
func Type(i Ino) uint32 { return typeBits(inodes[i].Kind) }

// IsDir reports whether i is a directory.
func IsDir(i Ino) bool { return inodes[i].Kind == kDir }

// IsSymlink reports whether i is a symbolic link.
func IsSymlink(i Ino) bool { return inodes[i].Kind == kSymlink }

// Parent returns the directory holding directory i (the root for the root).
func Parent(i Ino) Ino { return inodes[i].Parent }

// SetPerm sets i's permission bits (chmod).
func SetPerm(e Env, i Ino, perm uint32) {
	inodes[i].Perm = uint16(perm & 07777)
	inodes[i].Ctime = e.now()
}

// SetOwner sets i's owner and group (chown); -1 leaves one unchanged.
func SetOwner(e Env, i Ino, uid, gid int32) {
	if uid != -1 {
		inodes[i].Uid = uint32(uid)
	}
	if gid != -1 {
		inodes[i].Gid = uint32(gid)
	}
	inodes[i].Ctime = e.now()
}

// SetTimes sets i's access and/or modification time (utimensat); ctime becomes now.
func SetTimes(e Env, i Ino, atime, mtime Time, setA, setM bool) {
	if setA {
		inodes[i].Atime = atime
	}
	if setM {
		inodes[i].Mtime = mtime
	}
	inodes[i].Ctime = e.now()
}

// Usage is statfs(2)'s view: sizes in 4 KiB blocks, and inodes.
type Usage struct {
	Blocks, Free uint64
	Files, FFree uint64
}

// Statfs reports the size limit and what is left of it.
func Statfs() Usage {
	u := Usage{Blocks: limit, Files: MaxInodes, FFree: uint64(MaxInodes - live)}
	if used < limit {
		u.Free = limit - used
	}
	return u
}
