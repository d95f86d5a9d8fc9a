package fs

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs/ext2"
	"github.com/unigo-os/unigo/kernel/fs/tmpfs"
)

// The namespace operations take a directory and one name from LookupParent. They check,
// in Linux's order: a name that exists (EEXIST for creation), a read-only mount (EROFS),
// then leave the rest to the file system. A name of "." or ".." is refused by the
// callers with the errno each system call gives.

// Create makes a regular file (typ S_IFREG) or directory (S_IFDIR) called name in dir
// with permission bits perm, owned by uid/gid. tmpfs and ext2 volumes also take S_IFIFO
// and S_IFSOCK.
func Create(e Env, dir Node, name string, typ, perm, uid, gid uint32) (Node, linux.Errno) {
	if _, err := child(e, dir, name); err == 0 {
		return Node{}, linux.EEXIST
	}
	if ReadOnly(dir) {
		return Node{}, linux.EROFS
	}
	if kindOf(dir) == kindExt2 {
		i, err := ext2.Create(ext2Env(e), volOf(dir), ext2Ino(dir), name, typ, perm, uid, gid)
		return ext2Node(dir.Mnt, i, typ), err
	}
	i, err := tmpfs.Create(e.Env, tmpfs.Ino(dir.Ino), name, typ, perm, uid, gid)
	return Node{dir.Mnt, int32(i)}, err
}

// Symlink makes a symlink called name in dir pointing at target.
func Symlink(e Env, dir Node, name, target string, uid, gid uint32) linux.Errno {
	if _, err := child(e, dir, name); err == 0 {
		return linux.EEXIST
	}
	if ReadOnly(dir) {
		return linux.EROFS
	}
	if kindOf(dir) == kindExt2 {
		_, err := ext2.Symlink(ext2Env(e), volOf(dir), ext2Ino(dir), name, target, uid, gid)
		return err
	}
	_, err := tmpfs.Symlink(e.Env, tmpfs.Ino(dir.Ino), name, target, uid, gid)
	return err
}

// Link gives file old a new name in dir: EXDEV across mounts.
func Link(e Env, old Node, dir Node, name string) linux.Errno {
	if _, err := child(e, dir, name); err == 0 {
		return linux.EEXIST
	}
	if old.Mnt != dir.Mnt {
		return linux.EXDEV
	}
	if ReadOnly(dir) {
		return linux.EROFS
	}
	if kindOf(dir) == kindExt2 {
		return ext2.Link(ext2Env(e), volOf(dir), ext2Ino(dir), name, ext2Ino(old))
	}
	return tmpfs.Link(e.Env, tmpfs.Ino(dir.Ino), name, tmpfs.Ino(old.Ino))
}

// Unlink removes name (not a directory) from dir.
func Unlink(e Env, dir Node, name string) linux.Errno {
	if covering(dir, name) != 0 {
		return linux.EISDIR // a mount point is a directory
	}
	if ReadOnly(dir) {
		return linux.EROFS
	}
	if kindOf(dir) == kindExt2 {
		return ext2.Unlink(ext2Env(e), volOf(dir), ext2Ino(dir), name)
	}
	return tmpfs.Unlink(e.Env, tmpfs.Ino(dir.Ino), name)
}

// Rmdir removes the empty directory name from dir; EBUSY for a mount point.
func Rmdir(e Env, dir Node, name string) linux.Errno {
	if covering(dir, name) != 0 {
		return linux.EBUSY
	}
	if ReadOnly(dir) {
		return linux.EROFS
	}
	if kindOf(dir) == kindExt2 {
		return ext2.Rmdir(ext2Env(e), volOf(dir), ext2Ino(dir), name)
	}
	return tmpfs.Rmdir(e.Env, tmpfs.Ino(dir.Ino), name)
}

// Rename renames od/oname to nd/nname (flags: RENAME_NOREPLACE, RENAME_EXCHANGE). EXDEV
// across mounts, EBUSY when either name is a mount point.
func Rename(e Env, od Node, oname string, nd Node, nname string, flags uint32) linux.Errno {
	if od.Mnt != nd.Mnt {
		return linux.EXDEV
	}
	if covering(od, oname) != 0 || covering(nd, nname) != 0 {
		return linux.EBUSY
	}
	if ReadOnly(od) {
		return linux.EROFS
	}
	if kindOf(od) == kindExt2 {
		return ext2.Rename(ext2Env(e), volOf(od), ext2Ino(od), oname, ext2Ino(nd), nname, flags)
	}
	return tmpfs.Rename(e.Env, tmpfs.Ino(od.Ino), oname, tmpfs.Ino(nd.Ino), nname, flags)
}

// Chmod sets n's permission bits.
func Chmod(e Env, n Node, perm uint32) linux.Errno {
	if ReadOnly(n) {
		return linux.EROFS
	}
	if kindOf(n) == kindExt2 {
		return ext2.SetPerm(ext2Env(e), volOf(n), ext2Ino(n), perm)
	}
	tmpfs.SetPerm(e.Env, tmpfs.Ino(n.Ino), perm)
	return 0
}

// Chown sets n's owner and group; -1 leaves one unchanged.
func Chown(e Env, n Node, uid, gid int32) linux.Errno {
	if ReadOnly(n) {
		return linux.EROFS
	}
	if kindOf(n) == kindExt2 {
		return ext2.SetOwner(ext2Env(e), volOf(n), ext2Ino(n), uid, gid)
	}
	tmpfs.SetOwner(e.Env, tmpfs.Ino(n.Ino), uid, gid)
	return 0
}

// SetTimes sets n's access and/or modification times.
func SetTimes(e Env, n Node, atime, mtime tmpfs.Time, setA, setM bool) linux.Errno {
	if ReadOnly(n) {
		return linux.EROFS
	}
	if kindOf(n) == kindExt2 {
		return ext2.SetTimes(ext2Env(e), volOf(n), ext2Ino(n), ext2.Time(atime), ext2.Time(mtime), setA, setM)
	}
	tmpfs.SetTimes(e.Env, tmpfs.Ino(n.Ino), atime, mtime, setA, setM)
	return 0
}
