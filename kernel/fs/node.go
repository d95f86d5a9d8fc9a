package fs

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs/ext2"
	"github.com/unigo-os/unigo/kernel/fs/procfs"
	"github.com/unigo-os/unigo/kernel/fs/tarfs"
	"github.com/unigo-os/unigo/kernel/fs/tmpfs"
)

// Attr is what stat(2) reports about a file.
type Attr struct {
	Dev                        uint64 // the mount: 1 + its index
	Ino                        uint64 // never 0
	Mode                       uint32 // S_IF* | permission bits
	Nlink                      uint32
	Uid, Gid                   uint32
	Rdev                       uint64 // devices: major<<8 | minor
	Size                       uint64
	Blocks                     uint64 // 512-byte units
	Atime, Mtime, Ctime, Btime tmpfs.Time
}

// Dirent is one directory entry, as getdents64 reports it. Name is a view into the file
// system: copy it before changing the directory.
type Dirent = tmpfs.Dirent

// Stat describes n.
func Stat(e Env, n Node) Attr {
	var a Attr
	switch kindOf(n) {
	case kindTar:
		t := tarfs.Stat(tarfs.Ino(n.Ino))
		a = Attr{Ino: t.Ino, Mode: t.Mode, Nlink: t.Nlink, Size: t.Size, Blocks: (t.Size + 511) / 512}
		a.Atime.Sec, a.Mtime.Sec, a.Ctime.Sec, a.Btime.Sec = t.Mtime, t.Mtime, t.Mtime, t.Mtime
	case kindTmpfs:
		t := tmpfs.Stat(tmpfs.Ino(n.Ino))
		a = Attr{Ino: t.Ino, Mode: t.Mode, Nlink: t.Nlink, Uid: t.Uid, Gid: t.Gid, Size: t.Size, Blocks: t.Blocks,
			Atime: t.Atime, Mtime: t.Mtime, Ctime: t.Ctime, Btime: t.Btime}
	case kindDev:
		a = devStat(n.Ino)
	case kindProc:
		t := procfs.Stat(procfs.Ino(n.Ino))
		a = Attr{Ino: t.Ino, Mode: t.Mode, Nlink: t.Nlink, Atime: mountTime, Mtime: mountTime, Ctime: mountTime, Btime: mountTime}
	case kindExt2:
		t, _ := ext2.Stat(ext2Env(e), volOf(n), ext2Ino(n)) // EIO: the number alone
		a = ext2Attr(t)
	}
	a.Dev = uint64(n.Mnt) + 1
	return a
}

// IsDir reports whether n is a directory.
func IsDir(n Node) bool {
	switch kindOf(n) {
	case kindTar:
		return tarfs.IsDir(tarfs.Ino(n.Ino))
	case kindTmpfs:
		return tmpfs.IsDir(tmpfs.Ino(n.Ino))
	case kindProc:
		return procfs.IsDir(procfs.Ino(n.Ino))
	case kindExt2:
		return ext2Type(n) == linux.S_IFDIR
	}
	return n.Ino == 0
}

// IsSymlink reports whether n is a symbolic link.
func IsSymlink(n Node) bool {
	switch kindOf(n) {
	case kindTar:
		return tarfs.IsSymlink(tarfs.Ino(n.Ino))
	case kindTmpfs:
		return tmpfs.IsSymlink(tmpfs.Ino(n.Ino))
	case kindProc:
		return procfs.IsSymlink(procfs.Ino(n.Ino))
	case kindExt2:
		return ext2Type(n) == linux.S_IFLNK
	}
	return n.Ino != 0 && devices[n.Ino-1].Target != ""
}

// IsRegular reports whether n is a regular file.
func IsRegular(n Node) bool { return Type(n) == linux.S_IFREG }

// Type is n's S_IF* bits alone, without the cost of a full Stat.
func Type(n Node) uint32 {
	switch kindOf(n) {
	case kindExt2:
		return ext2Type(n) // FIFOs, sockets and devices too
	case kindTmpfs:
		return tmpfs.Type(tmpfs.Ino(n.Ino)) // FIFOs and sockets too
	}
	switch {
	case IsDir(n):
		return linux.S_IFDIR
	case IsSymlink(n):
		return linux.S_IFLNK
	case kindOf(n) == kindDev:
		return linux.S_IFCHR
	}
	return linux.S_IFREG
}

