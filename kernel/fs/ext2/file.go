package ext2

import "github.com/unigo-os/unigo/kernel/abi/linux"

// largeFileLimit is the size past which a file needs the large_file feature.
const largeFileLimit = 1<<31 - 1

// ReadAt copies regular file ino's bytes from off into buf and returns how many: fewer
// than len(buf) only at the end of the file. Holes read as zeros. EISDIR for a
// directory, EINVAL for other non-regular files, EIO from the disk (with the bytes read
// before it, if any).
func ReadAt(e Env, vol int, ino Ino, off uint64, buf []byte) (int, linux.Errno) {
	e.Disk.Lock(vol)
	r0, r1 := readAtLocked(e, vol, ino, off, buf)
	e.Disk.Unlock(vol)
	return r0, r1
}

// readAtLocked is ReadAt, with the volume's lock held.
func readAtLocked(e Env, vol int, ino Ino, off uint64, buf []byte) (int, linux.Errno) {
	v := &vols[vol]
	var n inode
	if err := v.readInode(e, vol, ino, &n); err != 0 {
		return 0, err
	}
	switch n.typ() {
	case linux.S_IFREG:
	case linux.S_IFDIR:
		return 0, linux.EISDIR
	default:
		return 0, linux.EINVAL
	}
	size := n.size()
	if off >= size {
		return 0, 0
	}
	if avail := size - off; uint64(len(buf)) > avail {
		buf = buf[:avail]
	}
	bs := uint64(v.BlockSize)
	done := 0
	var blks [maxPrefetch]uint32
	sequential := v.RaIno == ino && v.RaNext == off
	for done < len(buf) {
		// Map the next window of blocks and read the missing ones together; when the
		// file is read in order, read ahead to a full window each time it runs dry.
		first := (off + uint64(done)) >> v.Shift
		last := (off + uint64(len(buf)) - 1) >> v.Shift
		w := int(min(last-first+1, maxPrefetch))
		ra := w
		if sequential {
			ra = int(min((size+bs-1)>>v.Shift-first, maxPrefetch))
		}
		for k := 0; k < ra; k++ {
			blks[k] = 0
			if b, _, err := v.bmap(e, vol, &n, first+uint64(k)); err == 0 {
				blks[k] = b
			}
		}
		if w > 1 || (ra > 1 && blks[0] != 0 && v.cache.find(blks[0]) == noBuf) {
			v.prefetch(e, vol, blks[:ra])
		}
		for k := 0; k < w && done < len(buf); k++ {
			pos := off + uint64(done)
			in := pos & (bs - 1)
			chunk := buf[done:]
			if uint64(len(chunk)) > bs-in {
				chunk = chunk[:bs-in]
			}
			blk, _, err := v.bmap(e, vol, &n, first+uint64(k))
			if err == 0 && blk != 0 {
				var i int32
				if i, err = v.get(e, vol, blk); err == 0 {
					copy(chunk, v.bytes(e, i)[in:])
				}
			} else if err == 0 {
				clear(chunk)
			}
			if err != 0 {
				if done > 0 {
					return done, 0
				}
				return 0, err
			}
			done += len(chunk)
		}
	}
	v.RaIno, v.RaNext = ino, off+uint64(done)
	return done, 0
}

// WriteAt copies buf into regular file ino at off, growing it as needed, and returns how
// many bytes it placed. Running out of space part way returns the bytes placed so far (a
// short write); ENOSPC only when none fit. Blocks are allocated before they are linked,
// so what is already in the file is never lost. EFBIG at or past the largest file size,
// EROFS on a read-only volume, EINVAL for non-regular files.
func WriteAt(e Env, vol int, ino Ino, off uint64, buf []byte) (int, linux.Errno) {
	probe(buf)
	e.Disk.Lock(vol)
	r0, r1 := writeAtLocked(e, vol, ino, off, buf)
	e.Disk.Unlock(vol)
	return r0, r1
}

// writeAtLocked is WriteAt, with the volume's lock held.
func writeAtLocked(e Env, vol int, ino Ino, off uint64, buf []byte) (int, linux.Errno) {
	v := &vols[vol]
	var n inode
	if err := v.change(e, vol, ino, &n); err != 0 {
		return 0, err
	}
	if n.typ() != linux.S_IFREG {
		return 0, linux.EINVAL
	}
	if n.flags()&flagImmutable != 0 || (n.flags()&flagAppend != 0 && off != n.size()) {
		return 0, linux.EPERM // chattr +i, or +a and not at the end
	}
	if off >= v.MaxSize {
		return 0, linux.EFBIG
	}
	if room := v.MaxSize - off; uint64(len(buf)) > room {
		buf = buf[:room]
	}
	bs := uint64(v.BlockSize)
	goal := v.goal(e, vol, &n, off>>v.Shift)
	done := 0
	var err linux.Errno
	for done < len(buf) {
		pos := off + uint64(done)
		lb, in := pos>>v.Shift, pos&(bs-1)
		chunk := buf[done:]
		if uint64(len(chunk)) > bs-in {
			chunk = chunk[:bs-in]
		}
		var blk uint32
		var fresh bool
		if blk, fresh, err = v.bmapAlloc(e, vol, &n, lb, &goal); err != 0 {
			break
		}
		goal = blk + 1
		var i int32
		if fresh || uint64(len(chunk)) == bs {
			i, err = v.getNew(e, vol, blk) // zeroed: no read of what is overwritten
		} else {
			i, err = v.get(e, vol, blk)
		}
		if err != 0 {
			break
		}
		v.dirty(i)
		copy(v.bytes(e, i)[in:], chunk)
		done += len(chunk)
	}
	if end := off + uint64(done); done > 0 && end > n.size() {
		n.setSize(end)
		v.noteSize(end)
	}
	if done > 0 {
		n.touch(e.now())
	}
	if werr := v.writeInode(e, vol, &n); werr != 0 && err == 0 {
		err = werr
	}
	if done == 0 && err != 0 {
		return 0, err
	}
	return done, 0
}

