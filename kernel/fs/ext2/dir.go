package ext2

import "github.com/unigo-os/unigo/kernel/abi/linux"

// Directories: each block is a chain of records covering it exactly,
//
//	+0 inode (0: unused)  +4 u16 record length  +6 u8 name length  +7 u8 file type  +8 name
//
// with record lengths a multiple of 4. An entry is added in the first record with room
// (splitting it) or in a new block at the end; a removed entry is merged into the one
// before it in its block (or just zeroed when it is the first). Directories never
// shrink, as on Linux. An htree (dir_index) directory is read the same way, which is
// valid: its index blocks look like empty records. The first change clears its index
// flag, so no stale index is left behind.

// entryLen checks the record at off of directory block b and returns its length and
// name length; ok is false for a corrupt record.
func (v *volume) entryLen(b []byte, off int) (rec, nameLen int, ok bool) {
	if off+deName > len(b) {
		return 0, 0, false
	}
	rec, nameLen = int(le16(b, off+deRecLen)), int(b[off+deNameLen])
	if rec < deName || rec%4 != 0 || off+rec > len(b) || (le32(b, off) != 0 && deName+nameLen > rec) {
		return 0, 0, false
	}
	return rec, nameLen, true
}

// entryName returns the name of the record at off (a view of the buffer).
func entryName(b []byte, off, nameLen int) string { return view(b[off+deName : off+deName+nameLen]) }

// dirBlock returns the buffer of logical block lb of directory d, or noBuf for a hole.
func (v *volume) dirBlock(e Env, vol int, d *inode, lb uint64) (int32, linux.Errno) {
	blk, _, err := v.bmap(e, vol, d, lb)
	if err != 0 || blk == 0 {
		return noBuf, err
	}
	return v.get(e, vol, blk)
}

// dirIter walks the records of a directory in order, block by block from a given logical
// block, skipping holes: the loop that finding, adding, listing and emptiness checks
// share. next returns the current record's block (buffer i of logical block lb); the
// record is at off, rec bytes long with a name of nl bytes. When next reports false, err
// says why (0: the end; EIO: a corrupt record; or the block read's error). It holds
// integers only, so it stays on the caller's stack (kernel code may not allocate).
type dirIter struct {
	lb, nb uint64
	i      int32
	blen   int // the block's length; 0 before the first block and in a hole
	off    int
	rec    int
	nl     int
	err    linux.Errno
	begun  bool
}

// entries starts a walk of directory d's records at logical block from.
func (v *volume) entries(d *inode, from uint64) dirIter {
	return dirIter{lb: from, nb: d.size() >> v.Shift}
}

// next moves to the next record of directory d and returns its block, or ok false.
func (it *dirIter) next(v *volume, e Env, vol int, d *inode) (b []byte, ok bool) {
	it.off += it.rec // past the current record (rec is 0 before the first in a block)
	for it.off >= it.blen {
		if it.begun {
			it.lb++
		}
		it.begun = true
		if it.lb >= it.nb {
			return nil, false
		}
		i, err := v.dirBlock(e, vol, d, it.lb)
		if err != 0 {
			it.err = err
			return nil, false
		}
		it.i, it.blen, it.off, it.rec = i, 0, 0, 0
		if i != noBuf {
			it.blen = int(v.BlockSize)
		}
	}
	b = v.bytes(e, it.i)
	rec, nl, ok := v.entryLen(b, it.off)
	if !ok {
		it.err = linux.EIO
		return nil, false
	}
	it.rec, it.nl = rec, nl
	return b, true
}

// pos is the current record's byte position in the directory.
func (it *dirIter) pos(v *volume) uint64 { return it.lb<<v.Shift + uint64(it.off) }

// dirFind finds name in directory d: its inode, file type and byte position.
func (v *volume) dirFind(e Env, vol int, d *inode, name string) (ino Ino, ft uint8, pos uint64, err linux.Errno) {
	it := v.entries(d, 0)
	for {
		b, ok := it.next(v, e, vol, d)
		if !ok {
			if it.err != 0 {
				return 0, 0, 0, it.err
			}
			return 0, 0, 0, linux.ENOENT
		}
		if in := le32(b, it.off); in != 0 && it.nl == len(name) && entryName(b, it.off, it.nl) == name {
			return in, b[it.off+deType], it.pos(v), 0
		}
	}
}

// fileType is the directory-entry type for mode (0 without the filetype feature).
func (v *volume) fileType(mode uint32) uint8 {
	if !v.Filetype {
		return ftUnknown
	}
	switch mode & linux.S_IFMT {
	case linux.S_IFREG:
		return ftReg
	case linux.S_IFDIR:
		return ftDir
	case linux.S_IFCHR:
		return ftChr
	case linux.S_IFBLK:
		return ftBlk
	case linux.S_IFIFO:
		return ftFifo
	case linux.S_IFSOCK:
		return ftSock
	case linux.S_IFLNK:
		return ftSymlink
	}
	return ftUnknown
}