// ReadAt copies regular file n's bytes from off into buf and returns how many: fewer
// only at the end of the file. EISDIR for a directory, EINVAL for anything else.
func ReadAt(e Env, n Node, off uint64, buf []byte) (int, linux.Errno) {
	switch kindOf(n) {
	case kindTar:
		return tarfs.ReadAt(tarfs.Ino(n.Ino), off, buf)
	case kindTmpfs:
		return tmpfs.ReadAt(e.Env, tmpfs.Ino(n.Ino), off, buf)
	case kindProc:
		return procfs.ReadAt(e.Proc, procfs.Ino(n.Ino), off, buf)
	case kindExt2:
		return ext2.ReadAt(ext2Env(e), volOf(n), ext2Ino(n), off, buf)
	}
	if n.Ino == 0 {
		return 0, linux.EISDIR
	}
	return 0, linux.EINVAL // devices are read by their file kind, not here
}

// WriteAt writes buf into regular file n at off: the file system's WriteAt (short
// writes at ENOSPC); EROFS on read-only mounts.
func WriteAt(e Env, n Node, off uint64, buf []byte) (int, linux.Errno) {
	if ReadOnly(n) {
		return 0, linux.EROFS
	}
	if kindOf(n) == kindExt2 {
		return ext2.WriteAt(ext2Env(e), volOf(n), ext2Ino(n), off, buf)
	}
	return tmpfs.WriteAt(e.Env, tmpfs.Ino(n.Ino), off, buf)
}

// Truncate sets regular file n's size; EROFS on read-only mounts.
func Truncate(e Env, n Node, size uint64) linux.Errno {
	if ReadOnly(n) {
		if IsDir(n) {
			return linux.EISDIR
		}
		return linux.EROFS
	}
	if kindOf(n) == kindExt2 {
		return ext2.Truncate(ext2Env(e), volOf(n), ext2Ino(n), size)
	}
	return tmpfs.Truncate(e.Env, tmpfs.Ino(n.Ino), size)
}

// NextData is lseek's SEEK_DATA (hole false) and SEEK_HOLE (hole true) for regular
// file n; ENXIO at or past the end.
func NextData(e Env, n Node, off uint64, hole bool) (uint64, linux.Errno) {
	switch kindOf(n) {
	case kindTmpfs:
		return tmpfs.NextData(e.Env, tmpfs.Ino(n.Ino), off, hole)
	case kindExt2:
		return ext2.NextData(ext2Env(e), volOf(n), ext2Ino(n), off, hole)
	}
	size := Stat(e, n).Size // the archive has no holes
	if off >= size {
		return 0, linux.ENXIO
	}
	if hole {
		return size, 0
	}
	return off, 0
}

// Readlink returns symlink n's target; EINVAL if n is not a symlink. The target is valid
// until the link is removed; on an ext2 volume, until 16 more ext2 links have been read
// (ext2Readlink).
func Readlink(e Env, n Node) (string, linux.Errno) { return readlink(e, n) }

func readlink(e Env, n Node) (string, linux.Errno) {
	switch kindOf(n) {
	case kindTar:
		return tarfs.Readlink(tarfs.Ino(n.Ino))
	case kindTmpfs:
		return tmpfs.Readlink(e.Env, tmpfs.Ino(n.Ino))
	case kindProc:
		return procfs.Readlink(e.Proc, procfs.Ino(n.Ino))
	case kindExt2:
		return ext2Readlink(e, n)
	}
	if !IsSymlink(n) {
		return "", linux.EINVAL
	}
	return devices[n.Ino-1].Target, 0
}

// mountCookie is where ReadDir's cookies for mount points start: above every cookie the
// file systems use (they are below 2^32).
const mountCookie = 1 << 40

