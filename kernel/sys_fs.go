package kernel

// File-system system calls, part 1: mounting at boot, path arguments, open and the
// current directory. The mechanism is package fs (the mount table over the tar root, the
// /tmp tmpfs and /dev); this file and its siblings decode arguments and keep the fd
// table's side:
//
//	sys_fs.go        mounts, path arguments, openat/open/creat, getcwd/chdir/fchdir, umask
//	sys_fs_io.go     read/write/pread64/pwrite64 on files, lseek, getdents64, truncate, fsync
//	sys_fs_stat.go   the stat family, statfs, readlink, access
//	sys_fs_namei.go  mkdir, unlink, rmdir, rename, link, symlink, chmod, chown, utimensat
//	sys_fs_lock.go   fcntl record locks and flock (accepted: one process, no conflicts)
//	fifo.go          mknod/mknodat, and opening a FIFO as a pipe's file (pipe.go)
//	devfile.go       reads and writes of /dev's devices
//
// An open file of the tree is a file of kind fkFSFile naming its fs.Node; its offset is
// a byte offset for regular files and a ReadDir cookie for directories.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/fs"
	"github.com/unigo-os/unigo/kernel/fs/tmpfs"
	"github.com/unigo-os/unigo/kernel/klog"
	"github.com/unigo-os/unigo/kernel/mm"
)

var (
	// cwd is the current directory, for AT_FDCWD and relative paths; it holds an fs.Ref.
	// Its zero value is fs.RootNode.
	cwd fs.Node
	// umask is applied to the mode of every file and directory created (umask(2)).
	umask uint32 = 022
)

const (
	atFDCWD        = uint64(1<<64 + linux.AT_FDCWD) // AT_FDCWD as a syscall argument register holds it
	pathMax        = 4096                           // PATH_MAX (include/uapi/linux/limits.h), with the NUL
	defaultTmpPath = "/tmp"
	defaultTmpSize = 64 << 20
)

// fsEnv is what package fs needs from the machine (built per call: no stored pointers),
// with /proc's live state (sys_fs_proc.go) and the volumes' disks (blk.go).
func fsEnv() fs.Env {
	return fs.Env{Env: tmpfs.Env{Frames: &frames, Mem: mm.Identity{}, Now: dev.Walltime}, Proc: procSource{}, Disk: volumes{}}
}

// mountRoot mounts the initrd (if any) as "/", a tmpfs at /tmp (kernel option
// unigo.tmpfs=PATH:SIZE changes both) and the device directory at /dev. A broken archive
// stops the machine: carrying on with part of the tree would turn into puzzling ENOENTs.
func mountRoot() {
	if initrdSize != 0 && initrdBase+initrdSize > ramTop {
		klog.Str("unigo: initrd lies outside RAM\n")
		haltWithCode(exitKernelFault)
	}
	path, size := tmpfsOption()
	if err := fs.Setup(fsEnv(), uintptr(initrdBase), initrdSize, path, size); err != 0 {
		klog.Str("unigo: cannot mount the root file system (a usable tar archive?) and a tmpfs at ")
		klog.Str(path)
		klog.Str(": ")
		klog.Str(err.Name())
		klog.Str("\n")
		haltWithCode(exitKernelFault)
	}
}

// initialCwd applies unigo.cwd=PATH (docs/cmdline.md): the program starts in PATH, as one
// started from a shell there would (`unigo test` runs a standard-library package's tests in
// the package's directory of the GOROOT slice it packs). PATH is plain, not
// percent-encoded. A PATH that is not a directory stops the machine before the program
// starts, with exit code 125.
func initialCwd() {
	v, ok := cmdlineOption("unigo.cwd")
	if !ok {
		return
	}
	n, err := fs.Lookup(fsEnv(), fs.RootNode, v, true)
	if err == 0 && !fs.IsDir(n) {
		err = linux.ENOTDIR
	}
	if err != 0 {
		klog.Str("unigo: unigo.cwd=")
		klog.Str(v)
		klog.Str(": ")
		klog.Str(err.Name())
		klog.Str("\n")
		haltWithCode(exitKernelFault)
	}
	setCwd(n)
}

// tmpfsOption decodes unigo.tmpfs=PATH:SIZE (SIZE in bytes, or with K, M or G), falling
// back to /tmp:64M, with a message, when it does not parse.
func tmpfsOption() (string, uint64) {
	v, ok := cmdlineOption("unigo.tmpfs")
	if !ok {
		return defaultTmpPath, defaultTmpSize
	}
	colon := len(v) - 1
	for colon >= 0 && v[colon] != ':' {
		colon--
	}
	if colon > 1 && v[0] == '/' {
		if size, ok := parseSize(v[colon+1:]); ok {
			return v[:colon], size
		}
	}
	klog.Str("unigo: unigo.tmpfs wants PATH:SIZE (like /tmp:64M); using /tmp:64M\n")
	return defaultTmpPath, defaultTmpSize
}

