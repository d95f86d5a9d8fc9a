package fs

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs/ext2"
)

// Persistent volumes: ext2 file systems on the kernel's block devices (package ext2).
//
// An ext2 Node's Ino packs the inode number with the file's type, so that IsDir,
// IsSymlink and Type, which have no Env and so no disk, can still answer:
//
//	bits 0-26   the inode number (Mount refuses volumes with more inodes)
//	bits 27-30  the S_IFMT bits of its mode, >> 12 (never 0)
//
// except for the root (inode 2), which is 0 like every mount's root. An inode's type
// cannot change while a Node names it: Nodes kept beyond one call hold a Ref.

const (
	ext2TypeShift = 27
	ext2InoMask   = 1<<ext2TypeShift - 1
)

func ext2Node(m uint8, ino ext2.Ino, mode uint32) Node {
	if ino == ext2.Root {
		return Node{m, 0}
	}
	return Node{m, int32(ino | (mode&linux.S_IFMT)>>12<<ext2TypeShift)}
}

func ext2Ino(n Node) ext2.Ino {
	if n.Ino == 0 {
		return ext2.Root
	}
	return ext2.Ino(n.Ino) & ext2InoMask
}

func ext2Type(n Node) uint32 {
	if n.Ino == 0 {
		return linux.S_IFDIR
	}
	return uint32(n.Ino) >> ext2TypeShift << 12
}

func volOf(n Node) int { return int(mounts[n.Mnt].Vol) }

func ext2Env(e Env) ext2.Env {
	return ext2.Env{Frames: e.Frames, Mem: e.Mem, Now: e.Now, Disk: e.Disk}
}

// MountExt2 mounts block device vol, an ext2 volume, at path: a directory whose parent
// exists (as for the tmpfs in Setup, what the parent holds under that name is covered).
// readOnly mounts it read-only; so do ro_compat features ext2 does not know. Call it
// after Setup.
//
// Errors: EINVAL when the volume is not ext2 as ext2.Mount understands it (Ext2Problem
// says why), EBUSY for a volume or a mount point already in use, the errors of
// LookupParent for path, EIO from the disk.
func MountExt2(e Env, path string, vol int, readOnly bool) linux.Errno {
	dir, name, err := mountPoint(e, path)
	if err != 0 {
		return err
	}
	if err := ext2.Mount(ext2Env(e), vol, readOnly); err != 0 {
		return err
	}
	m := addMount(kindExt2, dir, name)
	mounts[m].Vol = uint8(vol)
	return 0
}

// Ext2Problem says why the last MountExt2 failed with EINVAL, or why it mounted the
// volume read-only although asked for read-write ("" otherwise): for the kernel's message.
func Ext2Problem() string { return ext2.Problem() }

// Sync makes every change to the file system n is on durable (fsync, fdatasync and
// syncfs): for an ext2 volume, all its dirty blocks are written and the disk flushed.
// Memory file systems have nothing to do.
func Sync(e Env, n Node) linux.Errno {
	if kindOf(n) != kindExt2 {
		return 0
	}
	return ext2.Sync(ext2Env(e), volOf(n))
}

// SyncAll writes back every ext2 volume and marks it cleanly unmounted (until its next
// change): sync(2), and the kernel's exit path before it powers off.
func SyncAll(e Env) {
	ext2.SyncAll(ext2Env(e))
}

// Shutdown is the kernel's last call before powering off (exit_group): files unlinked
// while still open are freed, since nobody will close them, then every volume is synced
// and marked cleanly unmounted. SyncAll alone would leave them as orphans for e2fsck.
func Shutdown(e Env) {
	ext2.Shutdown(ext2Env(e))
}

// ext2Attr converts ext2's Attr.
func ext2Attr(a ext2.Attr) Attr {
	return Attr{Ino: a.Ino, Mode: a.Mode, Nlink: a.Nlink, Uid: a.Uid, Gid: a.Gid, Rdev: a.Rdev,
		Size: a.Size, Blocks: a.Blocks, Atime: Time(a.Atime), Mtime: Time(a.Mtime),
		Ctime: Time(a.Ctime), Btime: Time(a.Btime)}
}

// Symlink targets on ext2 live on the disk, in blocks the cache may evict, so Readlink
// copies each into one of linkSlots frames used in turn: a target stays valid until
// linkSlots more ext2 links have been read (long enough for the caller to resolve it).
const linkSlots = 16

var (
	linkFrames [linkSlots]uint64
	linkNext   int
)

func ext2Readlink(e Env, n Node) (string, linux.Errno) {
	k := linkNext % linkSlots
	if linkFrames[k] == 0 {
		pa, ok := e.Frames.Alloc(e.Mem)
		if !ok {
			return "", linux.ENOMEM
		}
		linkFrames[k] = pa
	}
	linkNext++
	buf := frameBytes(e, linkFrames[k])
	size, err := ext2.Readlink(ext2Env(e), volOf(n), ext2Ino(n), buf)
	if err != 0 {
		return "", err
	}
	return view(buf[:size]), 0
}
