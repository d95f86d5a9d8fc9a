package kernel

// File-system system calls, part 3: asking about files (stat, statx, statfs, readlink,
// access).

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs"
)

// fillStat describes n in st.
func fillStat(st *linux.Stat_t, n fs.Node) {
	a := fs.Stat(fsEnv(), n)
	*st = linux.Stat_t{}
	st.Dev = a.Dev
	st.Ino = a.Ino
	st.Nlink = uint64(a.Nlink)
	st.Mode = a.Mode
	st.Uid, st.Gid = a.Uid, a.Gid
	st.Rdev = a.Rdev
	st.Size = int64(a.Size)
	st.Blksize = 4096
	st.Blocks = int64(a.Blocks)
	st.Atim.Sec, st.Atim.Nsec = a.Atime.Sec, int64(a.Atime.Nsec)
	st.Mtim.Sec, st.Mtim.Nsec = a.Mtime.Sec, int64(a.Mtime.Nsec)
	st.Ctim.Sec, st.Ctim.Nsec = a.Ctime.Sec, int64(a.Ctime.Nsec)
}

// statAt is newfstatat's logic, shared with statx: fills st for (dirfd, path, flags).
func statAt(dirfd uint64, pathp uintptr, flags uint64, st *linux.Stat_t) linux.Errno {
	if flags&^(linux.AT_SYMLINK_NOFOLLOW|linux.AT_EMPTY_PATH|linux.AT_NO_AUTOMOUNT|linux.AT_STATX_SYNC_TYPE) != 0 {
		return linux.EINVAL
	}
	if emptyPathAt(pathp, flags) {
		if int32(dirfd) == linux.AT_FDCWD {
			fillStat(st, cwd)
			return 0
		}
		f := TrapFrame{RDI: dirfd, RSI: uint64(uintptr(unsafe.Pointer(st)))}
		_, err := sysFstat(nil, &f) // any kind of file, not only the tree's
		return err
	}
	n, err := lookupAt(dirfd, pathp, flags&linux.AT_SYMLINK_NOFOLLOW == 0)
	if err != 0 {
		return err
	}
	fillStat(st, n)
	return 0
}

// sysNewfstatat handles newfstatat(2).
func sysNewfstatat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return 0, statAt(tf.RDI, uintptr(tf.RSI), tf.R10, (*linux.Stat_t)(unsafe.Pointer(uintptr(tf.RDX))))
}

// sysStat handles stat(2).
func sysStat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return 0, statAt(atFDCWD, uintptr(tf.RDI), 0, (*linux.Stat_t)(unsafe.Pointer(uintptr(tf.RSI))))
}

// sysLstat handles lstat(2).
func sysLstat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return 0, statAt(atFDCWD, uintptr(tf.RDI), linux.AT_SYMLINK_NOFOLLOW, (*linux.Stat_t)(unsafe.Pointer(uintptr(tf.RSI))))
}

// sysStatx handles statx(2): newfstatat's answer in statx's layout, plus the birth time
// of tmpfs files. Every basic field is filled whatever the mask asks.
func sysStatx(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if uint32(tf.R10)&linux.STATX__RESERVED != 0 {
		return 0, linux.EINVAL
	}
	var st linux.Stat_t
	if err := statAt(tf.RDI, uintptr(tf.RSI), tf.RDX, &st); err != 0 {
		return 0, err
	}
	sx := (*linux.Statx)(unsafe.Pointer(uintptr(tf.R8)))
	*sx = linux.Statx{}
	sx.Mask = linux.STATX_BASIC_STATS
	sx.Blksize = uint32(st.Blksize)
	sx.Nlink = uint32(st.Nlink)
	sx.Uid, sx.Gid = st.Uid, st.Gid
	sx.Mode = uint16(st.Mode)
	sx.Ino = st.Ino
	sx.Size = uint64(st.Size)
	sx.Blocks = uint64(st.Blocks)
	sx.Atime.Sec, sx.Atime.Nsec = st.Atim.Sec, uint32(st.Atim.Nsec)
	sx.Mtime.Sec, sx.Mtime.Nsec = st.Mtim.Sec, uint32(st.Mtim.Nsec)
	sx.Ctime.Sec, sx.Ctime.Nsec = st.Ctim.Sec, uint32(st.Ctim.Nsec)
	sx.RdevMajor, sx.RdevMinor = uint32(st.Rdev>>8), uint32(st.Rdev&0xff)
	sx.DevMinor = uint32(st.Dev)
	if n, ok := statxNode(tf.RDI, uintptr(tf.RSI), tf.RDX); ok && !fs.ReadOnly(n) {
		b := fs.Stat(fsEnv(), n).Btime // tmpfs files know when they were born
		sx.Btime.Sec, sx.Btime.Nsec = b.Sec, uint32(b.Nsec)
		sx.Mask |= linux.STATX_BTIME
	}
	return 0, 0
}

