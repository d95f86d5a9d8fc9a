package kernel

// File-system system calls: the glue between file descriptors and package fs, the
// read-only root indexed from the initrd's tar archive. An open file of the tree is a
// file of kind fkFSFile naming its inode; its offset is a byte offset for regular files
// and a ReadDir cookie for directories. Everything that would write gets EROFS.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs"
	"github.com/unigo-os/unigo/kernel/klog"
)

// cwd is the current directory, for AT_FDCWD and relative paths. Its zero value is fs.Root.
var cwd fs.Ino

const (
	atFDCWD = uint64(1<<64 + linux.AT_FDCWD) // AT_FDCWD as a syscall argument register holds it
	fsDev   = 1                              // st_dev of the tree's files (others have 0)
	pathMax = 4096                           // PATH_MAX (include/uapi/linux/limits.h), with the NUL
)

// mountRoot indexes the initrd (if any) as the root file system. A broken archive stops
// the machine: carrying on with part of the tree would turn into puzzling ENOENTs later.
func mountRoot() {
	if initrdSize != 0 && initrdBase+initrdSize > ramTop {
		klog.Str("unigo: initrd lies outside RAM\n")
		haltWithCode(exitKernelFault)
	}
	if err := fs.Mount(uintptr(initrdBase), initrdSize); err != 0 {
		klog.Str("unigo: initrd is not a usable tar archive: ")
		klog.Str(err.Name())
		klog.Str("\n")
		haltWithCode(exitKernelFault)
	}
}

// userPath returns the NUL-terminated path at p as a string over the caller's memory
// (valid until the caller changes it; handlers use it at once).
func userPath(p uintptr) (string, linux.Errno) {
	if p == 0 {
		return "", linux.EFAULT
	}
	for n := uintptr(0); n < pathMax; n++ {
		if *(*byte)(unsafe.Pointer(p + n)) == 0 {
			return unsafe.String((*byte)(unsafe.Pointer(p)), n), 0
		}
	}
	return "", linux.ENAMETOOLONG
}

// startDir returns the directory a path is resolved from: the root for absolute paths
// (dirfd is then ignored, as on Linux), else cwd or the directory open at dirfd.
func startDir(dirfd uint64, path string) (fs.Ino, linux.Errno) {
	if len(path) > 0 && path[0] == '/' {
		return fs.Root, 0
	}
	if int32(dirfd) == linux.AT_FDCWD {
		return cwd, 0
	}
	f, _, err := getFile(dirfd)
	if err != 0 {
		return 0, err
	}
	if f.Kind != fkFSFile || !fs.IsDir(f.Ino) {
		return 0, linux.ENOTDIR
	}
	return f.Ino, 0
}

// lookupAt resolves the (dirfd, path) pair of an *at call.
func lookupAt(dirfd uint64, pathp uintptr, follow bool) (fs.Ino, linux.Errno) {
	path, err := userPath(pathp)
	if err != 0 {
		return 0, err
	}
	dir, err := startDir(dirfd, path)
	if err != 0 {
		return 0, err
	}
	return fs.Lookup(dir, path, follow)
}

// emptyPathAt reports whether an *at call with these flags names dirfd itself.
func emptyPathAt(pathp uintptr, flags uint64) bool {
	return flags&linux.AT_EMPTY_PATH != 0 && pathp != 0 && *(*byte)(unsafe.Pointer(pathp)) == 0
}

