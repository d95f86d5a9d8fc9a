package ext2

import "github.com/unigo-os/unigo/kernel/abi/linux"

// The namespace operations take a directory and one name component (never "", "." or
// "..": the callers refuse those). Each allocates what it needs before it links the new
// name, so ENOSPC leaves the volume as it was.

// checkNew reads directory dir into d for adding name: EROFS, ENAMETOOLONG, ENOTDIR,
// ENOENT (a removed directory), EEXIST.
func (v *volume) checkNew(e Env, vol int, dir Ino, name string, d *inode) linux.Errno {
	if v.ReadOnly {
		return linux.EROFS
	}
	if len(name) > maxName {
		return linux.ENAMETOOLONG
	}
	if err := v.readInode(e, vol, dir, d); err != 0 {
		return err
	}
	if !d.isDir() {
		return linux.ENOTDIR
	}
	if d.links() == 0 {
		return linux.ENOENT
	}
	if d.flags()&flagImmutable != 0 {
		return linux.EPERM
	}
	if _, _, _, err := v.dirFind(e, vol, d, name); err != linux.ENOENT {
		if err == 0 {
			return linux.EEXIST
		}
		return err
	}
	return v.beginWrite(e, vol)
}

// Create makes a file of type typ (S_IFREG, S_IFDIR, S_IFIFO or S_IFSOCK) called name in
// dir, with permission bits perm, owned by uid/gid.
//
// Errors: EEXIST, ENOENT (dir removed), ENOTDIR, ENAMETOOLONG, EROFS, ENOSPC (no inode,
// or no block for the directory: nothing is created), EMLINK (dir has 32000 links),
// EINVAL for another type, EIO.
func Create(e Env, vol int, dir Ino, name string, typ, perm, uid, gid uint32) (Ino, linux.Errno) {
	switch typ {
	case linux.S_IFREG, linux.S_IFDIR, linux.S_IFIFO, linux.S_IFSOCK:
	default:
		return 0, linux.EINVAL
	}
	e.Disk.Lock(vol)
	r0, r1 := createLocked(e, vol, dir, name, typ, perm, uid, gid)
	e.Disk.Unlock(vol)
	return r0, r1
}

// createLocked is Create, with the volume's lock held.
func createLocked(e Env, vol int, dir Ino, name string, typ, perm, uid, gid uint32) (Ino, linux.Errno) {
	v := &vols[vol]
	var d, n inode
	if err := v.checkNew(e, vol, dir, name, &d); err != 0 {
		return 0, err
	}
	isDir := typ == linux.S_IFDIR
	if isDir && d.links() >= linkMax {
		return 0, linux.EMLINK
	}
	ino, err := v.allocInode(e, vol, dir, isDir)
	if err != 0 {
		return 0, err
	}
	v.newInode(e, &n, ino, typ|perm&07777, uid, gid)
	if isDir {
		n.setLinks(2)
		goal := v.goal(e, vol, &n, 0)
		blk, _, err := v.bmapAlloc(e, vol, &n, 0, &goal)
		if err != 0 {
			v.freeInode(e, vol, ino, true)
			return 0, err
		}
		i, err := v.getNew(e, vol, blk)
		if err != 0 {
			v.freeBlock(e, vol, blk)
			v.freeInode(e, vol, ino, true)
			return 0, err
		}
		putDots(v.bytes(e, i), ino, dir, v.fileType(linux.S_IFDIR))
		n.setSize(uint64(v.BlockSize))
	}
	if err := v.writeInode(e, vol, &n); err != 0 {
		return 0, err
	}
	if err := v.dirAdd(e, vol, &d, name, ino, v.fileType(typ)); err != 0 {
		v.undoCreate(e, vol, &n)
		return 0, err
	}
	if isDir {
		d.setLinks(d.links() + 1) // the new directory's ".."
		if err := v.writeInode(e, vol, &d); err != 0 {
			return 0, err
		}
	}
	return ino, 0
}

// undoCreate frees inode n, made for a name that could not be linked.
func (v *volume) undoCreate(e Env, vol int, n *inode) {
	n.setLinks(0)
	v.freeIfDead(e, vol, n)
}

// Symlink makes a symbolic link called name in dir pointing at target: in i_block when
// it is shorter than 60 bytes, else in a block of its own. ENAMETOOLONG when the target
// (with its NUL) does not fit a block or PATH_MAX; ENOENT for an empty one; otherwise as
// Create.
func Symlink(e Env, vol int, dir Ino, name, target string, uid, gid uint32) (Ino, linux.Errno) {
	v := &vols[vol]
	if len(target) >= 4096 || len(target) >= int(v.BlockSize) {
		return 0, linux.ENAMETOOLONG
	}
	if len(target) == 0 {
		return 0, linux.ENOENT
	}
	e.Disk.Lock(vol)
	r0, r1 := symlinkLocked(e, vol, dir, name, target, uid, gid)
	e.Disk.Unlock(vol)
	return r0, r1
}