// statxNode returns the file statx asked about, if it is in the tree.
func statxNode(dirfd uint64, pathp uintptr, flags uint64) (fs.Node, bool) {
	if !emptyPathAt(pathp, flags) {
		n, err := lookupAt(dirfd, pathp, flags&linux.AT_SYMLINK_NOFOLLOW == 0)
		return n, err == 0
	}
	if int32(dirfd) == linux.AT_FDCWD {
		return cwd, true
	}
	f, _, err := getFile(dirfd)
	if err != 0 || f.Kind != fkFSFile {
		return fs.Node{}, false
	}
	return f.Node, true
}

// fillStatfs describes the mount n is on.
func fillStatfs(sf *linux.Statfs_t, n fs.Node) {
	i := fs.Statfs(n)
	*sf = linux.Statfs_t{Type: int64(i.Type), Bsize: int64(i.Bsize), Blocks: i.Blocks, Bfree: i.Bfree,
		Bavail: i.Bavail, Files: i.Files, Ffree: i.Ffree, Namelen: int64(i.Namelen),
		Frsize: int64(i.Bsize), Flags: int64(i.Flags)}
	sf.Fsid[0] = int32(i.Fsid)
}

// sysStatfs handles statfs(2).
func sysStatfs(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	n, err := lookupAt(atFDCWD, uintptr(tf.RDI), true)
	if err != 0 {
		return 0, err
	}
	fillStatfs((*linux.Statfs_t)(unsafe.Pointer(uintptr(tf.RSI))), n)
	return 0, 0
}

// sysFstatfs handles fstatfs(2). Files outside the tree report Linux's pseudo file
// systems: pipefs for pipes, anon_inodefs for eventfd and epoll.
func sysFstatfs(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	sf := (*linux.Statfs_t)(unsafe.Pointer(uintptr(tf.RSI)))
	if n, ok := fileNode(f); ok { // files, devices, FIFOs: the mount they are on
		fillStatfs(sf, n)
		return 0, 0
	}
	switch f.Kind {
	case fkConsole:
		n, _ := fs.Lookup(fsEnv(), fs.RootNode, "/dev", true)
		fillStatfs(sf, n)
	case fkPipeR, fkPipeW:
		*sf = linux.Statfs_t{Type: linux.PIPEFS_MAGIC, Bsize: 4096, Frsize: 4096, Namelen: 255}
	default:
		*sf = linux.Statfs_t{Type: linux.ANON_INODE_FS_MAGIC, Bsize: 4096, Frsize: 4096, Namelen: 255}
	}
	return 0, 0
}

// readlinkAt is readlinkat(2)'s logic.
func readlinkAt(dirfd uint64, pathp, buf uintptr, size uint64) (uintptr, linux.Errno) {
	if int64(size) <= 0 {
		return 0, linux.EINVAL
	}
	n, err := lookupAt(dirfd, pathp, false)
	if err != 0 {
		return 0, err
	}
	target, err := fs.Readlink(fsEnv(), n)
	if err != 0 {
		return 0, err
	}
	c := uintptr(len(target))
	if c > uintptr(size) {
		c = uintptr(size) // truncated silently, as on Linux
	}
	copyString(buf, target[:c])
	return c, 0
}

// sysReadlinkat handles readlinkat(2).
func sysReadlinkat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return readlinkAt(tf.RDI, uintptr(tf.RSI), uintptr(tf.RDX), tf.R10)
}

// sysReadlink handles readlink(2).
func sysReadlink(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return readlinkAt(atFDCWD, uintptr(tf.RDI), uintptr(tf.RSI), tf.RDX)
}

// faccessat is faccessat2(2)'s logic. We are root: reading is always allowed, executing
// needs some x bit (or a directory), and writing fails only on a read-only mount
// (devices excepted: /dev/null is writable).
func faccessat(dirfd uint64, pathp uintptr, mode, flags uint64) (uintptr, linux.Errno) {
	if mode&^(linux.R_OK|linux.W_OK|linux.X_OK) != 0 ||
		flags&^(linux.AT_EACCESS|linux.AT_SYMLINK_NOFOLLOW|linux.AT_EMPTY_PATH) != 0 {
		return 0, linux.EINVAL
	}
	var st linux.Stat_t
	if err := statAt(dirfd, pathp, flags&^linux.AT_EACCESS, &st); err != 0 {
		return 0, err
	}
	if mode&linux.X_OK != 0 && st.Mode&linux.S_IFMT != linux.S_IFDIR && st.Mode&0111 == 0 {
		return 0, linux.EACCES
	}
	if mode&linux.W_OK != 0 && st.Mode&linux.S_IFMT != linux.S_IFCHR {
		if n, err := lookupAt(dirfd, pathp, flags&linux.AT_SYMLINK_NOFOLLOW == 0); err == 0 && fs.ReadOnly(n) {
			return 0, linux.EROFS
		}
	}
	return 0, 0
}

// sysFaccessat handles faccessat(2).
func sysFaccessat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return faccessat(tf.RDI, uintptr(tf.RSI), tf.RDX, 0)
}

// sysFaccessat2 handles faccessat2(2).
func sysFaccessat2(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return faccessat(tf.RDI, uintptr(tf.RSI), tf.RDX, tf.R10)
}

// sysAccess handles access(2).
func sysAccess(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return faccessat(atFDCWD, uintptr(tf.RDI), tf.RSI, 0)
}
