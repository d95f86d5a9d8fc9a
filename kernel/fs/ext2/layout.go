package ext2

// The on-disk format, from the ext2 specification ("The Second Extended File System",
// Dave Poirier) and Linux's fs/ext2/ext2.h. Everything is little-endian.

// The superblock: 1024 bytes at byte 1024 of the volume.
const (
	sbOffset = 1024
	sbSize   = 1024

	sbInodesCount     = 0
	sbBlocksCount     = 4
	sbRBlocksCount    = 8
	sbFreeBlocks      = 12
	sbFreeInodes      = 16
	sbFirstDataBlock  = 20
	sbLogBlockSize    = 24
	sbBlocksPerGroup  = 32
	sbInodesPerGroup  = 40
	sbMtime           = 44
	sbWtime           = 48
	sbMntCount        = 52 // u16
	sbMagic           = 56 // u16
	sbState           = 58 // u16
	sbRevLevel        = 76
	sbFirstIno        = 84
	sbInodeSize       = 88 // u16
	sbFeatureCompat   = 92
	sbFeatureIncompat = 96
	sbFeatureRoCompat = 100
	sbReservedGDT     = 206 // u16: blocks kept after the descriptors for resize_inode

	magic = 0xEF53

	stateValid = 1 // s_state: cleanly unmounted
)

// Feature bits this code understands. Unknown incompat features refuse the mount;
// unknown ro_compat features make it read-only; compat features are safe to ignore
// (ext_attr blocks are released when their inode is, dir_index directories are read as
// the linear directories they also are, and lose their index on the first change).
const (
	incompatFiletype = 0x0002
	incompatRecover  = 0x0004 // a journal needs replaying: only ext3/4 code can
	incompatKnown    = incompatFiletype

	roCompatSparseSuper = 0x0001
	roCompatLargeFile   = 0x0002
	roCompatBtreeDir    = 0x0004 // never used by anyone
	roCompatKnown       = roCompatSparseSuper | roCompatLargeFile | roCompatBtreeDir
)

// A group descriptor: 32 bytes, in the blocks after the superblock's.
const (
	gdSize        = 32
	gdBlockBitmap = 0
	gdInodeBitmap = 4
	gdInodeTable  = 8
	gdFreeBlocks  = 12 // u16
	gdFreeInodes  = 14 // u16
	gdUsedDirs    = 16 // u16
)

// An inode: 128 bytes, or 256 with the extra fields that hold nanoseconds.
const (
	inMode        = 0 // u16
	inUid         = 2 // u16, low half
	inSize        = 4 // low 32 bits
	inAtime       = 8
	inCtime       = 12
	inMtime       = 16
	inDtime       = 20
	inGid         = 24 // u16, low half
	inLinks       = 26 // u16
	inBlocks      = 28 // 512-byte units, data and index blocks alike
	inFlags       = 32
	inBlock       = 40 // 15 words: 12 direct, indirect, double, triple
	inGeneration  = 100
	inFileACL     = 104 // the extended-attribute block
	inSizeHigh    = 108 // regular files: high 32 bits of the size
	inUidHigh     = 120 // u16
	inGidHigh     = 122 // u16
	inExtraIsize  = 128 // u16: bytes used past 128
	inCtimeExtra  = 132 // nanoseconds << 2 | epoch bits
	inMtimeExtra  = 136
	inAtimeExtra  = 140
	inCrtime      = 144
	inCrtimeExtra = 148

	goodOldInodeSize = 128
	extraIsize       = 32 // what we write into i_extra_isize: up to i_crtime_extra and i_version_hi/projid

	nDirect        = 12
	indBlock       = 12
	dindBlock      = 13
	tindBlock      = 14
	fastSymlinkMax = 60 // targets shorter than this live in i_block

	flagIndex     = 0x1000 // EXT2_INDEX_FL: an htree directory
	flagImmutable = 0x10
	flagAppend    = 0x20

	linkMax = 32000 // EXT2_LINK_MAX
)

// Reserved inode numbers.
const (
	rootIno = 2
)

// A directory entry: inode, record length, name length, file type, name, padded to 4.
const (
	deInode   = 0
	deRecLen  = 4 // u16
	deNameLen = 6 // u8
	deType    = 7 // u8: ft* with the filetype feature, else the high byte of the name length
	deName    = 8
	maxName   = 255
)

// Directory entry file types (EXT2_FT_*).
const (
	ftUnknown = 0
	ftReg     = 1
	ftDir     = 2
	ftChr     = 3
	ftBlk     = 4
	ftFifo    = 5
	ftSock    = 6
	ftSymlink = 7
)

// The extended-attribute block header: magic, reference count.
const (
	eaMagic    = 0xEA020000
	eaRefcount = 4
)

// recLen is the smallest record that holds a name of n bytes.
func recLen(n int) int { return (deName + n + 3) &^ 3 }

func le16(b []byte, off int) uint32 { return uint32(b[off]) | uint32(b[off+1])<<8 }

func le32(b []byte, off int) uint32 {
	return uint32(b[off]) | uint32(b[off+1])<<8 | uint32(b[off+2])<<16 | uint32(b[off+3])<<24
}

func put16(b []byte, off int, v uint32) {
	b[off] = byte(v)
	b[off+1] = byte(v >> 8)
}

func put32(b []byte, off int, v uint32) {
	b[off] = byte(v)
	b[off+1] = byte(v >> 8)
	b[off+2] = byte(v >> 16)
	b[off+3] = byte(v >> 24)
}
