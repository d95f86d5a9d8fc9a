package ext2

import "github.com/unigo-os/unigo/kernel/abi/linux"

// MaxVolumes is how many ext2 volumes can be mounted at once; a volume's number (the
// Disk's vol) is its index in the table.
const MaxVolumes = 4

// maxInodes bounds s_inodes_count: package fs keeps an inode number and its type in one
// int32 (27 bits of number).
const maxInodes = 1 << 27

// volume is one mounted file system: the geometry decoded from the superblock, the
// superblock itself (written back at Sync), the open-inode table and the buffer cache.
// Guarded by the Disk's Lock for that volume.
type volume struct {
	Mounted    bool
	Vol        int // its index in vols: the Disk's volume number
	ReadOnly   bool
	Clean      bool   // the disk's superblock says "cleanly unmounted": mark it dirty before changing anything
	MountState uint32 // s_state when mounted: what SyncAll writes back

	BlockSize      uint32
	Shift          uint32 // log2(BlockSize)
	PerBlock       uint32 // block numbers in an index block
	Blocks         uint32 // s_blocks_count
	Inodes         uint32 // s_inodes_count
	FirstData      uint32 // s_first_data_block
	PerGroup       uint32 // blocks per group
	InodesPerGroup uint32
	InodeSize      uint32
	FirstIno       uint32
	Groups         uint32
	GDTStart       uint32 // first block of the group descriptor table
	Overhead       uint32 // blocks holding metadata (statfs reports the rest)
	Filetype       bool   // directory entries carry the file type
	MaxSize        uint64 // the largest file the block map and i_blocks allow

	FreeBlocks, FreeInodes uint32 // live copies of the superblock's counts
	SuperDirty             bool   // the counts or features changed since the superblock was last written
	RaIno                  Ino    // the file last read, and where that read ended: a read
	RaNext                 uint64 // starting there is sequential, and reads ahead
	Generation             uint32 // the next i_generation

	Super [sbSize]byte // the superblock as read, with our changes
	cache cache
	opens openTable
}

var vols [MaxVolumes]volume

// problem holds the reason the last mount failed, for Problem.
var (
	problem    [96]byte
	problemLen int
)

// Problem describes why the last Mount failed, or why it succeeded only read-only ("" if
// it mounted as asked).
func Problem() string { return view(problem[:problemLen]) }

// setProblem records msg, followed by " 0x" and x in hex when hex is set.
func setProblem(msg string, x uint32, hex bool) {
	problemLen = copy(problem[:], msg)
	if !hex {
		return
	}
	problemLen += copy(problem[problemLen:], " 0x")
	started := false
	for s := 28; s >= 0; s -= 4 {
		d := byte(x>>uint(s)) & 0xf
		if d == 0 && !started && s != 0 {
			continue
		}
		started = true
		problem[problemLen] = "0123456789abcdef"[d]
		problemLen++
	}
}

// ReadOnly reports whether volume vol refuses changes (mounted read-only, or with
// ro_compat features this code does not know).
func ReadOnly(vol int) bool { return vols[vol].ReadOnly }

// Mount reads and checks volume vol's superblock and group descriptors and makes it
// usable. readOnly forces a read-only mount; unknown ro_compat features force one too.
//
// Errors: EINVAL when the volume is not ext2 revision 1 in a form this code handles
// (Problem says why), EBUSY if vol is already mounted, EIO from the disk, ENOMEM if no
// frame is left for the buffer cache.
func Mount(e Env, vol int, readOnly bool) linux.Errno {
	problemLen = 0
	if vol < 0 || vol >= MaxVolumes {
		setProblem("volume number out of range", 0, false)
		return linux.EINVAL
	}
	if vols[vol].Mounted {
		setProblem("volume already mounted", 0, false)
		return linux.EBUSY
	}
	e.Disk.Lock(vol)
	r0 := mountLocked(e, vol, readOnly)
	e.Disk.Unlock(vol)
	return r0
}

