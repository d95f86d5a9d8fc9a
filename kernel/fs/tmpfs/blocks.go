package tmpfs

import "github.com/unigo-os/unigo/kernel/abi/linux"

// The block map. Block b of a file (bytes [b*4096, (b+1)*4096)) is found in:
//
//	b < 12                  Direct[b]
//	b - 12 < 512            word b-12 of the Ind frame
//	b - 524 < 512*512       word (b-524)%512 of the frame named by word (b-524)/512 of Dind
//
// so a file reaches 12 + 512 + 262144 blocks (just over 1 GiB); writing past that is
// EFBIG. An index frame is allocated on the first write below it and counts against the
// size limit like a data frame.
const (
	nDirect   = 12
	perFrame  = pageSize / 8
	maxBlocks = nDirect + perFrame + perFrame*perFrame
	// MaxFileSize is the largest size a file can have.
	MaxFileSize = maxBlocks * pageSize
)

// slot returns the word that holds block b's frame address. With alloc, missing index
// frames are allocated (ENOSPC if that fails); without, a missing one gives nil: a hole.
func (n *inode) slot(e Env, b uint64, alloc bool) (*uint64, linux.Errno) {
	if b < nDirect {
		return &n.Direct[b], 0
	}
	b -= nDirect
	if b < perFrame {
		if n.Ind == 0 {
			if !alloc {
				return nil, 0
			}
			pa, err := allocFrame(e, n)
			if err != 0 {
				return nil, err
			}
			n.Ind = pa
		}
		return word(e, n.Ind, b), 0
	}
	b -= perFrame
	if b >= perFrame*perFrame {
		return nil, linux.EFBIG
	}
	if n.Dind == 0 {
		if !alloc {
			return nil, 0
		}
		pa, err := allocFrame(e, n)
		if err != 0 {
			return nil, err
		}
		n.Dind = pa
	}
	mid := word(e, n.Dind, b/perFrame)
	if *mid == 0 {
		if !alloc {
			return nil, 0
		}
		pa, err := allocFrame(e, n)
		if err != 0 {
			return nil, err
		}
		*mid = pa
	}
	return word(e, *mid, b%perFrame), 0
}

// block returns the frame of block b, allocating it (and its index frames) if alloc is
// set; 0 means a hole (never with alloc and no error).
func (n *inode) block(e Env, b uint64, alloc bool) (uint64, linux.Errno) {
	w, err := n.slot(e, b, alloc)
	if w == nil || err != 0 {
		return 0, err
	}
	if *w == 0 && alloc {
		pa, err := allocFrame(e, n)
		if err != 0 {
			return 0, err
		}
		*w = pa
	}
	return *w, 0
}

// ReadAt copies regular file i's bytes from off into buf and returns how many: fewer than
// len(buf) only at the end of the file. Holes read as zeros. EISDIR for a directory.
func ReadAt(e Env, i Ino, off uint64, buf []byte) (int, linux.Errno) {
	n := &inodes[i]
	if n.Kind == kDir {
		return 0, linux.EISDIR
	}
	if off >= n.Size {
		return 0, 0
	}
	if avail := n.Size - off; uint64(len(buf)) > avail {
		buf = buf[:avail]
	}
	done := 0
	for done < len(buf) {
		pos := off + uint64(done)
		b, in := pos/pageSize, pos%pageSize
		chunk := buf[done:]
		if uint64(len(chunk)) > pageSize-in {
			chunk = chunk[:pageSize-in]
		}
		pa, _ := n.block(e, b, false)
		if pa == 0 {
			clear(chunk)
		} else {
			copy(chunk, frameBytes(e, pa)[in:])
		}
		done += len(chunk)
	}
	return done, 0
}