// parseSize decodes a decimal byte count with an optional K, M or G suffix (powers of 2).
func parseSize(s string) (uint64, bool) {
	shift := uint(0)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			shift = 10
		case 'm', 'M':
			shift = 20
		case 'g', 'G':
			shift = 30
		}
		if shift != 0 {
			s = s[:n-1]
		}
	}
	if len(s) == 0 || len(s) > 12 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + uint64(s[i]-'0')
	}
	return v << shift, true
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
func startDir(dirfd uint64, path string) (fs.Node, linux.Errno) {
	if len(path) > 0 && path[0] == '/' {
		return fs.RootNode, 0
	}
	if int32(dirfd) == linux.AT_FDCWD {
		return cwd, 0
	}
	f, _, err := getFile(dirfd)
	if err != 0 {
		return fs.Node{}, err
	}
	if f.Kind != fkFSFile || !fs.IsDir(f.Node) {
		return fs.Node{}, linux.ENOTDIR
	}
	return f.Node, 0
}

// lookupAt resolves the (dirfd, path) pair of an *at call.
func lookupAt(dirfd uint64, pathp uintptr, follow bool) (fs.Node, linux.Errno) {
	path, err := userPath(pathp)
	if err != 0 {
		return fs.Node{}, err
	}
	dir, err := startDir(dirfd, path)
	if err != 0 {
		return fs.Node{}, err
	}
	return fs.Lookup(fsEnv(), dir, path, follow)
}

// parentAt resolves all but the last component of an *at call's path: the directory
// and the last name (see fs.LookupParent).
func parentAt(dirfd uint64, pathp uintptr) (dir fs.Node, name string, slash bool, err linux.Errno) {
	path, err := userPath(pathp)
	if err != 0 {
		return fs.Node{}, "", false, err
	}
	start, err := startDir(dirfd, path)
	if err != 0 {
		return fs.Node{}, "", false, err
	}
	return fs.LookupParent(fsEnv(), start, path)
}

// emptyPathAt reports whether an *at call with these flags names dirfd itself.
func emptyPathAt(pathp uintptr, flags uint64) bool {
	return flags&linux.AT_EMPTY_PATH != 0 && pathp != 0 && *(*byte)(unsafe.Pointer(pathp)) == 0
}

// sysOpenat handles openat(2).
func sysOpenat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return openAt(tf.RDI, uintptr(tf.RSI), uint32(tf.RDX), uint32(tf.R10))
}

// sysOpen handles open(2).
func sysOpen(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return openAt(atFDCWD, uintptr(tf.RDI), uint32(tf.RSI), uint32(tf.RDX))
}

// sysCreat handles creat(2).
func sysCreat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return openAt(atFDCWD, uintptr(tf.RDI), linux.O_CREAT|linux.O_WRONLY|linux.O_TRUNC, uint32(tf.RSI))
}

// openAt is open's logic: find or create the file, check the flags against its type and
// mount, then give it a descriptor. The descriptor is reserved first, so EMFILE leaves
// nothing created or truncated. O_CREAT through a dangling symlink gives ENOENT (Linux
// would create the target). O_PATH and O_TMPFILE are not supported (EINVAL). A FIFO
// opens as a pipe file (fifo.go).
func openAt(dirfd uint64, pathp uintptr, flags, mode uint32) (uintptr, linux.Errno) {
	if flags&(linux.O_PATH|linux.O_TMPFILE&^linux.O_DIRECTORY) != 0 {
		return 0, linux.EINVAL
	}
	if err := fdAvailable(); err != 0 {
		return 0, err
	}
	e := fsEnv()
	n, created, err := openTarget(e, dirfd, pathp, flags, mode)
	if err != 0 {
		return 0, err
	}
	acc := flags & linux.O_ACCMODE
	writes := acc == linux.O_WRONLY || acc == linux.O_RDWR
	typ := fs.Type(n)
	switch {
	case acc == linux.O_ACCMODE:
		return 0, linux.EINVAL
	case typ == linux.S_IFLNK:
		return 0, linux.ELOOP // O_NOFOLLOW on a symlink
	case typ == linux.S_IFDIR && (writes || flags&(linux.O_CREAT|linux.O_TRUNC) != 0):
		return 0, linux.EISDIR
	case typ != linux.S_IFDIR && flags&linux.O_DIRECTORY != 0:
		return 0, linux.ENOTDIR
	case typ == linux.S_IFREG && (writes || flags&linux.O_TRUNC != 0) && fs.ReadOnly(n):
		return 0, linux.EROFS
	case typ == linux.S_IFSOCK:
		return 0, linux.ENXIO // a socket's name is for connect, not open
	case typ == linux.S_IFIFO:
		return fifoOpen(n, flags) // O_TRUNC means nothing to a FIFO; it may wait here
	}
	if typ == linux.S_IFREG && flags&linux.O_TRUNC != 0 && !created {
		if err := truncateFile(e, n, 0); err != 0 {
			return 0, err
		}
	}
	return installOpen(n, flags)
}

