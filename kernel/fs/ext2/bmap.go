package ext2

import "github.com/unigo-os/unigo/kernel/abi/linux"

// The block map. With p = BlockSize/4 block numbers to an index block, logical block b
// of a file is found through:
//
//	b < 12                 i_block[b]
//	b-12 < p               i_block[12] (indirect): word b-12
//	b-12-p < p*p           i_block[13] (double): two levels of words
//	b-12-p-p*p < p*p*p     i_block[14] (triple): three levels
//
// A zero word is a hole. Index blocks are allocated on the first write below them and
// counted in i_blocks like data blocks.

// blockPath splits logical block lb into the word index at each level: slots[0] is the
// i_block slot, slots[1..depth-1] words of index blocks. ok is false past the triple
// indirect block.
func (v *volume) blockPath(lb uint64) (depth int, slots [4]uint32, ok bool) {
	p := uint64(v.PerBlock)
	switch {
	case lb < nDirect:
		return 1, [4]uint32{uint32(lb)}, true
	case lb-nDirect < p:
		return 2, [4]uint32{indBlock, uint32(lb - nDirect)}, true
	}
	lb -= nDirect + p
	if lb < p*p {
		return 3, [4]uint32{dindBlock, uint32(lb / p), uint32(lb % p)}, true
	}
	lb -= p * p
	if lb < p*p*p {
		return 4, [4]uint32{tindBlock, uint32(lb / (p * p)), uint32(lb / p % p), uint32(lb % p)}, true
	}
	return 0, slots, false
}

// bmap returns the disk block holding logical block lb of n, or 0 for a hole; then hole
// is how many logical blocks from lb on are known to be holes (a whole missing index
// block's range).
func (v *volume) bmap(e Env, vol int, n *inode, lb uint64) (blk uint32, hole uint64, err linux.Errno) {
	depth, slots, ok := v.blockPath(lb)
	if !ok {
		return 0, 1 << 62, 0
	}
	ptr := n.block(slots[0])
	for level := 1; ; level++ {
		if ptr == 0 {
			return 0, v.holeSpan(depth, slots, level-1), 0
		}
		if level == depth {
			return ptr, 0, 0
		}
		i, err := v.get(e, vol, ptr)
		if err != 0 {
			return 0, 0, err
		}
		ptr = le32(v.bytes(e, i), 4*int(slots[level]))
	}
}

// holeSpan is how many blocks, from the one slots names, the missing pointer at level
// covers.
func (v *volume) holeSpan(depth int, slots [4]uint32, level int) uint64 {
	p := uint64(v.PerBlock)
	cover, off := uint64(1), uint64(0)
	for j := level + 1; j < depth; j++ {
		cover *= p
		off = off*p + uint64(slots[j])
	}
	return cover - off
}

// bmapAlloc returns the disk block of logical block lb of n, allocating it and any
// missing index blocks (near *goal, which moves past each allocation). fresh reports a
// data block just allocated: its contents are garbage until written. n's i_block and
// i_blocks change in memory; the caller writes n back, also after an error (blocks
// allocated before it stay linked, and counted).
func (v *volume) bmapAlloc(e Env, vol int, n *inode, lb uint64, goal *uint32) (blk uint32, fresh bool, err linux.Errno) {
	depth, slots, ok := v.blockPath(lb)
	if !ok {
		return 0, false, linux.EFBIG
	}
	// Count the blocks missing on the way first: with too few free, fail before
	// allocating any, rather than leave an index block that maps nothing.
	if v.missingLevels(e, vol, n, depth, slots) > v.FreeBlocks {
		return 0, false, linux.ENOSPC
	}
	parent := uint32(0) // the index block holding the pointer; 0: the inode
	for level := 0; level < depth; level++ {
		var ptr uint32
		if level == 0 {
			ptr = n.block(slots[0])
		} else {
			i, err := v.get(e, vol, parent)
			if err != 0 {
				return 0, false, err
			}
			ptr = le32(v.bytes(e, i), 4*int(slots[level]))
		}
		if ptr == 0 {
			nb, err := v.allocBlock(e, vol, *goal)
			if err != 0 {
				return 0, false, err
			}
			*goal = nb + 1
			if level < depth-1 {
				if _, err := v.getNew(e, vol, nb); err != 0 { // index blocks start zeroed
					v.freeBlock(e, vol, nb)
					return 0, false, err
				}
			} else {
				fresh = true
			}
			if level == 0 {
				n.setBlock(slots[0], nb)
			} else {
				i, err := v.get(e, vol, parent)
				if err != 0 {
					v.freeBlock(e, vol, nb)
					return 0, false, err
				}
				put32(v.bytes(e, i), 4*int(slots[level]), nb)
				v.dirty(i)
			}
			n.addSectors(int64(v.BlockSize >> 9))
			ptr = nb
		}
		parent = ptr
	}
	return parent, fresh, 0
}