// WriteAt copies buf into regular file i at off, growing it as needed, and returns how
// many bytes it placed. Running out of space part way returns the bytes placed so far
// (a short write); ENOSPC only when none fit. Bytes already in the file are never lost.
// EFBIG if off is at or past MaxFileSize.
func WriteAt(e Env, i Ino, off uint64, buf []byte) (int, linux.Errno) {
	n := &inodes[i]
	if n.Kind != kReg {
		return 0, linux.EINVAL
	}
	if off >= MaxFileSize {
		return 0, linux.EFBIG
	}
	if room := MaxFileSize - off; uint64(len(buf)) > room {
		buf = buf[:room]
	}
	done := 0
	var err linux.Errno
	for done < len(buf) {
		pos := off + uint64(done)
		b, in := pos/pageSize, pos%pageSize
		chunk := buf[done:]
		if uint64(len(chunk)) > pageSize-in {
			chunk = chunk[:pageSize-in]
		}
		var pa uint64
		if pa, err = n.block(e, b, true); err != 0 {
			break
		}
		copy(frameBytes(e, pa)[in:], chunk)
		done += len(chunk)
	}
	if done == 0 && err != 0 {
		return 0, err
	}
	if end := off + uint64(done); end > n.Size {
		n.Size = end
	}
	if done > 0 {
		t := e.now()
		n.Mtime, n.Ctime = t, t
	}
	return done, 0
}

// Truncate sets regular file i's size. Shrinking frees the blocks past the new end and
// zeroes the rest of the last one, so growing again later reads zeros; growing only
// moves the end (the new bytes are a hole). EFBIG past MaxFileSize.
func Truncate(e Env, i Ino, size uint64) linux.Errno {
	n := &inodes[i]
	switch n.Kind {
	case kDir:
		return linux.EISDIR
	case kSymlink, kFIFO, kSock:
		return linux.EINVAL
	}
	if size > MaxFileSize {
		return linux.EFBIG
	}
	if size < n.Size {
		first := (size + pageSize - 1) / pageSize
		n.freeFrom(e, first)
		if in := size % pageSize; in != 0 {
			if pa, _ := n.block(e, size/pageSize, false); pa != 0 {
				clear(frameBytes(e, pa)[in:])
			}
		}
	}
	n.Size = size
	t := e.now()
	n.Mtime, n.Ctime = t, t
	return 0
}

// freeFrom frees every block numbered first or above, and the index frames that then
// cover nothing.
func (n *inode) freeFrom(e Env, first uint64) {
	for b := first; b < nDirect; b++ {
		if n.Direct[b] != 0 {
			freeFrame(e, n, n.Direct[b])
			n.Direct[b] = 0
		}
	}
	if n.Ind != 0 {
		start := above(first, nDirect)
		n.freeWords(e, n.Ind, start)
		if start == 0 {
			freeFrame(e, n, n.Ind)
			n.Ind = 0
		}
	}
	if n.Dind != 0 {
		start := above(first, nDirect+perFrame)
		for m := start / perFrame; m < perFrame; m++ {
			w := word(e, n.Dind, m)
			if *w == 0 {
				continue
			}
			lo := uint64(0)
			if m == start/perFrame {
				lo = start % perFrame
			}
			n.freeWords(e, *w, lo)
			if lo == 0 {
				freeFrame(e, n, *w)
				*w = 0
			}
		}
		if start == 0 {
			freeFrame(e, n, n.Dind)
			n.Dind = 0
		}
	}
}

// freeWords frees the data frames named by words lo.. of index frame pa.
func (n *inode) freeWords(e Env, pa, lo uint64) {
	for j := lo; j < perFrame; j++ {
		w := word(e, pa, j)
		if *w != 0 {
			freeFrame(e, n, *w)
			*w = 0
		}
	}
}

// above returns x-base, or 0 when x < base.
func above(x, base uint64) uint64 {
	if x < base {
		return 0
	}
	return x - base
}

// NextData implements SEEK_DATA and SEEK_HOLE on regular file i: the first offset at or
// after off that is in data (hole false) or in a hole (hole true; the end of the file
// counts as one). ENXIO if off is at or past the end.
func NextData(e Env, i Ino, off uint64, hole bool) (uint64, linux.Errno) {
	n := &inodes[i]
	if off >= n.Size {
		return 0, linux.ENXIO
	}
	for pos := off; pos < n.Size; pos = (pos/pageSize + 1) * pageSize {
		pa, _ := n.block(e, pos/pageSize, false)
		if (pa == 0) == hole {
			return pos, 0
		}
	}
	if hole {
		return n.Size, 0
	}
	return 0, linux.ENXIO
}
