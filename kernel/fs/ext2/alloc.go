package ext2

import "github.com/unigo-os/unigo/kernel/abi/linux"

// Block and inode allocation: the bitmaps (through the cache), the group descriptors'
// counts (through the cache) and the superblock's (in the volume, written at Sync) change
// together, so e2fsck finds them in agreement.

// gdLoc returns the block and offset of group g's descriptor.
func (v *volume) gdLoc(g uint32) (uint32, int) {
	off := g * gdSize
	return v.GDTStart + off>>v.Shift, int(off & (v.BlockSize - 1))
}

// gdGet reads field of group g's descriptor (the counts are 16 bits, the rest 32).
func (v *volume) gdGet(e Env, vol int, g uint32, field int) (uint32, linux.Errno) {
	blk, off := v.gdLoc(g)
	i, err := v.get(e, vol, blk)
	if err != 0 {
		return 0, err
	}
	b := v.bytes(e, i)
	if field >= gdFreeBlocks {
		return le16(b, off+field), 0
	}
	return le32(b, off+field), 0
}

// gdAdd adds delta to the 16-bit count field of group g's descriptor.
func (v *volume) gdAdd(e Env, vol int, g uint32, field int, delta int32) linux.Errno {
	blk, off := v.gdLoc(g)
	i, err := v.get(e, vol, blk)
	if err != 0 {
		return err
	}
	b := v.bytes(e, i)
	put16(b, off+field, uint32(int32(le16(b, off+field))+delta))
	v.dirty(i)
	return 0
}

// groupBlocks is how many blocks group g has (the last one may be short).
func (v *volume) groupBlocks(g uint32) uint32 {
	if g == v.Groups-1 {
		return v.Blocks - v.FirstData - g*v.PerGroup
	}
	return v.PerGroup
}

// takeBit finds a clear bit in [start, n) of bitmap block blk, sets it and returns it.
func (v *volume) takeBit(e Env, vol int, blk, start, n uint32) (uint32, bool, linux.Errno) {
	i, err := v.get(e, vol, blk)
	if err != 0 {
		return 0, false, err
	}
	b := v.bytes(e, i)
	for bit := start; bit < n; {
		if bit%8 == 0 && b[bit/8] == 0xff {
			bit += 8
			continue
		}
		if b[bit/8]&(1<<(bit%8)) == 0 {
			b[bit/8] |= 1 << (bit % 8)
			v.dirty(i)
			return bit, true, 0
		}
		bit++
	}
	return 0, false, 0
}

// clearBit clears bit of bitmap block blk; EIO if it was already clear (the bitmap and
// the tree disagree: a corrupt volume).
func (v *volume) clearBit(e Env, vol int, blk, bit uint32) linux.Errno {
	i, err := v.get(e, vol, blk)
	if err != 0 {
		return err
	}
	b := v.bytes(e, i)
	if b[bit/8]&(1<<(bit%8)) == 0 {
		return linux.EIO
	}
	b[bit/8] &^= 1 << (bit % 8)
	v.dirty(i)
	return 0
}

// allocBlock takes a free block, the first at or after goal if one is free there (files
// stay contiguous), else the first in a later group. The block is not zeroed.
func (v *volume) allocBlock(e Env, vol int, goal uint32) (uint32, linux.Errno) {
	if v.FreeBlocks == 0 {
		return 0, linux.ENOSPC
	}
	if goal < v.FirstData || goal >= v.Blocks {
		goal = v.FirstData
	}
	g0 := (goal - v.FirstData) / v.PerGroup
	for k := uint32(0); k <= v.Groups; k++ {
		g := (g0 + k) % v.Groups
		free, err := v.gdGet(e, vol, g, gdFreeBlocks)
		if err != 0 {
			return 0, err
		}
		if free == 0 {
			continue
		}
		start := uint32(0)
		if k == 0 {
			start = (goal - v.FirstData) % v.PerGroup
		}
		bitmap, _ := v.gdGet(e, vol, g, gdBlockBitmap)
		bit, ok, err := v.takeBit(e, vol, bitmap, start, v.groupBlocks(g))
		if err != 0 {
			return 0, err
		}
		if !ok {
			continue
		}
		if err := v.gdAdd(e, vol, g, gdFreeBlocks, -1); err != 0 {
			return 0, err
		}
		v.FreeBlocks--
		v.SuperDirty = true
		return v.FirstData + g*v.PerGroup + bit, 0
	}
	return 0, linux.ENOSPC
}

