package kernel

// File-system system calls, part 4: changing the namespace and attributes. Each handler
// resolves the parent directory and last name with parentAt, refuses "." and ".." with
// the errno Linux gives for that call, and calls one fs operation.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/fs"
)

func isDot(name string) bool { return name == "" || name == "." || name == ".." }

// mkdirAt is mkdirat(2)'s logic.
func mkdirAt(dirfd uint64, pathp uintptr, mode uint64) (uintptr, linux.Errno) {
	dir, name, _, err := parentAt(dirfd, pathp)
	if err != 0 {
		return 0, err
	}
	if isDot(name) {
		return 0, linux.EEXIST
	}
	_, err = fs.Create(fsEnv(), dir, name, linux.S_IFDIR, uint32(mode)&^umask&07777, 0, 0)
	return 0, err
}

// sysMkdirat handles mkdirat(2).
func sysMkdirat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return mkdirAt(tf.RDI, uintptr(tf.RSI), tf.RDX)
}

// sysMkdir handles mkdir(2).
func sysMkdir(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return mkdirAt(atFDCWD, uintptr(tf.RDI), tf.RSI)
}

// unlinkAt is unlinkat(2)'s logic: AT_REMOVEDIR makes it rmdir.
func unlinkAt(dirfd uint64, pathp uintptr, flags uint64) (uintptr, linux.Errno) {
	if flags&^linux.AT_REMOVEDIR != 0 {
		return 0, linux.EINVAL
	}
	dir, name, slash, err := parentAt(dirfd, pathp)
	if err != 0 {
		return 0, err
	}
	e := fsEnv()
	if flags&linux.AT_REMOVEDIR != 0 {
		switch name {
		case "", ".":
			return 0, linux.EINVAL
		case "..":
			return 0, linux.ENOTEMPTY
		}
		return 0, fs.Rmdir(e, dir, name)
	}
	if isDot(name) {
		return 0, linux.EISDIR
	}
	if slash { // "file/": ENOTDIR; "dir/": EISDIR
		n, err := fs.Lookup(e, dir, name, true)
		if err != 0 {
			return 0, err
		}
		if !fs.IsDir(n) {
			return 0, linux.ENOTDIR
		}
		return 0, linux.EISDIR
	}
	return 0, fs.Unlink(e, dir, name)
}

// sysUnlinkat handles unlinkat(2).
func sysUnlinkat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return unlinkAt(tf.RDI, uintptr(tf.RSI), tf.RDX)
}

// sysUnlink handles unlink(2).
func sysUnlink(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return unlinkAt(atFDCWD, uintptr(tf.RDI), 0)
}

// sysRmdir handles rmdir(2).
func sysRmdir(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return unlinkAt(atFDCWD, uintptr(tf.RDI), linux.AT_REMOVEDIR)
}

// renameAt is renameat2(2)'s logic. RENAME_WHITEOUT is for overlay file systems: EINVAL.
func renameAt(olddirfd uint64, oldp uintptr, newdirfd uint64, newp uintptr, flags uint64) (uintptr, linux.Errno) {
	if flags&^(linux.RENAME_NOREPLACE|linux.RENAME_EXCHANGE) != 0 ||
		flags == linux.RENAME_NOREPLACE|linux.RENAME_EXCHANGE {
		return 0, linux.EINVAL
	}
	od, oname, oslash, err := parentAt(olddirfd, oldp)
	if err != 0 {
		return 0, err
	}
	nd, nname, nslash, err := parentAt(newdirfd, newp)
	if err != 0 {
		return 0, err
	}
	if isDot(oname) || isDot(nname) {
		return 0, linux.EBUSY
	}
	e := fsEnv()
	// A trailing slash on either name needs the source to be a directory (on the new
	// name only without EXCHANGE), as in Linux's do_renameat2.
	if oslash || (nslash && flags&linux.RENAME_EXCHANGE == 0) {
		if n, err := fs.Lookup(e, od, oname, false); err == 0 && !fs.IsDir(n) {
			return 0, linux.ENOTDIR
		}
	}
	return 0, fs.Rename(e, od, oname, nd, nname, uint32(flags))
}

// sysRenameat2 handles renameat2(2).
func sysRenameat2(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return renameAt(tf.RDI, uintptr(tf.RSI), tf.RDX, uintptr(tf.R10), tf.R8)
}

// sysRenameat handles renameat(2).
func sysRenameat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return renameAt(tf.RDI, uintptr(tf.RSI), tf.RDX, uintptr(tf.R10), 0)
}

