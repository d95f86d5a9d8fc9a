package tmpfs

import "github.com/unigo-os/unigo/kernel/abi/linux"

// Type bits accepted by Create.
const (
	TypeReg  = linux.S_IFREG
	TypeDir  = linux.S_IFDIR
	TypeFIFO = linux.S_IFIFO
	TypeSock = linux.S_IFSOCK
)

// Create makes a regular file (typ TypeReg), a directory (TypeDir), a named pipe
// (TypeFIFO) or a socket name (TypeSock) called name in dir, with permission bits perm
// (the caller has applied the umask).
//
// Errors: EEXIST if the name is taken, ENOENT if dir has been removed, ENOTDIR if dir is
// not a directory, ENOSPC when the inode table or the size limit is exhausted (nothing
// is created then), EMLINK past 2^32 subdirectories, EINVAL for another type.
func Create(e Env, dir Ino, name string, typ, perm, uid, gid uint32) (Ino, linux.Errno) {
	var kind uint8
	switch typ {
	case TypeReg:
		kind = kReg
	case TypeDir:
		kind = kDir
	case TypeFIFO:
		kind = kFIFO
	case TypeSock:
		kind = kSock
	default:
		return 0, linux.EINVAL
	}
	if err := checkNew(e, dir, name); err != 0 {
		return 0, err
	}
	if kind == kDir && inodes[dir].Nlink == ^uint32(0) {
		return 0, linux.EMLINK
	}
	i, err := allocInode(e, kind, perm, uid, gid)
	if err != 0 {
		return 0, err
	}
	if err := addEntry(e, dir, name, i); err != 0 {
		inodes[i].Nlink = 0
		freeInodeIfDead(e, i)
		return 0, err
	}
	if kind == kDir {
		inodes[i].Nlink, inodes[i].Parent = 2, dir
		inodes[dir].Nlink++ // the new directory's ".."
	}
	return i, 0
}

// checkNew validates that name can be added to dir.
func checkNew(e Env, dir Ino, name string) linux.Errno {
	d := &inodes[dir]
	if d.Kind != kDir {
		return linux.ENOTDIR
	}
	if d.Nlink == 0 {
		return linux.ENOENT // a removed directory takes no new entries
	}
	if _, _, err := find(e, dir, name); err == 0 {
		return linux.EEXIST
	}
	return 0
}

// Symlink makes a symbolic link called name in dir pointing at target (stored as given,
// never resolved here). ENAMETOOLONG for a target of PATH_MAX bytes or more; otherwise
// as Create.
func Symlink(e Env, dir Ino, name, target string, uid, gid uint32) (Ino, linux.Errno) {
	if len(target) >= 4096 {
		return 0, linux.ENAMETOOLONG
	}
	if len(target) == 0 {
		return 0, linux.ENOENT
	}
	if err := checkNew(e, dir, name); err != 0 {
		return 0, err
	}
	i, err := allocInode(e, kSymlink, 0777, uid, gid)
	if err != 0 {
		return 0, err
	}
	n := &inodes[i]
	pa, err := n.block(e, 0, true)
	if err == 0 {
		err = addEntry(e, dir, name, i)
	}
	if err != 0 {
		n.Nlink = 0
		freeInodeIfDead(e, i)
		return 0, err
	}
	copy(frameBytes(e, pa), target)
	n.Size = uint64(len(target))
	return i, 0
}

// Readlink returns symlink i's target, as a view of its block (valid until the link is
// removed); EINVAL if i is not a symlink.
func Readlink(e Env, i Ino) (string, linux.Errno) {
	n := &inodes[i]
	if n.Kind != kSymlink {
		return "", linux.EINVAL
	}
	return strAt(e, n.Direct[0], int(n.Size)), 0
}

// Link gives inode i a further name in dir. EPERM for a directory, ENOENT if i has no
// name left (an unlinked open file), EMLINK past 2^32 links; otherwise as Create.
func Link(e Env, dir Ino, name string, i Ino) linux.Errno {
	n := &inodes[i]
	switch {
	case n.Kind == kDir:
		return linux.EPERM
	case n.Nlink == 0:
		return linux.ENOENT
	case n.Nlink == ^uint32(0):
		return linux.EMLINK
	}
	if err := checkNew(e, dir, name); err != 0 {
		return err
	}
	if err := addEntry(e, dir, name, i); err != 0 {
		return err
	}
	n.Nlink++
	n.Ctime = e.now()
	return 0
}

// Unlink removes the name of a non-directory from dir. ENOENT if missing, EISDIR for a
// directory (Linux's unlink answer). The inode lives on while it is held open.
func Unlink(e Env, dir Ino, name string) linux.Errno {
	s, i, err := find(e, dir, name)
	if err != 0 {
		return err
	}
	if inodes[i].Kind == kDir {
		return linux.EISDIR
	}
	removeSlot(e, dir, s)
	dropLink(e, i)
	return 0
}