// freeBlock returns block blk to its group and drops it from the cache.
func (v *volume) freeBlock(e Env, vol int, blk uint32) linux.Errno {
	if blk < v.FirstData || blk >= v.Blocks {
		return linux.EIO
	}
	g, bit := (blk-v.FirstData)/v.PerGroup, (blk-v.FirstData)%v.PerGroup
	bitmap, err := v.gdGet(e, vol, g, gdBlockBitmap)
	if err != 0 {
		return err
	}
	if err := v.clearBit(e, vol, bitmap, bit); err != 0 {
		return err
	}
	v.forget(blk)
	v.FreeBlocks++
	v.SuperDirty = true
	return v.gdAdd(e, vol, g, gdFreeBlocks, 1)
}

// allocInode takes a free inode: a directory goes to a group with more free inodes than
// average and the most free blocks (spreading the tree), anything else near its parent.
func (v *volume) allocInode(e Env, vol int, parent uint32, dir bool) (uint32, linux.Errno) {
	if v.FreeInodes == 0 {
		return 0, linux.ENOSPC
	}
	g0 := (parent - 1) / v.InodesPerGroup
	if dir {
		var err linux.Errno
		if g0, err = v.dirGroup(e, vol, g0); err != 0 {
			return 0, err
		}
	}
	for k := uint32(0); k < v.Groups; k++ {
		g := (g0 + k) % v.Groups
		free, err := v.gdGet(e, vol, g, gdFreeInodes)
		if err != 0 {
			return 0, err
		}
		if free == 0 {
			continue
		}
		start := uint32(0)
		if g == 0 {
			start = v.FirstIno - 1 // the reserved inodes
		}
		bitmap, _ := v.gdGet(e, vol, g, gdInodeBitmap)
		bit, ok, err := v.takeBit(e, vol, bitmap, start, v.InodesPerGroup)
		if err != 0 {
			return 0, err
		}
		if !ok {
			continue
		}
		if err := v.gdAdd(e, vol, g, gdFreeInodes, -1); err != 0 {
			return 0, err
		}
		if dir {
			if err := v.gdAdd(e, vol, g, gdUsedDirs, 1); err != 0 {
				return 0, err
			}
		}
		v.FreeInodes--
		v.SuperDirty = true
		return g*v.InodesPerGroup + bit + 1, 0
	}
	return 0, linux.ENOSPC
}

// dirGroup picks the group for a new directory (fallback: the parent's group).
func (v *volume) dirGroup(e Env, vol int, fallback uint32) (uint32, linux.Errno) {
	avg := v.FreeInodes / v.Groups
	best, bestFree := fallback, uint32(0)
	for g := uint32(0); g < v.Groups; g++ {
		fi, err := v.gdGet(e, vol, g, gdFreeInodes)
		if err != 0 {
			return 0, err
		}
		fb, _ := v.gdGet(e, vol, g, gdFreeBlocks)
		if fi > 0 && fi >= avg && fb > bestFree {
			best, bestFree = g, fb
		}
	}
	return best, 0
}

// freeInode returns inode ino to its group.
func (v *volume) freeInode(e Env, vol int, ino uint32, dir bool) linux.Errno {
	g, bit := (ino-1)/v.InodesPerGroup, (ino-1)%v.InodesPerGroup
	bitmap, err := v.gdGet(e, vol, g, gdInodeBitmap)
	if err != 0 {
		return err
	}
	if err := v.clearBit(e, vol, bitmap, bit); err != 0 {
		return err
	}
	v.FreeInodes++
	v.SuperDirty = true
	if dir {
		if err := v.gdAdd(e, vol, g, gdUsedDirs, -1); err != 0 {
			return err
		}
	}
	return v.gdAdd(e, vol, g, gdFreeInodes, 1)
}