// sysRename handles rename(2).
func sysRename(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return renameAt(atFDCWD, uintptr(tf.RDI), atFDCWD, uintptr(tf.RSI), 0)
}

// linkAt is linkat(2)'s logic: the old name is not followed unless AT_SYMLINK_FOLLOW.
func linkAt(olddirfd uint64, oldp uintptr, newdirfd uint64, newp uintptr, flags uint64) (uintptr, linux.Errno) {
	if flags&^(linux.AT_SYMLINK_FOLLOW|linux.AT_EMPTY_PATH) != 0 {
		return 0, linux.EINVAL
	}
	var old fs.Node
	if emptyPathAt(oldp, flags) {
		f, _, err := getFile(olddirfd)
		if err != 0 {
			return 0, err
		}
		if f.Kind != fkFSFile {
			return 0, linux.ENOENT
		}
		old = f.Node
	} else {
		var err linux.Errno
		if old, err = lookupAt(olddirfd, oldp, flags&linux.AT_SYMLINK_FOLLOW != 0); err != 0 {
			return 0, err
		}
	}
	dir, name, slash, err := parentAt(newdirfd, newp)
	if err != 0 {
		return 0, err
	}
	if err := newNameOK(dir, name, slash); err != 0 {
		return 0, err
	}
	if fs.IsDir(old) {
		return 0, linux.EPERM
	}
	return 0, fs.Link(fsEnv(), old, dir, name)
}

// sysLinkat handles linkat(2).
func sysLinkat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return linkAt(tf.RDI, uintptr(tf.RSI), tf.RDX, uintptr(tf.R10), tf.R8)
}

// sysLink handles link(2).
func sysLink(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return linkAt(atFDCWD, uintptr(tf.RDI), atFDCWD, uintptr(tf.RSI), 0)
}

// newNameOK checks the new name of link or symlink as Linux's filename_create does: a
// dot name or an existing one is EEXIST; a missing one with a trailing slash (a
// directory was asked for) is ENOENT.
func newNameOK(dir fs.Node, name string, slash bool) linux.Errno {
	if isDot(name) {
		return linux.EEXIST
	}
	if slash {
		if _, err := fs.Lookup(fsEnv(), dir, name, false); err == 0 {
			return linux.EEXIST
		}
		return linux.ENOENT
	}
	return 0
}

// symlinkAt is symlinkat(2)'s logic; the target is stored as given.
func symlinkAt(targetp uintptr, dirfd uint64, pathp uintptr) (uintptr, linux.Errno) {
	target, err := userPath(targetp)
	if err != 0 {
		return 0, err
	}
	dir, name, slash, err := parentAt(dirfd, pathp)
	if err != 0 {
		return 0, err
	}
	if err := newNameOK(dir, name, slash); err != 0 {
		return 0, err
	}
	return 0, fs.Symlink(fsEnv(), dir, name, target, 0, 0)
}

// sysSymlinkat handles symlinkat(2).
func sysSymlinkat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return symlinkAt(uintptr(tf.RDI), tf.RSI, uintptr(tf.RDX))
}

// sysSymlink handles symlink(2).
func sysSymlink(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return symlinkAt(uintptr(tf.RDI), atFDCWD, uintptr(tf.RSI))
}

// attrTarget resolves the file an attribute call names: fd's file when the path is NULL
// or empty with AT_EMPTY_PATH (fchmod, futimens), else the path.
func attrTarget(dirfd uint64, pathp uintptr, flags uint64, nullIsFD bool) (fs.Node, linux.Errno) {
	if (pathp == 0 && nullIsFD) || emptyPathAt(pathp, flags) {
		if int32(dirfd) == linux.AT_FDCWD {
			return cwd, 0
		}
		f, _, err := getFile(dirfd)
		if err != 0 {
			return fs.Node{}, err
		}
		n, ok := fileNode(f)
		if !ok {
			return fs.Node{}, linux.EROFS // pipes and the console: nothing to store it in
		}
		return n, 0
	}
	return lookupAt(dirfd, pathp, flags&linux.AT_SYMLINK_NOFOLLOW == 0)
}

// sysFchmodat handles fchmodat(2), which has no flags argument.
func sysFchmodat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return fchmodAt(tf.RDI, uintptr(tf.RSI), tf.RDX, 0)
}

// sysFchmodat2 handles fchmodat2(2).
func sysFchmodat2(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return fchmodAt(tf.RDI, uintptr(tf.RSI), tf.RDX, tf.R10)
}