// ReadDir returns directory dir's entry at cookie (0 for the first) or ok=false at the
// end; d.Next resumes after d. After the file system's own entries come the mount points
// in dir that it does not list itself.
func ReadDir(e Env, dir Node, cookie uint64) (d Dirent, ok bool) {
	if cookie < mountCookie {
		var dotdot uint64
		if cookie <= 1 { // only ".." reports it
			dotdot = Stat(e, parent(e, dir)).Ino
		}
		switch kindOf(dir) {
		case kindTar:
			var t tarfs.Dirent
			if t, ok = tarfs.ReadDir(tarfs.Ino(dir.Ino), cookie); ok {
				d = Dirent{Name: t.Name, Ino: t.Ino, Type: t.Type, Next: t.Next}
				if t.Name == ".." {
					d.Ino = dotdot
				}
			}
		case kindTmpfs:
			d, ok = tmpfs.ReadDir(e.Env, tmpfs.Ino(dir.Ino), cookie, dotdot)
		case kindDev:
			d, ok = devReadDir(dotdot, cookie)
		case kindProc:
			var p procfs.Dirent
			if p, ok = procfs.ReadDir(e.Proc, procfs.Ino(dir.Ino), cookie, dotdot); ok {
				d = Dirent{Name: p.Name, Ino: p.Ino, Type: p.Type, Next: p.Next}
			}
		case kindExt2:
			var x ext2.Dirent
			if x, ok = ext2.ReadDir(ext2Env(e), volOf(dir), ext2Ino(dir), cookie, uint64(ext2Ino(dir)), dotdot); ok {
				d = Dirent{Name: x.Name, Ino: x.Ino, Type: x.Type, Next: x.Next}
			}
		}
		if ok {
			return d, true
		}
		cookie = mountCookie
	}
	for m := int(cookie - mountCookie); m < nMounts; m++ {
		if m == 0 || mounts[m].Parent != dir {
			continue
		}
		name := mounts[m].name()
		if listed(e, dir, name) {
			continue
		}
		return Dirent{Name: name, Ino: Stat(e, Node{uint8(m), 0}).Ino, Type: linux.DT_DIR,
			Next: mountCookie + uint64(m) + 1}, true
	}
	return Dirent{}, false
}

// listed reports whether dir's own file system has an entry called name.
func listed(e Env, dir Node, name string) bool {
	switch kindOf(dir) {
	case kindTar:
		_, err := tarfs.Child(tarfs.Ino(dir.Ino), name)
		return err == 0
	case kindTmpfs:
		_, err := tmpfs.Lookup(e.Env, tmpfs.Ino(dir.Ino), name)
		return err == 0
	case kindProc:
		_, err := procfs.Lookup(e.Proc, procfs.Ino(dir.Ino), name)
		return err == 0
	case kindExt2:
		_, _, err := ext2.Lookup(ext2Env(e), volOf(dir), ext2Ino(dir), name)
		return err == 0
	}
	_, err := devLookup(name)
	return err == 0
}

// name returns directory n's name in its parent ("" for "/"; for a mount root, the mount
// point's name). ok is false for a removed directory.
func name(e Env, n Node) (s string, ok bool) {
	if isMountRoot(n) {
		return mounts[n.Mnt].name(), true
	}
	switch kindOf(n) {
	case kindTar:
		return tarfs.Name(tarfs.Ino(n.Ino)), true
	case kindTmpfs:
		s = tmpfs.NameOf(e.Env, tmpfs.Ino(n.Ino))
		return s, s != ""
	case kindProc:
		return procfs.Name(procfs.Ino(n.Ino)), true
	case kindExt2:
		s = ext2.NameOf(ext2Env(e), volOf(n), ext2Ino(n)) // a view: use it at once
		return s, s != ""
	}
	return "", false // the device directory has no subdirectories
}

// Path writes the absolute path of directory n (no NUL) into buf and returns its length:
// ERANGE if buf is too small, ENOENT if n has been removed (getcwd's errors). The names
// are written right to left as they are found, each at once: an ext2 name is a view
// that the next disk read may move.
func Path(e Env, n Node, buf []byte) (int, linux.Errno) {
	end, tooLong := len(buf), false
	for c := n; c != RootNode; c = parent(e, c) {
		s, ok := name(e, c)
		if !ok {
			return 0, linux.ENOENT
		}
		if tooLong || end < len(s)+1 {
			tooLong = true // go on: ENOENT comes first
			continue
		}
		end -= len(s)
		copy(buf[end:], s)
		end--
		buf[end] = '/'
	}
	if end == len(buf) { // "/"
		if end == 0 {
			tooLong = true
		} else {
			end--
			buf[end] = '/'
		}
	}
	if tooLong {
		return 0, linux.ERANGE
	}
	copy(buf, buf[end:])
	return len(buf) - end, 0
}

// Ref records a holder of n (an open file, the current directory): a tmpfs or ext2 file
// removed meanwhile lives until the matching Release.
func Ref(n Node) {
	switch kindOf(n) {
	case kindTmpfs:
		tmpfs.Ref(tmpfs.Ino(n.Ino))
	case kindExt2:
		ext2.Ref(volOf(n), ext2Ino(n))
	}
}

// Release drops a holder taken by Ref.
func Release(e Env, n Node) {
	switch kindOf(n) {
	case kindTmpfs:
		tmpfs.Release(e.Env, tmpfs.Ino(n.Ino))
	case kindExt2:
		ext2.Release(ext2Env(e), volOf(n), ext2Ino(n)) // EIO: nothing more to do
	}
}