// sysOpenat handles openat(2). Paths outside the archive are simply missing (ENOENT),
// which is what the runtime's probes of /sys and /proc expect on a minimal system.
func sysOpenat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	path, err := userPath(uintptr(tf.RSI))
	if err != 0 {
		return 0, err
	}
	flags := uint32(tf.RDX)
	dir, err := startDir(tf.RDI, path)
	if err != 0 {
		return 0, err
	}
	ino, err := fs.Lookup(dir, path, flags&linux.O_NOFOLLOW == 0)
	if err == linux.ENOENT && flags&linux.O_CREAT != 0 && parentExists(dir, path) {
		return 0, linux.EROFS // creating is writing
	}
	if err != 0 {
		return 0, err
	}
	acc := flags & linux.O_ACCMODE
	writes := acc == linux.O_WRONLY || acc == linux.O_RDWR || flags&linux.O_TRUNC != 0
	switch {
	case flags&(linux.O_CREAT|linux.O_EXCL) == linux.O_CREAT|linux.O_EXCL:
		return 0, linux.EEXIST
	case fs.IsSymlink(ino):
		return 0, linux.ELOOP // O_NOFOLLOW on a symlink
	case fs.IsDir(ino) && (writes || flags&linux.O_CREAT != 0):
		return 0, linux.EISDIR
	case !fs.IsDir(ino) && flags&linux.O_DIRECTORY != 0:
		return 0, linux.ENOTDIR
	case writes:
		return 0, linux.EROFS
	}
	fd, f, err := newFD(fkFSFile, linux.O_RDONLY|flags&linux.O_NONBLOCK, flags&linux.O_CLOEXEC != 0)
	if err != 0 {
		return 0, err
	}
	f.Ino, f.Off = ino, 0
	return uintptr(fd), 0
}

// parentExists reports whether the directory that would hold path exists.
func parentExists(dir fs.Ino, path string) bool {
	i := len(path)
	for i > 0 && path[i-1] == '/' {
		i--
	}
	for i > 0 && path[i-1] != '/' {
		i--
	}
	if i == 0 {
		return true // a name in dir itself
	}
	p, err := fs.Lookup(dir, path[:i], true)
	return err == 0 && fs.IsDir(p)
}

// fsRead reads from the file's offset: the fkFSFile case of fileRead.
func fsRead(f *file, p, n uintptr) (uintptr, linux.Errno) {
	got, err := fs.ReadAt(f.Ino, f.Off, unsafe.Slice((*byte)(unsafe.Pointer(p)), n))
	f.Off += uint64(got)
	return uintptr(got), err
}

// sysPread64 handles pread64(2).
func sysPread64(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if f.Kind != fkFSFile {
		return 0, linux.ESPIPE
	}
	if int64(tf.R10) < 0 {
		return 0, linux.EINVAL
	}
	got, err := fs.ReadAt(f.Ino, tf.R10, unsafe.Slice((*byte)(unsafe.Pointer(uintptr(tf.RSI))), tf.RDX))
	return uintptr(got), err
}

// sysLseek handles lseek(2). On a directory the offset is a getdents64 cookie: only
// rewinding to 0, resuming at a d_off, and asking for the current cookie make sense.
func sysLseek(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if f.Kind != fkFSFile {
		return 0, linux.ESPIPE // console, pipes, eventfd, epoll
	}
	off := int64(tf.RSI)
	size := int64(fs.Stat(f.Ino).Size)
	var pos int64
	switch tf.RDX {
	case linux.SEEK_SET:
		pos = off
	case linux.SEEK_CUR:
		pos = int64(f.Off) + off
	case linux.SEEK_END:
		if fs.IsDir(f.Ino) {
			return 0, linux.EINVAL
		}
		pos = size + off
	case linux.SEEK_DATA, linux.SEEK_HOLE: // no holes: data up to the end, one hole after
		if fs.IsDir(f.Ino) || off < 0 || off >= size {
			return 0, linux.ENXIO
		}
		pos = off
		if tf.RDX == linux.SEEK_HOLE {
			pos = size
		}
	default:
		return 0, linux.EINVAL
	}
	if pos < 0 {
		return 0, linux.EINVAL
	}
	f.Off = uint64(pos)
	return uintptr(pos), 0
}

// sysGetdents64 handles getdents64(2): as many whole entries as fit, resuming at the
// file's cookie.
func sysGetdents64(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if f.Kind != fkFSFile || !fs.IsDir(f.Ino) {
		return 0, linux.ENOTDIR
	}
	buf, size := uintptr(tf.RSI), uintptr(uint32(tf.RDX))
	var n uintptr
	for {
		d, ok := fs.ReadDir(f.Ino, f.Off)
		if !ok {
			break
		}
		rl := uintptr(linux.Dirent64Reclen(len(d.Name)))
		if n+rl > size {
			if n == 0 {
				return 0, linux.EINVAL // buffer too small for one entry
			}
			break
		}
		p := buf + n
		zeroBytes(p, rl) // the NUL and the padding
		*(*uint64)(unsafe.Pointer(p + linux.Dirent64InoOff)) = d.Ino
		*(*int64)(unsafe.Pointer(p + linux.Dirent64OffOff)) = int64(d.Next)
		*(*uint16)(unsafe.Pointer(p + linux.Dirent64ReclenOff)) = uint16(rl)
		*(*uint8)(unsafe.Pointer(p + linux.Dirent64TypeOff)) = d.Type
		copyString(p+linux.Dirent64NameOff, d.Name)
		n += rl
		f.Off = d.Next
	}
	return n, 0
}