// openTarget finds the file open names, creating it for O_CREAT when missing (created
// reports that). With O_CREAT, a trailing slash is EISDIR whatever exists, a symlink in
// the last place is followed to create its target (at most 40 of them), and with O_EXCL
// the symlink itself counts as existing: Linux's rules.
func openTarget(e fs.Env, dirfd uint64, pathp uintptr, flags, mode uint32) (n fs.Node, created bool, err linux.Errno) {
	follow := flags&linux.O_NOFOLLOW == 0
	if flags&linux.O_CREAT == 0 {
		path, err := userPath(pathp)
		if err != 0 {
			return n, false, err
		}
		start, err := startDir(dirfd, path)
		if err != 0 {
			return n, false, err
		}
		n, err = fs.Lookup(e, start, path, follow)
		return n, false, err
	}
	dir, name, slash, err := parentAt(dirfd, pathp)
	for links := 0; ; links++ {
		switch {
		case err != 0:
			return n, false, err
		case slash:
			return n, false, linux.EISDIR
		case name == "":
			return dir, false, 0 // "/"
		}
		n, err = fs.Lookup(e, dir, name, false)
		if err == linux.ENOENT {
			n, err = fs.Create(e, dir, name, linux.S_IFREG, mode&^umask&07777, 0, 0)
			return n, err == 0, err
		}
		if err != 0 || !fs.IsSymlink(n) || !follow || flags&linux.O_EXCL != 0 {
			break
		}
		if links == 40 {
			return n, false, linux.ELOOP
		}
		target, _ := fs.Readlink(e, n)
		dir, name, slash, err = fs.LookupParent(e, dir, target)
	}
	if err == 0 && flags&linux.O_EXCL != 0 {
		return n, false, linux.EEXIST
	}
	return n, false, err
}

// installOpen gives open file n a descriptor, as the file kind its type calls for.
func installOpen(n fs.Node, flags uint32) (uintptr, linux.Errno) {
	kind := uint8(fkFSFile)
	d := fs.DeviceOf(n)
	switch d {
	case fs.DevNone:
	case fs.DevConsole, fs.DevTTY:
		kind = fkConsole
	default:
		kind = fkDevice
	}
	keep := uint32(linux.O_ACCMODE | linux.O_NONBLOCK | linux.O_APPEND)
	fd, f, err := newFD(kind, flags&keep, flags&linux.O_CLOEXEC != 0)
	if err != 0 {
		return 0, err
	}
	f.Node, f.Off, f.Dev = n, 0, uint8(d)
	if kind == fkFSFile {
		fs.Ref(n)
	}
	return uintptr(fd), 0
}

// sysGetcwd handles getcwd(2): the path is rebuilt by walking cwd's parents.
func sysGetcwd(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if tf.RSI == 0 {
		return 0, linux.ERANGE
	}
	buf := unsafe.Slice((*byte)(unsafe.Pointer(uintptr(tf.RDI))), tf.RSI)
	n, err := fs.Path(fsEnv(), cwd, buf[:len(buf)-1]) // room for the NUL
	if err != 0 {
		return 0, err
	}
	buf[n] = 0
	return uintptr(n + 1), 0
}

// setCwd makes n the current directory, moving the reference that keeps it alive.
func setCwd(n fs.Node) {
	fs.Ref(n)
	fs.Release(fsEnv(), cwd)
	cwd = n
}

// sysChdir handles chdir(2).
func sysChdir(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	n, err := lookupAt(atFDCWD, uintptr(tf.RDI), true)
	if err != 0 {
		return 0, err
	}
	if !fs.IsDir(n) {
		return 0, linux.ENOTDIR
	}
	setCwd(n)
	return 0, 0
}

// sysFchdir handles fchdir(2).
func sysFchdir(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if f.Kind != fkFSFile || !fs.IsDir(f.Node) {
		return 0, linux.ENOTDIR
	}
	setCwd(f.Node)
	return 0, 0
}

// sysUmask handles umask(2).
func sysUmask(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	old := umask
	umask = uint32(tf.RDI) & 0777
	return uintptr(old), 0
}