// symlinkLocked is Symlink, with the volume's lock held.
func symlinkLocked(e Env, vol int, dir Ino, name, target string, uid, gid uint32) (Ino, linux.Errno) {
	v := &vols[vol]
	var d, n inode
	if err := v.checkNew(e, vol, dir, name, &d); err != 0 {
		return 0, err
	}
	ino, err := v.allocInode(e, vol, dir, false)
	if err != 0 {
		return 0, err
	}
	v.newInode(e, &n, ino, linux.S_IFLNK|0777, uid, gid)
	if len(target) < fastSymlinkMax {
		copy(n.Raw[inBlock:], target)
	} else {
		goal := v.goal(e, vol, &n, 0)
		blk, _, err := v.bmapAlloc(e, vol, &n, 0, &goal)
		var i int32
		if err == 0 {
			if i, err = v.getNew(e, vol, blk); err != 0 {
				v.freeBlock(e, vol, blk)
			}
		}
		if err != 0 {
			v.freeInode(e, vol, ino, false)
			return 0, err
		}
		copy(v.bytes(e, i), target)
	}
	put32(n.Raw[:], inSize, uint32(len(target)))
	if err := v.writeInode(e, vol, &n); err != 0 {
		return 0, err
	}
	if err := v.dirAdd(e, vol, &d, name, ino, v.fileType(linux.S_IFLNK)); err != 0 {
		v.undoCreate(e, vol, &n)
		return 0, err
	}
	return ino, 0
}

// Readlink copies symlink ino's target into buf and returns its length. EINVAL if ino
// is not a symlink, ENAMETOOLONG if buf is too small.
func Readlink(e Env, vol int, ino Ino, buf []byte) (int, linux.Errno) {
	e.Disk.Lock(vol)
	r0, r1 := readlinkLocked(e, vol, ino, buf)
	e.Disk.Unlock(vol)
	return r0, r1
}

// readlinkLocked is Readlink, with the volume's lock held.
func readlinkLocked(e Env, vol int, ino Ino, buf []byte) (int, linux.Errno) {
	v := &vols[vol]
	var n inode
	if err := v.readInode(e, vol, ino, &n); err != 0 {
		return 0, err
	}
	if n.typ() != linux.S_IFLNK {
		return 0, linux.EINVAL
	}
	size := n.size()
	if size > uint64(len(buf)) {
		return 0, linux.ENAMETOOLONG
	}
	if v.isFastSymlink(&n) {
		if size > 4*15 {
			return 0, linux.EIO
		}
		return copy(buf, n.Raw[inBlock:inBlock+size]), 0
	}
	if size >= uint64(v.BlockSize) {
		return 0, linux.EIO
	}
	blk, _, err := v.bmap(e, vol, &n, 0)
	if err != 0 || blk == 0 {
		return 0, linux.EIO
	}
	i, err := v.get(e, vol, blk)
	if err != 0 {
		return 0, err
	}
	return copy(buf, v.bytes(e, i)[:size]), 0
}

// Link gives inode ino a further name in dir. EPERM for a directory, ENOENT if ino has no
// name left (an unlinked open file), EMLINK at 32000 links; otherwise as Create.
func Link(e Env, vol int, dir Ino, name string, ino Ino) linux.Errno {
	e.Disk.Lock(vol)
	r0 := linkLocked(e, vol, dir, name, ino)
	e.Disk.Unlock(vol)
	return r0
}

// linkLocked is Link, with the volume's lock held.
func linkLocked(e Env, vol int, dir Ino, name string, ino Ino) linux.Errno {
	v := &vols[vol]
	var d, n inode
	if err := v.checkNew(e, vol, dir, name, &d); err != 0 {
		return err
	}
	if err := v.readInode(e, vol, ino, &n); err != 0 {
		return err
	}
	switch {
	case n.isDir() || n.pinned():
		return linux.EPERM
	case n.links() == 0:
		return linux.ENOENT
	case n.links() >= linkMax:
		return linux.EMLINK
	}
	if err := v.dirAdd(e, vol, &d, name, ino, v.fileType(n.mode())); err != 0 {
		return err
	}
	n.setLinks(n.links() + 1)
	n.setTime(inCtime, inCtimeExtra, e.now())
	return v.writeInode(e, vol, &n)
}

