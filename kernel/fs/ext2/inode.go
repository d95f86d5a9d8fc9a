package ext2

import "github.com/unigo-os/unigo/kernel/abi/linux"

// Ino is an inode number as on disk: the root directory is 2.
type Ino = uint32

// Root is the root directory's inode number.
const Root Ino = rootIno

// inode is a working copy of an on-disk inode: operations read it, change it and write
// it back (readInode/writeInode), so no view of the inode table is held across disk
// reads. Raw keeps every byte, including the fields this code does not interpret.
type inode struct {
	Ino Ino
	Big bool // 256-byte inodes: nanoseconds and creation time in the extra fields
	Raw [256]byte
}

// inodeLoc returns the block and offset of inode ino in its group's table.
func (v *volume) inodeLoc(e Env, vol int, ino Ino) (uint32, int, linux.Errno) {
	if ino == 0 || ino > v.Inodes {
		return 0, 0, linux.EIO
	}
	g, idx := (ino-1)/v.InodesPerGroup, (ino-1)%v.InodesPerGroup
	table, err := v.gdGet(e, vol, g, gdInodeTable)
	if err != 0 {
		return 0, 0, err
	}
	off := idx * v.InodeSize
	return table + off>>v.Shift, int(off & (v.BlockSize - 1)), 0
}

func (v *volume) readInode(e Env, vol int, ino Ino, n *inode) linux.Errno {
	blk, off, err := v.inodeLoc(e, vol, ino)
	if err != 0 {
		return err
	}
	i, err := v.get(e, vol, blk)
	if err != 0 {
		return err
	}
	n.Ino, n.Big = ino, v.InodeSize > goodOldInodeSize
	copy(n.Raw[:v.InodeSize], v.bytes(e, i)[off:])
	return 0
}

func (v *volume) writeInode(e Env, vol int, n *inode) linux.Errno {
	blk, off, err := v.inodeLoc(e, vol, n.Ino)
	if err != 0 {
		return err
	}
	i, err := v.get(e, vol, blk)
	if err != 0 {
		return err
	}
	copy(v.bytes(e, i)[off:off+int(v.InodeSize)], n.Raw[:v.InodeSize])
	v.dirty(i)
	return 0
}

func (n *inode) mode() uint32          { return le16(n.Raw[:], inMode) }
func (n *inode) typ() uint32           { return n.mode() & linux.S_IFMT }
func (n *inode) isDir() bool           { return n.typ() == linux.S_IFDIR }
func (n *inode) links() uint32         { return le16(n.Raw[:], inLinks) }
func (n *inode) setLinks(l uint32)     { put16(n.Raw[:], inLinks, l) }
func (n *inode) flags() uint32         { return le32(n.Raw[:], inFlags) }
func (n *inode) block(k uint32) uint32 { return le32(n.Raw[:], inBlock+4*int(k)) }
func (n *inode) setBlock(k, b uint32)  { put32(n.Raw[:], inBlock+4*int(k), b) }
func (n *inode) sectors() uint32       { return le32(n.Raw[:], inBlocks) }

// addSectors adjusts i_blocks by delta 512-byte sectors.
func (n *inode) addSectors(delta int64) {
	put32(n.Raw[:], inBlocks, uint32(int64(n.sectors())+delta))
}

// size is i_size; for regular files with the high half (rev 1's i_size_high).
func (n *inode) size() uint64 {
	s := uint64(le32(n.Raw[:], inSize))
	if n.typ() == linux.S_IFREG {
		s |= uint64(le32(n.Raw[:], inSizeHigh)) << 32
	}
	return s
}

func (n *inode) setSize(s uint64) {
	put32(n.Raw[:], inSize, uint32(s))
	if n.typ() == linux.S_IFREG {
		put32(n.Raw[:], inSizeHigh, uint32(s>>32))
	}
}

func (n *inode) uid() uint32 { return le16(n.Raw[:], inUid) | le16(n.Raw[:], inUidHigh)<<16 }
func (n *inode) gid() uint32 { return le16(n.Raw[:], inGid) | le16(n.Raw[:], inGidHigh)<<16 }

func (n *inode) setOwner(uid, gid uint32) {
	put16(n.Raw[:], inUid, uid&0xffff)
	put16(n.Raw[:], inUidHigh, uid>>16)
	put16(n.Raw[:], inGid, gid&0xffff)
	put16(n.Raw[:], inGidHigh, gid>>16)
}