// Rmdir removes the empty directory called name from dir: ENOENT if missing, ENOTDIR
// if it is not a directory, ENOTEMPTY if it has entries.
func Rmdir(e Env, dir Ino, name string) linux.Errno {
	s, i, err := find(e, dir, name)
	if err != 0 {
		return err
	}
	if inodes[i].Kind != kDir {
		return linux.ENOTDIR
	}
	if inodes[i].Entries != 0 {
		return linux.ENOTEMPTY
	}
	removeSlot(e, dir, s)
	inodes[dir].Nlink--
	inodes[i].Nlink = 0
	inodes[i].Ctime = e.now()
	freeInodeIfDead(e, i)
	return 0
}

// dropLink removes one name of non-directory i.
func dropLink(e Env, i Ino) {
	inodes[i].Nlink--
	inodes[i].Ctime = e.now()
	freeInodeIfDead(e, i)
}

// IsAncestor reports whether directory a is d or one of d's ancestors.
func IsAncestor(a, d Ino) bool {
	for {
		if d == a {
			return true
		}
		if d == Root {
			return false
		}
		d = inodes[d].Parent
	}
}

// Rename renames od/oname to nd/nname with Linux's rules: replacing a file by a file
// and a directory by an empty directory; RENAME_NOREPLACE fails with EEXIST when the
// new name exists; RENAME_EXCHANGE swaps two existing names.
//
// Errors: ENOENT (no old name; with EXCHANGE, no new name), EINVAL (moving a directory
// into itself or below), ENOTDIR/EISDIR (directory over non-directory and the reverse),
// ENOTEMPTY (replacing a non-empty directory), ENOSPC (nd needs a block and none is
// left: nothing changed).
func Rename(e Env, od Ino, oname string, nd Ino, nname string, flags uint32) linux.Errno {
	os, src, err := find(e, od, oname)
	if err != 0 {
		return err
	}
	if inodes[nd].Nlink == 0 {
		return linux.ENOENT
	}
	ns, dst, derr := find(e, nd, nname)
	if flags&linux.RENAME_EXCHANGE != 0 {
		if derr != 0 {
			return derr
		}
		return exchange(e, od, os, src, nd, ns, dst)
	}
	srcDir := inodes[src].Kind == kDir
	if srcDir && IsAncestor(src, nd) {
		return linux.EINVAL
	}
	if derr == 0 {
		if src == dst {
			return 0 // two names of one inode (or the same name): Linux does nothing
		}
		if flags&linux.RENAME_NOREPLACE != 0 {
			return linux.EEXIST
		}
		dstDir := inodes[dst].Kind == kDir
		switch {
		case srcDir && !dstDir:
			return linux.ENOTDIR
		case !srcDir && dstDir:
			return linux.EISDIR
		case dstDir && inodes[dst].Entries != 0:
			return linux.ENOTEMPTY
		}
		if dstDir && IsAncestor(dst, od) {
			return linux.ENOTEMPTY // dst holds src, so it is not empty
		}
		// Point the existing record at src: no allocation, so no ENOSPC after this.
		pa, _ := inodes[nd].record(e, ns, false)
		setRecIno(e, pa, src)
		touch(e, nd)
		if dstDir {
			inodes[nd].Nlink--
			inodes[dst].Nlink = 0
			inodes[dst].Ctime = e.now()
			freeInodeIfDead(e, dst)
		} else {
			dropLink(e, dst)
		}
	} else if err := addEntry(e, nd, nname, src); err != 0 {
		return err
	}
	removeSlot(e, od, os)
	if srcDir && od != nd {
		inodes[src].Parent = nd
		inodes[od].Nlink--
		inodes[nd].Nlink++
	}
	inodes[src].Ctime = e.now()
	return 0
}

// exchange swaps the inodes behind two records (RENAME_EXCHANGE).
func exchange(e Env, od Ino, os uint64, src Ino, nd Ino, ns uint64, dst Ino) linux.Errno {
	if src == dst {
		return 0
	}
	srcDir, dstDir := inodes[src].Kind == kDir, inodes[dst].Kind == kDir
	if (srcDir && IsAncestor(src, nd)) || (dstDir && IsAncestor(dst, od)) {
		return linux.EINVAL
	}
	opa, _ := inodes[od].record(e, os, false)
	npa, _ := inodes[nd].record(e, ns, false)
	setRecIno(e, opa, dst)
	setRecIno(e, npa, src)
	if od != nd {
		if srcDir {
			inodes[src].Parent = nd
			inodes[od].Nlink--
			inodes[nd].Nlink++
		}
		if dstDir {
			inodes[dst].Parent = od
			inodes[nd].Nlink--
			inodes[od].Nlink++
		}
	}
	t := e.now()
	inodes[src].Ctime, inodes[dst].Ctime = t, t
	touch(e, od)
	touch(e, nd)
	return 0
}