// mountLocked is Mount, with the volume's lock held.
func mountLocked(e Env, vol int, readOnly bool) linux.Errno {
	v := &vols[vol]
	*v = volume{Vol: vol}
	v.cache.init()
	if e.Disk.Sectors(vol) < (sbOffset+sbSize)/512 {
		setProblem("device too small for a superblock", 0, false)
		return linux.EINVAL
	}
	// Read the superblock through a buffer of the cache, before the block size is known:
	// a 1024-byte "block" at byte 1024.
	v.BlockSize, v.Shift = sbSize, 10
	v.Blocks = 2
	i, err := v.get(e, vol, 1)
	if err != 0 {
		setProblem("cannot read the superblock", 0, false)
		return err
	}
	copy(v.Super[:], v.bytes(e, i))
	if err := v.decodeSuper(e, vol, readOnly); err != 0 {
		return err
	}
	v.cache.init() // the block size changes the buffers' layout in their frames
	if err := v.checkGroups(e, vol); err != 0 {
		return err
	}
	v.Mounted = true
	return 0
}

// decodeSuper checks the superblock and fills in the geometry.
func (v *volume) decodeSuper(e Env, vol int, readOnly bool) linux.Errno {
	s := v.Super[:]
	if m := le16(s, sbMagic); m != magic {
		setProblem("not ext2: bad magic", m, true)
		return linux.EINVAL
	}
	if rev := le32(s, sbRevLevel); rev != 1 {
		setProblem("unsupported revision (want 1)", rev, true)
		return linux.EINVAL
	}
	if f := le32(s, sbFeatureIncompat); f&incompatRecover != 0 {
		setProblem("journal needs recovery: incompat features", f, true)
		return linux.EINVAL
	} else if f&^incompatKnown != 0 {
		setProblem("ext3/ext4 volume: unsupported incompat features", f&^incompatKnown, true)
		return linux.EINVAL
	}
	log := le32(s, sbLogBlockSize)
	if log > 2 {
		setProblem("block size not 1024, 2048 or 4096: log", log, true)
		return linux.EINVAL
	}
	v.Shift = 10 + log
	v.BlockSize = 1 << v.Shift
	v.PerBlock = v.BlockSize / 4
	v.Blocks = le32(s, sbBlocksCount)
	v.Inodes = le32(s, sbInodesCount)
	v.FirstData = le32(s, sbFirstDataBlock)
	v.PerGroup = le32(s, sbBlocksPerGroup)
	v.InodesPerGroup = le32(s, sbInodesPerGroup)
	v.InodeSize = le16(s, sbInodeSize)
	v.FirstIno = le32(s, sbFirstIno)
	v.FreeBlocks = le32(s, sbFreeBlocks)
	v.FreeInodes = le32(s, sbFreeInodes)
	v.Filetype = le32(s, sbFeatureIncompat)&incompatFiletype != 0
	bits := v.BlockSize * 8
	wantFirst := uint32(0)
	if v.BlockSize == 1024 {
		wantFirst = 1
	}
	switch {
	case v.FirstData != wantFirst:
		setProblem("bad s_first_data_block", v.FirstData, true)
	case v.PerGroup == 0 || v.PerGroup > bits:
		setProblem("impossible blocks per group", v.PerGroup, true)
	case v.InodesPerGroup == 0 || v.InodesPerGroup > bits:
		setProblem("impossible inodes per group", v.InodesPerGroup, true)
	case v.InodeSize != 128 && v.InodeSize != 256:
		setProblem("inode size not 128 or 256:", v.InodeSize, true)
	case v.Blocks <= v.FirstData:
		setProblem("impossible block count", v.Blocks, true)
	case v.Inodes >= maxInodes:
		setProblem("too many inodes", v.Inodes, true)
	case v.FirstIno <= rootIno || v.FirstIno >= v.Inodes:
		setProblem("impossible first inode", v.FirstIno, true)
	case uint64(v.Blocks)<<(v.Shift-9) > e.Disk.Sectors(vol):
		setProblem("file system larger than the device: blocks", v.Blocks, true)
	}
	if problemLen != 0 {
		return linux.EINVAL
	}
	v.Groups = (v.Blocks - v.FirstData + v.PerGroup - 1) / v.PerGroup
	if uint64(v.Groups)*uint64(v.InodesPerGroup) != uint64(v.Inodes) {
		setProblem("inode count is not groups * inodes per group:", v.Inodes, true)
		return linux.EINVAL
	}
	if v.FreeBlocks > v.Blocks || v.FreeInodes > v.Inodes {
		setProblem("free counts larger than the file system", 0, false)
		return linux.EINVAL
	}
	v.GDTStart = v.FirstData + 1
	v.MaxSize = maxFileSize(v.Shift)
	v.MountState = le16(s, sbState)
	v.Clean = v.MountState&stateValid != 0
	v.Generation = le32(s, sbWtime)
	v.ReadOnly = readOnly
	if f := le32(s, sbFeatureRoCompat); f&^roCompatKnown != 0 && !readOnly {
		v.ReadOnly = true
		setProblem("mounted read-only: unknown ro_compat features", f&^roCompatKnown, true)
	}
	return 0
}