// hasExtra reports whether the inode's extra fields reach byte end.
func (n *inode) hasExtra(end int) bool {
	return n.Big && goodOldInodeSize+int(le16(n.Raw[:], inExtraIsize)) >= end
}

// time reads the timestamp at field, with nanoseconds and epoch bits from extra when
// the inode has them (ext4's encoding: extra = nsec<<2 | epoch).
func (n *inode) time(field, extra int) Time {
	t := Time{Sec: int64(int32(le32(n.Raw[:], field)))}
	if n.hasExtra(extra + 4) {
		x := le32(n.Raw[:], extra)
		t.Sec += int64(x&3) << 32
		t.Nsec = int32(x >> 2)
	}
	return t
}

func (n *inode) setTime(field, extra int, t Time) {
	put32(n.Raw[:], field, uint32(t.Sec))
	if n.hasExtra(extra + 4) {
		epoch := uint32((t.Sec-int64(int32(t.Sec)))>>32) & 3
		put32(n.Raw[:], extra, uint32(t.Nsec)<<2|epoch)
	}
}

// touch sets mtime and ctime (a change of contents).
func (n *inode) touch(t Time) {
	n.setTime(inMtime, inMtimeExtra, t)
	n.setTime(inCtime, inCtimeExtra, t)
}

// isFastSymlink reports whether symlink n keeps its target in i_block (no data block;
// an extended-attribute block does not count).
func (v *volume) isFastSymlink(n *inode) bool {
	s := n.sectors()
	if le32(n.Raw[:], inFileACL) != 0 {
		s -= v.BlockSize >> 9
	}
	return n.typ() == linux.S_IFLNK && s == 0
}

// hasBlockMap reports whether n's i_block is a block map (not a fast symlink's target or
// a device number).
func (v *volume) hasBlockMap(n *inode) bool {
	switch n.typ() {
	case linux.S_IFREG, linux.S_IFDIR:
		return true
	case linux.S_IFLNK:
		return !v.isFastSymlink(n)
	}
	return false
}

// newInode fills in a fresh inode of mode, owned by uid/gid, all times now.
func (v *volume) newInode(e Env, n *inode, ino Ino, mode, uid, gid uint32) {
	*n = inode{Ino: ino, Big: v.InodeSize > goodOldInodeSize}
	put16(n.Raw[:], inMode, mode)
	n.setOwner(uid, gid)
	if n.Big {
		put16(n.Raw[:], inExtraIsize, extraIsize)
	}
	v.Generation++
	put32(n.Raw[:], inGeneration, v.Generation)
	t := e.now()
	n.setTime(inAtime, inAtimeExtra, t)
	n.touch(t)
	n.setTime(inCrtime, inCrtimeExtra, t)
	n.setLinks(1)
}

// Attr is what stat(2) reports about an inode.
type Attr struct {
	Ino                        uint64
	Mode                       uint32
	Nlink                      uint32
	Uid, Gid                   uint32
	Rdev                       uint64 // devices: major<<8 | minor
	Size                       uint64
	Blocks                     uint64 // 512-byte units
	Atime, Mtime, Ctime, Btime Time
}

func (v *volume) attr(n *inode) Attr {
	a := Attr{Ino: uint64(n.Ino), Mode: n.mode(), Nlink: n.links(), Uid: n.uid(), Gid: n.gid(),
		Size: n.size(), Blocks: uint64(n.sectors()),
		Atime: n.time(inAtime, inAtimeExtra), Mtime: n.time(inMtime, inMtimeExtra),
		Ctime: n.time(inCtime, inCtimeExtra)}
	if n.hasExtra(inCrtimeExtra + 4) {
		a.Btime = n.time(inCrtime, inCrtimeExtra)
	}
	if t := n.typ(); t == linux.S_IFCHR || t == linux.S_IFBLK {
		if d := n.block(0); d != 0 { // the old 16-bit encoding
			a.Rdev = uint64(d>>8&0xff)<<8 | uint64(d&0xff)
		} else { // the new one: minor's low byte, major, minor's high bits
			d = n.block(1)
			a.Rdev = uint64(d>>8&0xfff)<<8 | uint64(d&0xff|d>>12&0xfff00)
		}
	}
	return a
}

// Stat describes inode ino of volume vol.
func Stat(e Env, vol int, ino Ino) (Attr, linux.Errno) {
	e.Disk.Lock(vol)
	r0, r1 := statLocked(e, vol, ino)
	e.Disk.Unlock(vol)
	return r0, r1
}