// fillStat describes inode i in st.
func fillStat(st *linux.Stat_t, i fs.Ino) {
	a := fs.Stat(i)
	*st = linux.Stat_t{}
	st.Dev = fsDev
	st.Ino = a.Ino
	st.Nlink = uint64(a.Nlink)
	st.Mode = a.Mode
	st.Size = int64(a.Size)
	st.Blksize = 4096
	st.Blocks = int64(a.Size+511) / 512
	st.Atim.Sec, st.Mtim.Sec, st.Ctim.Sec = a.Mtime, a.Mtime, a.Mtime
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
	ino, err := lookupAt(dirfd, pathp, flags&linux.AT_SYMLINK_NOFOLLOW == 0)
	if err != 0 {
		return err
	}
	fillStat(st, ino)
	return 0
}

// sysNewfstatat handles newfstatat(2).
func sysNewfstatat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return 0, statAt(tf.RDI, uintptr(tf.RSI), tf.R10, (*linux.Stat_t)(unsafe.Pointer(uintptr(tf.RDX))))
}

// sysStatx handles statx(2): newfstatat's answer in statx's layout. Every basic field
// is filled whatever the mask asks.
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
	sx.Mode = uint16(st.Mode)
	sx.Ino = st.Ino
	sx.Size = uint64(st.Size)
	sx.Blocks = uint64(st.Blocks)
	sx.Atime.Sec, sx.Mtime.Sec, sx.Ctime.Sec = st.Atim.Sec, st.Mtim.Sec, st.Ctim.Sec
	sx.RdevMajor, sx.RdevMinor = uint32(st.Rdev>>8), uint32(st.Rdev&0xff)
	sx.DevMinor = uint32(st.Dev)
	return 0, 0
}

// sysReadlinkat handles readlinkat(2). /proc/self/exe is missing: there is no /proc.
func sysReadlinkat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if int64(tf.R10) <= 0 {
		return 0, linux.EINVAL
	}
	ino, err := lookupAt(tf.RDI, uintptr(tf.RSI), false)
	if err != 0 {
		return 0, err
	}
	target, err := fs.Readlink(ino)
	if err != 0 {
		return 0, err
	}
	n := uintptr(len(target))
	if n > uintptr(tf.R10) {
		n = uintptr(tf.R10) // truncated silently, as on Linux
	}
	copyString(uintptr(tf.RDX), target[:n])
	return n, 0
}

// faccessat is faccessat2(2)'s logic. We are root: reading is always allowed, executing
// needs some x bit (or a directory), and writing fails because the file system is
// read-only.
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
	if mode&linux.W_OK != 0 && st.Dev == fsDev {
		return 0, linux.EROFS // the tree's files; an fd named by AT_EMPTY_PATH may be writable
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

// sysGetcwd handles getcwd(2): the path is rebuilt by walking cwd's parents.
func sysGetcwd(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if tf.RSI == 0 {
		return 0, linux.ERANGE
	}
	buf := unsafe.Slice((*byte)(unsafe.Pointer(uintptr(tf.RDI))), tf.RSI)
	n, err := fs.Path(cwd, buf[:len(buf)-1]) // room for the NUL
	if err != 0 {
		return 0, err
	}
	buf[n] = 0
	return uintptr(n + 1), 0
}

// sysChdir handles chdir(2).
func sysChdir(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	ino, err := lookupAt(atFDCWD, uintptr(tf.RDI), true)
	if err != 0 {
		return 0, err
	}
	if !fs.IsDir(ino) {
		return 0, linux.ENOTDIR
	}
	cwd = ino
	return 0, 0
}

// sysFchdir handles fchdir(2).
func sysFchdir(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if f.Kind != fkFSFile || !fs.IsDir(f.Ino) {
		return 0, linux.ENOTDIR
	}
	cwd = f.Ino
	return 0, 0
}
