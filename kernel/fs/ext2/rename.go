package ext2

import "github.com/unigo-os/unigo/kernel/abi/linux"

// Rename renames od/oname to nd/nname with Linux's rules: replacing a file by a file
// and a directory by an empty directory; RENAME_NOREPLACE fails with EEXIST when the
// new name exists; RENAME_EXCHANGE swaps two existing names. The new name is linked
// before the old one is removed.
//
// Errors: ENOENT (no old name; with EXCHANGE, no new name), EINVAL (moving a directory
// into itself or below), ENOTDIR/EISDIR (directory over non-directory and the reverse),
// ENOTEMPTY (replacing a non-empty directory), ENOSPC (nd needs a block and none is
// left: nothing changed), EMLINK (nd has 32000 links), ENAMETOOLONG, EROFS, EIO.
func Rename(e Env, vol int, od Ino, oname string, nd Ino, nname string, flags uint32) linux.Errno {
	e.Disk.Lock(vol)
	err := renameLocked(e, vol, od, oname, nd, nname, flags)
	e.Disk.Unlock(vol)
	return err
}

// renameLocked is Rename, with the volume's lock held.
func renameLocked(e Env, vol int, od Ino, oname string, nd Ino, nname string, flags uint32) linux.Errno {
	v := &vols[vol]
	if v.ReadOnly {
		return linux.EROFS
	}
	if len(nname) > maxName {
		return linux.ENAMETOOLONG
	}
	var odi, ndi, s, t inode
	os, err := v.findChild(e, vol, od, oname, &odi, &s)
	if err != 0 {
		return err
	}
	if err := v.readInode(e, vol, nd, &ndi); err != 0 {
		return err
	}
	if !ndi.isDir() {
		return linux.ENOTDIR
	}
	if ndi.links() == 0 {
		return linux.ENOENT
	}
	dst, _, ns, derr := v.dirFind(e, vol, &ndi, nname)
	if derr != 0 && derr != linux.ENOENT {
		return derr
	}
	if derr == 0 {
		if err := v.readInode(e, vol, dst, &t); err != 0 {
			return err
		}
		if t.pinned() && s.Ino != dst {
			return linux.EPERM
		}
	}
	if s.pinned() || odi.pinned() || ndi.flags()&flagImmutable != 0 || (derr == 0 && ndi.pinned()) {
		return linux.EPERM // chattr +i or +a on what loses or changes a name
	}
	if flags&linux.RENAME_EXCHANGE != 0 {
		if derr != 0 {
			return derr
		}
		return v.exchange(e, vol, &odi, os, &s, &ndi, ns, &t)
	}
	srcDir := s.isDir()
	if srcDir {
		if in, err := v.isAncestor(e, vol, s.Ino, nd); err != 0 || in {
			if err != 0 {
				return err
			}
			return linux.EINVAL
		}
	}
	if derr == 0 {
		if s.Ino == dst {
			return 0 // two names of one inode (or the same name): Linux does nothing
		}
		if flags&linux.RENAME_NOREPLACE != 0 {
			return linux.EEXIST
		}
		dstDir := t.isDir()
		switch {
		case srcDir && !dstDir:
			return linux.ENOTDIR
		case !srcDir && dstDir:
			return linux.EISDIR
		}
		if dstDir {
			empty, err := v.dirEmpty(e, vol, &t)
			if err != 0 {
				return err
			}
			if !empty {
				return linux.ENOTEMPTY
			}
		}
		if err := v.beginWrite(e, vol); err != 0 {
			return err
		}
		// Point the existing record at src: no allocation, so no ENOSPC from here on.
		if err := v.dirSet(e, vol, &ndi, ns, s.Ino, v.fileType(s.mode())); err != 0 {
			return err
		}
		if dstDir {
			if err := v.dropDir(e, vol, &ndi, &t); err != 0 {
				return err
			}
		} else if err := v.dropLink(e, vol, &t); err != 0 {
			return err
		}
	} else {
		if srcDir && od != nd && ndi.links() >= linkMax {
			return linux.EMLINK
		}
		if err := v.beginWrite(e, vol); err != 0 {
			return err
		}
		if err := v.dirAdd(e, vol, &ndi, nname, s.Ino, v.fileType(s.mode())); err != 0 {
			return err
		}
	}
	if od == nd {
		odi = ndi
	}
	if err := v.dirRemove(e, vol, &odi, os); err != 0 {
		return err
	}
	if od == nd {
		ndi = odi
	}
	if srcDir && od != nd {
		if err := v.reparent(e, vol, &s, &odi, &ndi); err != 0 {
			return err
		}
	}
	s.setTime(inCtime, inCtimeExtra, e.now())
	return v.writeInode(e, vol, &s)
}

// reparent moves directory s from parent from to parent to: its ".." and both parents'
// link counts.
func (v *volume) reparent(e Env, vol int, s, from, to *inode) linux.Errno {
	_, pos, err := v.dotdot(e, vol, s)
	if err != 0 {
		return err
	}
	if err := v.dirSet(e, vol, s, pos, to.Ino, v.fileType(linux.S_IFDIR)); err != 0 {
		return err
	}
	if from.links() > 2 {
		from.setLinks(from.links() - 1)
	}
	to.setLinks(to.links() + 1)
	if err := v.writeInode(e, vol, from); err != 0 {
		return err
	}
	return v.writeInode(e, vol, to)
}

// exchange swaps the inodes behind two records (RENAME_EXCHANGE): s at os of od, t at
// ns of nd.
func (v *volume) exchange(e Env, vol int, od *inode, os uint64, s *inode, nd *inode, ns uint64, t *inode) linux.Errno {
	if s.Ino == t.Ino {
		return 0
	}
	srcDir, dstDir := s.isDir(), t.isDir()
	if srcDir {
		if in, err := v.isAncestor(e, vol, s.Ino, nd.Ino); err != 0 || in {
			if err != 0 {
				return err
			}
			return linux.EINVAL
		}
	}
	if dstDir {
		if in, err := v.isAncestor(e, vol, t.Ino, od.Ino); err != 0 || in {
			if err != 0 {
				return err
			}
			return linux.EINVAL
		}
	}
	if err := v.beginWrite(e, vol); err != 0 {
		return err
	}
	same := od.Ino == nd.Ino
	if err := v.dirSet(e, vol, od, os, t.Ino, v.fileType(t.mode())); err != 0 {
		return err
	}
	if same {
		*nd = *od
	}
	if err := v.dirSet(e, vol, nd, ns, s.Ino, v.fileType(s.mode())); err != 0 {
		return err
	}
	if same {
		*od = *nd
	} else {
		if srcDir {
			if err := v.reparent(e, vol, s, od, nd); err != 0 {
				return err
			}
		}
		if dstDir {
			if err := v.reparent(e, vol, t, nd, od); err != 0 {
				return err
			}
		}
	}
	now := e.now()
	s.setTime(inCtime, inCtimeExtra, now)
	t.setTime(inCtime, inCtimeExtra, now)
	if err := v.writeInode(e, vol, s); err != 0 {
		return err
	}
	return v.writeInode(e, vol, t)
}