// statLocked is Stat, with the volume's lock held.
func statLocked(e Env, vol int, ino Ino) (Attr, linux.Errno) {
	v := &vols[vol]
	var n inode
	if err := v.readInode(e, vol, ino, &n); err != 0 {
		return Attr{Ino: uint64(ino)}, err
	}
	return v.attr(&n), 0
}

// Mode returns inode ino's mode (type and permission bits).
func Mode(e Env, vol int, ino Ino) (uint32, linux.Errno) {
	e.Disk.Lock(vol)
	r0, r1 := modeLocked(e, vol, ino)
	e.Disk.Unlock(vol)
	return r0, r1
}

// modeLocked is Mode, with the volume's lock held.
func modeLocked(e Env, vol int, ino Ino) (uint32, linux.Errno) {
	var n inode
	err := vols[vol].readInode(e, vol, ino, &n)
	return n.mode(), err
}

// change reads inode ino for a change (EROFS on a read-only volume).
func (v *volume) change(e Env, vol int, ino Ino, n *inode) linux.Errno {
	if v.ReadOnly {
		return linux.EROFS
	}
	if err := v.beginWrite(e, vol); err != 0 {
		return err
	}
	return v.readInode(e, vol, ino, n)
}

// setattr reads inode ino for chmod, chown or utimes: EPERM if it is immutable.
func (v *volume) setattr(e Env, vol int, ino Ino, n *inode) linux.Errno {
	if err := v.change(e, vol, ino, n); err != 0 {
		return err
	}
	if n.flags()&flagImmutable != 0 {
		return linux.EPERM
	}
	return 0
}

// pinned reports whether n's name may not be removed or replaced (chattr +i or +a):
// unlink, rmdir and rename give EPERM.
func (n *inode) pinned() bool { return n.flags()&(flagImmutable|flagAppend) != 0 }

// SetPerm sets inode ino's permission bits (chmod); ctime becomes now.
func SetPerm(e Env, vol int, ino Ino, perm uint32) linux.Errno {
	e.Disk.Lock(vol)
	r0 := setPermLocked(e, vol, ino, perm)
	e.Disk.Unlock(vol)
	return r0
}

// setPermLocked is SetPerm, with the volume's lock held.
func setPermLocked(e Env, vol int, ino Ino, perm uint32) linux.Errno {
	v := &vols[vol]
	var n inode
	if err := v.setattr(e, vol, ino, &n); err != 0 {
		return err
	}
	put16(n.Raw[:], inMode, n.typ()|perm&07777)
	n.setTime(inCtime, inCtimeExtra, e.now())
	return v.writeInode(e, vol, &n)
}

// SetOwner sets inode ino's owner and group (chown); -1 leaves one unchanged.
func SetOwner(e Env, vol int, ino Ino, uid, gid int32) linux.Errno {
	e.Disk.Lock(vol)
	r0 := setOwnerLocked(e, vol, ino, uid, gid)
	e.Disk.Unlock(vol)
	return r0
}

// setOwnerLocked is SetOwner, with the volume's lock held.
func setOwnerLocked(e Env, vol int, ino Ino, uid, gid int32) linux.Errno {
	v := &vols[vol]
	var n inode
	if err := v.setattr(e, vol, ino, &n); err != 0 {
		return err
	}
	u, g := n.uid(), n.gid()
	if uid != -1 {
		u = uint32(uid)
	}
	if gid != -1 {
		g = uint32(gid)
	}
	n.setOwner(u, g)
	n.setTime(inCtime, inCtimeExtra, e.now())
	return v.writeInode(e, vol, &n)
}

// SetTimes sets inode ino's access and/or modification time (utimensat); ctime becomes now.
func SetTimes(e Env, vol int, ino Ino, atime, mtime Time, setA, setM bool) linux.Errno {
	e.Disk.Lock(vol)
	r0 := setTimesLocked(e, vol, ino, atime, mtime, setA, setM)
	e.Disk.Unlock(vol)
	return r0
}

// setTimesLocked is SetTimes, with the volume's lock held.
func setTimesLocked(e Env, vol int, ino Ino, atime, mtime Time, setA, setM bool) linux.Errno {
	v := &vols[vol]
	var n inode
	if err := v.setattr(e, vol, ino, &n); err != 0 {
		return err
	}
	if setA {
		n.setTime(inAtime, inAtimeExtra, atime)
	}
	if setM {
		n.setTime(inMtime, inMtimeExtra, mtime)
	}
	n.setTime(inCtime, inCtimeExtra, e.now())
	return v.writeInode(e, vol, &n)
}
