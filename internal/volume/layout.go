// Package volume makes and inspects unigo's persistent volumes: raw disk images holding an
// ext2 file system (revision 1), which the guest mounts from virtio-blk.
//
// Why ext2: it is a real, documented format with Unix semantics (permissions, symlinks,
// hard links, files that live on after unlink while open), which FAT lacks, and every
// Linux kernel and e2fsprogs (e2fsck, debugfs, mount -o loop) read and write it. The
// features that need more machinery than a small kernel should carry (a journal, extents,
// 64-bit block numbers, hashed directories, checksums) are left off; the guest refuses
// images that use them.
//
// The layout written here (block size 4 KiB, 32768 blocks per group):
//
//	block 0        boot area (1 KiB) + primary superblock at byte 1024
//	block 1..      group descriptor table (32 bytes per group)
//	then           block bitmap, inode bitmap, inode table of group 0
//	group g>0      a backup superblock and descriptor table when g is 0, 1 or a power
//	               of 3, 5 or 7 (SPARSE_SUPER), then its bitmaps and inode table
//
// Inode 2 is the root directory and inode 11 is lost+found, as e2fsck expects.
package volume

// The ext2 constants this package writes and checks (see the ext2 documentation in the
// Linux kernel tree, Documentation/filesystems/ext2.rst, and e2fsprogs' ext2_fs.h).
const (
	blockSize      = 4096
	logBlockSize   = 2 // blockSize = 1024 << logBlockSize
	blocksPerGroup = 8 * blockSize
	inodeSize      = 256
	bytesPerInode  = 16384 // one inode per 16 KiB of volume, like mke2fs's default
	extraIsize     = 32    // the part of each 256-byte inode beyond the classic 128 bytes we use

	superOffset = 1024 // the primary superblock's byte offset
	superMagic  = 0xEF53
	descSize    = 32

	rootIno      = 2
	lostFoundIno = 11
	firstIno     = 11 // inodes below this are reserved

	featIncompatFiletype        = 0x0002
	featROCompatSparse          = 0x0001
	featROCompatLargeFile       = 0x0002
	stateClean                  = 1
	errorsContinue              = 1
	revDynamic                  = 1
	creatorLinux                = 0
	sIFDIR                      = 0o040000
	fileTypeDir                 = 2
	minBlocks                   = 2048      // 8 MiB: room for the metadata and some data
	maxBlocks                   = 1<<32 - 1 // ext2 block numbers are 32 bits
	MinSize               int64 = minBlocks * blockSize
)

// groupHasSuper reports whether group g carries a copy of the superblock and descriptor
// table under SPARSE_SUPER: groups 0 and 1, and powers of 3, 5 and 7.
func groupHasSuper(g uint32) bool {
	if g <= 1 {
		return true
	}
	for _, b := range []uint32{3, 5, 7} {
		n := b
		for n < g {
			n *= b
		}
		if n == g {
			return true
		}
	}
	return false
}

// geometry is the shape of a volume of a given size.
type geometry struct {
	blocks         uint32 // total blocks
	groups         uint32
	inodesPerGroup uint32
	gdtBlocks      uint32 // blocks the descriptor table takes
	itableBlocks   uint32 // blocks each group's inode table takes
}

// groupStart is the first block of group g.
func (g *geometry) groupStart(i uint32) uint32 { return i * blocksPerGroup }

// groupBlocks is how many blocks group i has (the last group may be short).
func (g *geometry) groupBlocks(i uint32) uint32 {
	if i == g.groups-1 {
		return g.blocks - g.groupStart(i)
	}
	return blocksPerGroup
}

// overhead is the number of metadata blocks at the start of group i.
func (g *geometry) overhead(i uint32) uint32 {
	n := 2 + g.itableBlocks // the two bitmaps and the inode table
	if groupHasSuper(i) {
		n += 1 + g.gdtBlocks
	}
	return n
}

// metaStart is the group's first block after its superblock copy and descriptor table:
// where its block bitmap goes.
func (g *geometry) metaStart(i uint32) uint32 {
	s := g.groupStart(i)
	if groupHasSuper(i) {
		s += 1 + g.gdtBlocks
	}
	return s
}