// findChild reads directory dir into d and its entry name into n, with the entry's
// position.
func (v *volume) findChild(e Env, vol int, dir Ino, name string, d, n *inode) (uint64, linux.Errno) {
	if err := v.readInode(e, vol, dir, d); err != 0 {
		return 0, err
	}
	if !d.isDir() {
		return 0, linux.ENOTDIR
	}
	ino, _, pos, err := v.dirFind(e, vol, d, name)
	if err != 0 {
		return 0, err
	}
	return pos, v.readInode(e, vol, ino, n)
}

// Unlink removes the name of a non-directory from dir. ENOENT if missing, EISDIR for a
// directory. The inode lives on while it is held open (Ref).
func Unlink(e Env, vol int, dir Ino, name string) linux.Errno {
	e.Disk.Lock(vol)
	r0 := unlinkLocked(e, vol, dir, name)
	e.Disk.Unlock(vol)
	return r0
}

// unlinkLocked is Unlink, with the volume's lock held.
func unlinkLocked(e Env, vol int, dir Ino, name string) linux.Errno {
	v := &vols[vol]
	if v.ReadOnly {
		return linux.EROFS
	}
	var d, n inode
	pos, err := v.findChild(e, vol, dir, name, &d, &n)
	if err != 0 {
		return err
	}
	if n.isDir() {
		return linux.EISDIR
	}
	if n.pinned() || d.pinned() {
		return linux.EPERM
	}
	if err := v.beginWrite(e, vol); err != 0 {
		return err
	}
	if err := v.dirRemove(e, vol, &d, pos); err != 0 {
		return err
	}
	return v.dropLink(e, vol, &n)
}

// dropLink removes one name of non-directory n and frees it if that was the last.
func (v *volume) dropLink(e Env, vol int, n *inode) linux.Errno {
	if n.links() > 0 {
		n.setLinks(n.links() - 1)
	}
	n.setTime(inCtime, inCtimeExtra, e.now())
	return v.freeIfDead(e, vol, n)
}

// Rmdir removes the empty directory name from dir: ENOENT if missing, ENOTDIR if it is
// not a directory, ENOTEMPTY if it has entries.
func Rmdir(e Env, vol int, dir Ino, name string) linux.Errno {
	e.Disk.Lock(vol)
	r0 := rmdirLocked(e, vol, dir, name)
	e.Disk.Unlock(vol)
	return r0
}

// rmdirLocked is Rmdir, with the volume's lock held.
func rmdirLocked(e Env, vol int, dir Ino, name string) linux.Errno {
	v := &vols[vol]
	if v.ReadOnly {
		return linux.EROFS
	}
	var d, n inode
	pos, err := v.findChild(e, vol, dir, name, &d, &n)
	if err != 0 {
		return err
	}
	if !n.isDir() {
		return linux.ENOTDIR
	}
	if n.pinned() || d.pinned() {
		return linux.EPERM
	}
	if empty, err := v.dirEmpty(e, vol, &n); err != 0 || !empty {
		if err != 0 {
			return err
		}
		return linux.ENOTEMPTY
	}
	if err := v.beginWrite(e, vol); err != 0 {
		return err
	}
	if err := v.dirRemove(e, vol, &d, pos); err != 0 {
		return err
	}
	return v.dropDir(e, vol, &d, &n)
}

// dropDir finishes removing directory n's name from parent d: d loses the link from n's
// "..", and n is freed unless someone holds it.
func (v *volume) dropDir(e Env, vol int, d, n *inode) linux.Errno {
	if d.links() > 2 {
		d.setLinks(d.links() - 1)
	}
	if err := v.writeInode(e, vol, d); err != 0 {
		return err
	}
	n.setLinks(0)
	n.setTime(inCtime, inCtimeExtra, e.now())
	return v.freeIfDead(e, vol, n)
}

// isAncestor reports whether directory a is d or one of d's ancestors (by "..").
func (v *volume) isAncestor(e Env, vol int, a, d Ino) (bool, linux.Errno) {
	for hops := uint32(0); hops <= v.Inodes; hops++ {
		if d == a {
			return true, 0
		}
		if d == Root {
			return false, 0
		}
		var n inode
		if err := v.readInode(e, vol, d, &n); err != 0 {
			return false, err
		}
		p, _, err := v.dotdot(e, vol, &n)
		if err != 0 {
			return false, err
		}
		d = p
	}
	return false, linux.EIO // a loop of ".."
}