// missingLevels counts the blocks (index and data) that mapping the block slots names
// would allocate.
func (v *volume) missingLevels(e Env, vol int, n *inode, depth int, slots [4]uint32) uint32 {
	ptr := n.block(slots[0])
	for level := 1; level < depth; level++ {
		if ptr == 0 {
			return uint32(depth - level + 1)
		}
		i, err := v.get(e, vol, ptr)
		if err != 0 {
			return 0 // the allocation pass meets the error
		}
		ptr = le32(v.bytes(e, i), 4*int(slots[level]))
	}
	if ptr == 0 {
		return 1
	}
	return 0
}

// freeFrom frees every block of n numbered first or above, and the index blocks that
// then cover nothing. n changes in memory; the caller writes it back.
func (v *volume) freeFrom(e Env, vol int, n *inode, first uint64) linux.Errno {
	sectors := int64(v.BlockSize >> 9)
	for b := first; b < nDirect; b++ {
		if ptr := n.block(uint32(b)); ptr != 0 {
			if err := v.freeBlock(e, vol, ptr); err != 0 {
				return err
			}
			n.setBlock(uint32(b), 0)
			n.addSectors(-sectors)
		}
	}
	p := uint64(v.PerBlock)
	base, cover := uint64(nDirect), p
	for k := uint32(indBlock); k <= tindBlock; k++ {
		ptr := n.block(k)
		if ptr != 0 && first < base+cover {
			start := uint64(0)
			if first > base {
				start = first - base
			}
			if err := v.freeTree(e, vol, n, ptr, int(k-indBlock)+1, start); err != 0 {
				return err
			}
			if start == 0 {
				if err := v.freeBlock(e, vol, ptr); err != 0 {
					return err
				}
				n.setBlock(k, 0)
				n.addSectors(-sectors)
			}
		}
		base += cover
		cover *= p
	}
	return 0
}

// freeTree frees what index block blk (levels deep: 1 holds data block numbers) maps
// from its start-th block on. With start 0 the caller frees blk itself, so its words are
// left as they are.
func (v *volume) freeTree(e Env, vol int, n *inode, blk uint32, levels int, start uint64) linux.Errno {
	p := uint64(v.PerBlock)
	cover := uint64(1)
	for l := 1; l < levels; l++ {
		cover *= p
	}
	sectors := int64(v.BlockSize >> 9)
	for j := start / cover; j < p; j++ {
		i, err := v.get(e, vol, blk)
		if err != 0 {
			return err
		}
		ptr := le32(v.bytes(e, i), 4*int(j))
		if ptr == 0 {
			continue
		}
		sub := uint64(0)
		if j == start/cover {
			sub = start % cover
		}
		if levels > 1 {
			if err := v.freeTree(e, vol, n, ptr, levels-1, sub); err != 0 {
				return err
			}
		}
		if sub != 0 {
			continue // the first child keeps its lower part
		}
		if err := v.freeBlock(e, vol, ptr); err != 0 {
			return err
		}
		n.addSectors(-sectors)
		if start != 0 {
			if i, err = v.get(e, vol, blk); err != 0 {
				return err
			}
			put32(v.bytes(e, i), 4*int(j), 0)
			v.dirty(i)
		}
	}
	return 0
}