// fchmodAt is fchmodat2's logic. Symlinks have no mode of their own:
// AT_SYMLINK_NOFOLLOW on one is EOPNOTSUPP, as on Linux.
func fchmodAt(dirfd uint64, pathp uintptr, mode, flags uint64) (uintptr, linux.Errno) {
	if flags&^(linux.AT_SYMLINK_NOFOLLOW|linux.AT_EMPTY_PATH) != 0 {
		return 0, linux.EINVAL
	}
	n, err := attrTarget(dirfd, pathp, flags, false)
	if err != 0 {
		return 0, err
	}
	if fs.IsSymlink(n) {
		return 0, linux.EOPNOTSUPP
	}
	return 0, fs.Chmod(fsEnv(), n, uint32(mode))
}

// sysChmod handles chmod(2).
func sysChmod(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	n, err := lookupAt(atFDCWD, uintptr(tf.RDI), true)
	if err != 0 {
		return 0, err
	}
	return 0, fs.Chmod(fsEnv(), n, uint32(tf.RSI))
}

// sysFchmod handles fchmod(2).
func sysFchmod(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	n, err := attrTarget(tf.RDI, 0, 0, true)
	if err != 0 {
		return 0, err
	}
	return 0, fs.Chmod(fsEnv(), n, uint32(tf.RSI))
}

// chownAt is fchownat(2)'s logic; uid or gid -1 leaves it unchanged.
func chownAt(dirfd uint64, pathp uintptr, uid, gid, flags uint64, nullIsFD bool) (uintptr, linux.Errno) {
	if flags&^(linux.AT_SYMLINK_NOFOLLOW|linux.AT_EMPTY_PATH) != 0 {
		return 0, linux.EINVAL
	}
	n, err := attrTarget(dirfd, pathp, flags, nullIsFD)
	if err != 0 {
		return 0, err
	}
	return 0, fs.Chown(fsEnv(), n, int32(uid), int32(gid))
}

// sysFchownat handles fchownat(2).
func sysFchownat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return chownAt(tf.RDI, uintptr(tf.RSI), tf.RDX, tf.R10, tf.R8, false)
}

// sysChown handles chown(2).
func sysChown(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return chownAt(atFDCWD, uintptr(tf.RDI), tf.RSI, tf.RDX, 0, false)
}

// sysLchown handles lchown(2).
func sysLchown(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return chownAt(atFDCWD, uintptr(tf.RDI), tf.RSI, tf.RDX, linux.AT_SYMLINK_NOFOLLOW, false)
}

// sysFchown handles fchown(2).
func sysFchown(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return chownAt(tf.RDI, 0, tf.RSI, tf.RDX, 0, true)
}

// sysUtimensat handles utimensat(2): times NULL means both now; UTIME_NOW and UTIME_OMIT
// per field; a NULL path means dirfd itself (futimens).
func sysUtimensat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	flags := tf.R10
	if flags&^(linux.AT_SYMLINK_NOFOLLOW|linux.AT_EMPTY_PATH) != 0 {
		return 0, linux.EINVAL
	}
	var now fs.Time
	now.Sec, now.Nsec = dev.Walltime()
	at, mt := now, now
	setA, setM := true, true
	if p := uintptr(tf.RDX); p != 0 {
		ts := (*[2]linux.Timespec)(unsafe.Pointer(p))
		var err linux.Errno
		if at, setA, err = utime(ts[0], now); err != 0 {
			return 0, err
		}
		if mt, setM, err = utime(ts[1], now); err != 0 {
			return 0, err
		}
	}
	n, err := attrTarget(tf.RDI, uintptr(tf.RSI), flags, true)
	if err != 0 {
		return 0, err
	}
	if !setA && !setM {
		return 0, 0
	}
	return 0, fs.SetTimes(fsEnv(), n, at, mt, setA, setM)
}

// utime decodes one timespec of utimensat: the time to set, and whether to set it.
func utime(ts linux.Timespec, now fs.Time) (fs.Time, bool, linux.Errno) {
	switch ts.Nsec {
	case linux.UTIME_OMIT:
		return fs.Time{}, false, 0
	case linux.UTIME_NOW:
		return now, true, 0
	}
	if ts.Nsec < 0 || ts.Nsec >= 1e9 {
		return fs.Time{}, false, linux.EINVAL
	}
	return fs.Time{Sec: ts.Sec, Nsec: int32(ts.Nsec)}, true, 0
}