// probeSink receives probe's reads, so the compiler keeps them.
var probeSink byte

// probe reads a byte of every page of b, the caller's memory, before anything changes:
// a bad address then ends the system call (EFAULT, which abandons the handler with the
// volume's lock released) before a block is allocated but not yet linked.
func probe(b []byte) {
	for k := 0; k < len(b); k += 4096 { // each step lands in the next page
		probeSink += b[k]
	}
	if len(b) > 0 {
		probeSink += b[len(b)-1]
	}
}

// goal is where the block for logical block lb of n should go: after the block before
// it, or at the start of the inode's group.
func (v *volume) goal(e Env, vol int, n *inode, lb uint64) uint32 {
	if lb > 0 {
		if prev, _, err := v.bmap(e, vol, n, lb-1); err == 0 && prev != 0 {
			return prev + 1
		}
	}
	return v.FirstData + (n.Ino-1)/v.InodesPerGroup*v.PerGroup
}

// noteSize sets the large_file feature once a file passes 2 GiB.
func (v *volume) noteSize(size uint64) {
	if size > largeFileLimit {
		if f := le32(v.Super[:], sbFeatureRoCompat); f&roCompatLargeFile == 0 {
			put32(v.Super[:], sbFeatureRoCompat, f|roCompatLargeFile)
			v.SuperDirty = true
		}
	}
}

// Truncate sets regular file ino's size. Shrinking frees the blocks past the new end and
// zeroes the rest of the last one, so growing again later reads zeros; growing only moves
// the end (a hole). EISDIR for a directory, EINVAL for other non-regular files, EFBIG
// past the largest file size.
func Truncate(e Env, vol int, ino Ino, size uint64) linux.Errno {
	e.Disk.Lock(vol)
	r0 := truncateLocked(e, vol, ino, size)
	e.Disk.Unlock(vol)
	return r0
}

// truncateLocked is Truncate, with the volume's lock held.
func truncateLocked(e Env, vol int, ino Ino, size uint64) linux.Errno {
	v := &vols[vol]
	var n inode
	if err := v.readInode(e, vol, ino, &n); err != 0 {
		return err
	}
	switch n.typ() {
	case linux.S_IFREG:
	case linux.S_IFDIR:
		return linux.EISDIR
	default:
		return linux.EINVAL
	}
	if err := v.change(e, vol, ino, &n); err != 0 {
		return err
	}
	if n.flags()&(flagImmutable|flagAppend) != 0 {
		return linux.EPERM
	}
	if size > v.MaxSize {
		return linux.EFBIG
	}
	var err linux.Errno
	if size < n.size() {
		bs := uint64(v.BlockSize)
		err = v.freeFrom(e, vol, &n, (size+bs-1)>>v.Shift)
		if in := size & (bs - 1); in != 0 && err == 0 {
			blk, _, berr := v.bmap(e, vol, &n, size>>v.Shift)
			if berr == 0 && blk != 0 {
				var i int32
				if i, berr = v.get(e, vol, blk); berr == 0 {
					clear(v.bytes(e, i)[in:])
					v.dirty(i)
				}
			}
			err = berr
		}
	}
	n.setSize(size)
	v.noteSize(size)
	n.touch(e.now())
	if werr := v.writeInode(e, vol, &n); err == 0 {
		err = werr
	}
	return err
}

// NextData implements SEEK_DATA (hole false) and SEEK_HOLE (hole true) on regular file
// ino: the first offset at or after off in data, or in a hole (the end counts as one).
// ENXIO at or past the end. Missing index blocks are skipped whole.
func NextData(e Env, vol int, ino Ino, off uint64, hole bool) (uint64, linux.Errno) {
	e.Disk.Lock(vol)
	r0, r1 := nextDataLocked(e, vol, ino, off, hole)
	e.Disk.Unlock(vol)
	return r0, r1
}

// nextDataLocked is NextData, with the volume's lock held.
func nextDataLocked(e Env, vol int, ino Ino, off uint64, hole bool) (uint64, linux.Errno) {
	v := &vols[vol]
	var n inode
	if err := v.readInode(e, vol, ino, &n); err != 0 {
		return 0, err
	}
	size := n.size()
	if off >= size {
		return 0, linux.ENXIO
	}
	for pos := off; pos < size; {
		blk, span, err := v.bmap(e, vol, &n, pos>>v.Shift)
		if err != 0 {
			return 0, err
		}
		if (blk == 0) == hole {
			return pos, 0
		}
		if span == 0 {
			span = 1
		}
		if span > (size>>v.Shift)+1 {
			break
		}
		pos = (pos>>v.Shift + span) << v.Shift
	}
	if hole {
		return size, 0
	}
	return 0, linux.ENXIO
}