// putEntry writes a record at off of b.
func putEntry(b []byte, off, rec int, name string, ino Ino, ft uint8) {
	put32(b, off+deInode, ino)
	put16(b, off+deRecLen, uint32(rec))
	b[off+deNameLen] = uint8(len(name))
	b[off+deType] = ft
	n := copy(b[off+deName:], name)
	clear(b[off+deName+n : off+recLen(len(name))])
}

// dirChanged marks directory d modified (times, no index) and writes it back.
func (v *volume) dirChanged(e Env, vol int, d *inode) linux.Errno {
	if f := d.flags(); f&flagIndex != 0 {
		put32(d.Raw[:], inFlags, f&^flagIndex)
	}
	d.touch(e.now())
	return v.writeInode(e, vol, d)
}

// dirAdd adds name -> ino (of type ft) to directory d and writes d back. ENOSPC when
// the directory needs a block and none is left: nothing is added then.
func (v *volume) dirAdd(e Env, vol int, d *inode, name string, ino Ino, ft uint8) linux.Errno {
	need := recLen(len(name))
	it := v.entries(d, 0)
	for {
		b, ok := it.next(v, e, vol, d)
		if !ok {
			break
		}
		off, rec := it.off, it.rec
		used := 0
		if le32(b, off) != 0 {
			used = recLen(it.nl)
		}
		if rec-used >= need {
			if used > 0 {
				put16(b, off+deRecLen, uint32(used))
				off, rec = off+used, rec-used
			}
			putEntry(b, off, rec, name, ino, ft)
			v.dirty(it.i)
			return v.dirChanged(e, vol, d)
		}
	}
	if it.err != 0 {
		return it.err
	}
	nb := it.nb
	goal := v.goal(e, vol, d, nb)
	blk, _, err := v.bmapAlloc(e, vol, d, nb, &goal)
	if err == 0 {
		var i int32
		if i, err = v.getNew(e, vol, blk); err == 0 {
			putEntry(v.bytes(e, i), 0, int(v.BlockSize), name, ino, ft)
			d.setSize((nb + 1) << v.Shift)
			return v.dirChanged(e, vol, d)
		}
	}
	v.writeInode(e, vol, d) // index blocks allocated before the failure stay counted
	return err
}

// dirRemove removes the entry at pos of directory d and writes d back.
func (v *volume) dirRemove(e Env, vol int, d *inode, pos uint64) linux.Errno {
	i, err := v.dirBlock(e, vol, d, pos>>v.Shift)
	if err != 0 || i == noBuf {
		return linux.EIO
	}
	b := v.bytes(e, i)
	at := int(pos & uint64(v.BlockSize-1))
	prev := -1
	for off := 0; off < at; {
		rec, _, ok := v.entryLen(b, off)
		if !ok {
			return linux.EIO
		}
		prev = off
		off += rec
	}
	rec, _, ok := v.entryLen(b, at)
	if !ok {
		return linux.EIO
	}
	if prev >= 0 {
		put16(b, prev+deRecLen, le16(b, prev+deRecLen)+uint32(rec))
	} else {
		put32(b, at, 0)
	}
	v.dirty(i)
	return v.dirChanged(e, vol, d)
}

// dirSet points the entry at pos of directory d at ino (type ft) and writes d back.
func (v *volume) dirSet(e Env, vol int, d *inode, pos uint64, ino Ino, ft uint8) linux.Errno {
	i, err := v.dirBlock(e, vol, d, pos>>v.Shift)
	if err != 0 || i == noBuf {
		return linux.EIO
	}
	b := v.bytes(e, i)
	at := int(pos & uint64(v.BlockSize-1))
	put32(b, at, ino)
	b[at+deType] = ft
	v.dirty(i)
	return v.dirChanged(e, vol, d)
}

// dirEmpty reports whether directory d holds nothing but "." and "..".
func (v *volume) dirEmpty(e Env, vol int, d *inode) (bool, linux.Errno) {
	it := v.entries(d, 0)
	for {
		b, ok := it.next(v, e, vol, d)
		if !ok {
			return it.err == 0, it.err
		}
		if le32(b, it.off) != 0 {
			if s := entryName(b, it.off, it.nl); s != "." && s != ".." {
				return false, 0
			}
		}
	}
}

// dotdot returns the position of directory d's ".." entry and the inode it names.
func (v *volume) dotdot(e Env, vol int, d *inode) (Ino, uint64, linux.Errno) {
	i, err := v.dirBlock(e, vol, d, 0)
	if err != 0 {
		return 0, 0, err
	}
	if i == noBuf {
		return 0, 0, linux.EIO
	}
	b := v.bytes(e, i)
	for off := 0; off < len(b); {
		rec, nl, ok := v.entryLen(b, off)
		if !ok {
			break
		}
		if in := le32(b, off); in != 0 && entryName(b, off, nl) == ".." {
			return in, uint64(off), 0
		}
		off += rec
	}
	return 0, 0, linux.EIO
}

// putDots writes the first block of a new directory: "." and "..".
func putDots(b []byte, self, parent Ino, ft uint8) {
	putEntry(b, 0, recLen(1), ".", self, ft)
	putEntry(b, recLen(1), len(b)-recLen(1), "..", parent, ft)
}
