package fs

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs/ext2"
	"github.com/unigo-os/unigo/kernel/fs/procfs"
	"github.com/unigo-os/unigo/kernel/fs/tarfs"
	"github.com/unigo-os/unigo/kernel/fs/tmpfs"
)

// Env is what the file systems need from the machine: for tmpfs the frame allocator, the
// physical memory view and the wall clock; for /proc the kernel's live state; for ext2
// volumes the same frames and clock (its buffer cache) and the block devices. It holds
// pointers and interfaces: build it per call, never store it.
type Env struct {
	tmpfs.Env
	Proc procfs.Source
	Disk ext2.Disk
}

// Time is a timestamp: seconds and nanoseconds since the epoch.
type Time = tmpfs.Time

// Node names a file: a mount and an inode of that mount's file system.
type Node struct {
	Mnt uint8
	Ino int32
}

// RootNode is "/".
var RootNode = Node{}

// File system kinds.
const (
	kindTar = iota + 1
	kindTmpfs
	kindDev
	kindProc
	kindExt2
)

const maxMounts = 8

type mount struct {
	Kind    uint8
	Vol     uint8 // ext2: the volume (the Disk's number)
	Parent  Node  // the directory holding the mount point (the root mount: itself)
	NameLen uint8
	Name    [255]byte // the mount point's name in Parent
}

var (
	mounts    [maxMounts]mount
	nMounts   int
	mountTime tmpfs.Time // when Setup ran: the device nodes' timestamps
)

func (m *mount) name() string { return view(m.Name[:m.NameLen]) }

// Setup mounts the tar archive at [tarBase, tarBase+tarSize) as "/", a tmpfs of tmpSize
// bytes at tmpPath, the device directory at /dev and /proc. Errors come from tarfs.Mount (a bad
// archive), or are ENOENT/ENOTDIR when tmpPath's parent does not exist.
//
// Preconditions:
//   - nothing is open (boot, or a host test starting over).
func Setup(e Env, tarBase uintptr, tarSize uint64, tmpPath string, tmpSize uint64) linux.Errno {
	nMounts = 1
	mounts[0] = mount{Kind: kindTar}
	mountTime = tmpfs.Time{}
	mountTime.Sec, mountTime.Nsec = e.Now()
	if err := tarfs.Mount(tarBase, tarSize); err != 0 {
		return err
	}
	tmpfs.Init(e.Env, tmpSize)
	if err := mountAt(e, "/dev", kindDev); err != 0 {
		return err
	}
	if err := mountAt(e, tmpPath, kindTmpfs); err != 0 {
		return err
	}
	return mountAt(e, "/proc", kindProc)
}

// mountAt adds a mount of kind at path, whose parent directory must exist. The mount
// covers whatever the parent holds under that name.
func mountAt(e Env, path string, kind uint8) linux.Errno {
	dir, name, err := mountPoint(e, path)
	if err != 0 {
		return err
	}
	addMount(kind, dir, name)
	return 0
}

// mountPoint checks that path can be a mount point and returns its parent directory
// and name.
func mountPoint(e Env, path string) (Node, string, linux.Errno) {
	if nMounts == maxMounts {
		panic("fs: mountPoint: mount table full")
	}
	dir, name, _, err := LookupParent(e, RootNode, path)
	if err != 0 {
		return Node{}, "", err
	}
	if !IsDir(dir) {
		return Node{}, "", linux.ENOTDIR
	}
	if name == "" || name == "." || name == ".." {
		return Node{}, "", linux.EBUSY // "/" or a path ending in a dot: not a mount point here
	}
	if covering(dir, name) != 0 {
		return Node{}, "", linux.EBUSY
	}
	return dir, name, 0
}

// addMount records a mount of kind on name in dir and returns its index.
func addMount(kind uint8, dir Node, name string) int {
	m := &mounts[nMounts]
	*m = mount{Kind: kind, Parent: dir, NameLen: uint8(len(name))}
	copy(m.Name[:], name)
	nMounts++
	return nMounts - 1
}

// covering returns the mount whose mount point is name in dir, or 0 if there is none
// (mount 0, the root, is nobody's child).
func covering(dir Node, name string) uint8 {
	for m := 1; m < nMounts; m++ {
		if mounts[m].Parent == dir && mounts[m].name() == name {
			return uint8(m)
		}
	}
	return 0
}

func kindOf(n Node) uint8 { return mounts[n.Mnt].Kind }

// isMountRoot reports whether n is the root of its mount.
func isMountRoot(n Node) bool { return n.Ino == 0 }

// ReadOnly reports whether n's file system refuses writes (EROFS).
func ReadOnly(n Node) bool {
	switch kindOf(n) {
	case kindTmpfs:
		return false
	case kindExt2:
		return ext2.ReadOnly(volOf(n))
	}
	return true
}

// Magic numbers for statfs's f_type, include/uapi/linux/magic.h.
const (
	tmpfsMagic = 0x01021994
	ramfsMagic = 0x858458f6
	procMagic  = 0x9fa0
	ext2Magic  = 0xef53
)

// stRdonly is statfs's f_flags bit for a read-only mount (ST_RDONLY).
const stRdonly = 1

// FSInfo is statfs(2)'s answer for one mount.
type FSInfo struct {
	Type           uint64
	Bsize          uint64
	Blocks, Bfree  uint64
	Bavail         uint64 // free to unprivileged users (ext2 keeps some for root)
	Files, Ffree   uint64
	Fsid           uint64
	Namelen, Flags uint64
}

// Statfs describes the mount n is on.
func Statfs(n Node) FSInfo {
	s := FSInfo{Type: tmpfsMagic, Bsize: 4096, Namelen: 255, Fsid: uint64(n.Mnt) + 1}
	switch kindOf(n) {
	case kindTar:
		s.Type, s.Flags = ramfsMagic, stRdonly // the initramfs's type on Linux
		s.Blocks = tarfs.Size() / 4096
	case kindTmpfs:
		u := tmpfs.Statfs()
		s.Blocks, s.Bfree, s.Files, s.Ffree = u.Blocks, u.Free, u.Files, u.FFree
	case kindDev:
		s.Files = uint64(len(devices)) + 1
	case kindProc:
		s.Type, s.Flags = procMagic, stRdonly
	case kindExt2:
		u := ext2.Statfs(volOf(n))
		s.Type, s.Bsize = ext2Magic, u.Bsize
		s.Blocks, s.Bfree, s.Bavail, s.Files, s.Ffree = u.Blocks, u.Free, u.Avail, u.Files, u.FFree
		if ReadOnly(n) {
			s.Flags = stRdonly
		}
		return s
	}
	s.Bavail = s.Bfree
	return s
}