// checkGroups checks that every group's bitmaps and inode table lie inside the volume,
// and counts the metadata blocks for statfs.
func (v *volume) checkGroups(e Env, vol int) linux.Errno {
	gdtBlocks := (v.Groups*gdSize+v.BlockSize-1)/v.BlockSize + le16(v.Super[:], sbReservedGDT)
	itable := (v.InodesPerGroup*v.InodeSize + v.BlockSize - 1) / v.BlockSize
	v.Overhead = v.FirstData
	for g := uint32(0); g < v.Groups; g++ {
		bb, err := v.gdGet(e, vol, g, gdBlockBitmap)
		if err != 0 {
			setProblem("cannot read group descriptors", 0, false)
			return err
		}
		ib, _ := v.gdGet(e, vol, g, gdInodeBitmap)
		it, _ := v.gdGet(e, vol, g, gdInodeTable)
		if bb < v.FirstData || bb >= v.Blocks || ib < v.FirstData || ib >= v.Blocks ||
			it < v.FirstData || uint64(it)+uint64(itable) > uint64(v.Blocks) {
			setProblem("group descriptor points outside the volume: group", g, true)
			return linux.EINVAL
		}
		v.Overhead += 2 + itable
		if v.hasSuper(g) {
			v.Overhead += 1 + gdtBlocks
		}
	}
	if v.Overhead > v.Blocks {
		v.Overhead = v.Blocks
	}
	return 0
}

// hasSuper reports whether group g holds a superblock backup: all of them without
// sparse_super, else groups 0, 1 and the powers of 3, 5 and 7.
func (v *volume) hasSuper(g uint32) bool {
	if le32(v.Super[:], sbFeatureRoCompat)&roCompatSparseSuper == 0 || g <= 1 {
		return true
	}
	return isPower(g, 3) || isPower(g, 5) || isPower(g, 7)
}

func isPower(g, b uint32) bool {
	for g%b == 0 {
		g /= b
	}
	return g == 1
}

// maxFileSize is Linux's ext2_max_size: the largest file the block map addresses whose
// sectors, index blocks included, still fit i_blocks' 32 bits.
func maxFileSize(shift uint32) uint64 {
	ppb := uint64(1) << (shift - 2)
	res := uint64(nDirect) + ppb + ppb*ppb + ppb*ppb*ppb
	upper := uint64(1<<32-1) >> (shift - 9)
	meta := 1 + (1 + ppb) + (1 + ppb + ppb*ppb)
	if res+meta > upper {
		res = upper
		rest := upper - nDirect - ppb
		meta = 1
		if rest < ppb*ppb {
			meta += 1 + (rest+ppb-1)/ppb
		} else {
			meta += 1 + ppb
			rest -= ppb * ppb
			meta += 1 + (rest+ppb-1)/ppb + (rest+ppb*ppb-1)/(ppb*ppb)
		}
		res -= meta
	}
	return res << shift
}

// Usage is statfs(2)'s view of a volume, in blocks of Bsize bytes.
type Usage struct {
	Bsize               uint64
	Blocks, Free, Avail uint64
	Files, FFree        uint64
}

// Statfs reports volume vol's size and free space (Linux's default "bsddf": the
// metadata blocks are not counted).
func Statfs(vol int) Usage {
	v := &vols[vol]
	r := le32(v.Super[:], sbRBlocksCount)
	u := Usage{Bsize: uint64(v.BlockSize), Blocks: uint64(v.Blocks - v.Overhead), Free: uint64(v.FreeBlocks),
		Files: uint64(v.Inodes), FFree: uint64(v.FreeInodes)}
	if v.FreeBlocks > r {
		u.Avail = uint64(v.FreeBlocks - r)
	}
	return u
}
