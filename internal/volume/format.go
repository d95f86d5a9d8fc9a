package volume

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Options are the choices `unigo volume create` offers.
type Options struct {
	Label string    // up to 16 bytes, shown by tools as the volume name
	Now   time.Time // creation time; zero means time.Now
}

// Create makes a new volume file at path of the given size (rounded down to whole 4 KiB
// blocks). It refuses to overwrite an existing file, so a typo cannot destroy a volume.
// The file is sparse: only the metadata is written.
func Create(path string, size int64, opt Options) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s already exists; refusing to overwrite it", path)
		}
		return err
	}
	err = func() error {
		if err := f.Truncate(size); err != nil {
			return err
		}
		if err := Format(f, size, opt); err != nil {
			return err
		}
		return f.Sync()
	}()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("creating volume %s: %w", path, err)
	}
	return nil
}

// plan works out the geometry of a volume of size bytes.
func plan(size int64) (*geometry, error) {
	if size < MinSize {
		return nil, fmt.Errorf("size %d is too small: a volume needs at least %d MiB", size, MinSize>>20)
	}
	if size/blockSize > maxBlocks {
		return nil, fmt.Errorf("size %d is too large: ext2 with 4 KiB blocks holds at most 16 TiB", size)
	}
	g := &geometry{blocks: uint32(size / blockSize)}
	for {
		g.groups = (g.blocks + blocksPerGroup - 1) / blocksPerGroup
		g.gdtBlocks = (g.groups*descSize + blockSize - 1) / blockSize
		// One inode per bytesPerInode, spread evenly, a whole number of inode-table blocks
		// per group, and no more than a bitmap block can track.
		perBlock := uint32(blockSize / inodeSize)
		want := uint32(uint64(g.blocks) * blockSize / bytesPerInode)
		ipg := (want + g.groups - 1) / g.groups
		ipg = (ipg + perBlock - 1) / perBlock * perBlock
		if ipg < perBlock*2 {
			ipg = perBlock * 2
		}
		if ipg > blocksPerGroup {
			ipg = blocksPerGroup
		}
		g.inodesPerGroup = ipg
		g.itableBlocks = ipg / perBlock
		// A last group too small to hold its own metadata and some data is dropped, as
		// mke2fs does.
		last := g.groups - 1
		if g.groups > 1 && g.groupBlocks(last) < g.overhead(last)+64 {
			g.blocks = g.groupStart(last)
			continue
		}
		return g, nil
	}
}

// Format writes an empty ext2 file system (a root directory and lost+found) for a volume
// of size bytes to w. w must read as zeros (a fresh or truncated file): the inode tables
// are left unwritten.
func Format(w io.WriterAt, size int64, opt Options) error {
	g, err := plan(size)
	if err != nil {
		return err
	}
	if len(opt.Label) > 16 {
		return fmt.Errorf("label %q is longer than 16 bytes", opt.Label)
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	var uuid, seed [16]byte
	if _, err := rand.Read(uuid[:]); err != nil {
		return err
	}
	uuid[6] = uuid[6]&0x0f | 0x40 // a version 4 (random) UUID
	uuid[8] = uuid[8]&0x3f | 0x80
	if _, err := rand.Read(seed[:]); err != nil {
		return err
	}

	// Group 0 also holds the two directories' blocks, right after its metadata.
	rootBlock := g.overhead(0)
	lostBlock := rootBlock + 1

	descs := make([]byte, g.gdtBlocks*blockSize)
	var freeBlocks, freeInodes uint64
	for i := uint32(0); i < g.groups; i++ {
		used := g.overhead(i)
		usedInodes := uint32(0)
		dirs := uint16(0)
		if i == 0 {
			used += 2 // root and lost+found
			usedInodes = firstIno
			dirs = 2
		}
		meta := g.metaStart(i)
		d := descs[i*descSize:]
		binary.LittleEndian.PutUint32(d[0:], meta)   // block bitmap
		binary.LittleEndian.PutUint32(d[4:], meta+1) // inode bitmap
		binary.LittleEndian.PutUint32(d[8:], meta+2) // inode table
		binary.LittleEndian.PutUint16(d[12:], uint16(g.groupBlocks(i)-used))
		binary.LittleEndian.PutUint16(d[14:], uint16(g.inodesPerGroup-usedInodes))
		binary.LittleEndian.PutUint16(d[16:], dirs)
		freeBlocks += uint64(g.groupBlocks(i) - used)
		freeInodes += uint64(g.inodesPerGroup - usedInodes)

		// Bitmaps: the used blocks and inodes at the front, and the bits past the end of
		// the group set, as the format requires.
		if err := writeAt(w, bitmap(used, g.groupBlocks(i)), uint64(meta)*blockSize); err != nil {
			return err
		}
		if err := writeAt(w, bitmap(usedInodes, g.inodesPerGroup), uint64(meta+1)*blockSize); err != nil {
			return err
		}
	}

	sb := superblock(g, freeBlocks, freeInodes, now, uuid, seed, opt.Label)
	for i := uint32(0); i < g.groups; i++ {
		if !groupHasSuper(i) {
			continue
		}
		off := uint64(g.groupStart(i)) * blockSize
		binary.LittleEndian.PutUint16(sb[90:], uint16(i)) // s_block_group_nr
		if i == 0 {
			off = superOffset
		}
		if err := writeAt(w, sb, off); err != nil {
			return err
		}
		if err := writeAt(w, descs, uint64(g.groupStart(i)+1)*blockSize); err != nil {
			return err
		}
	}

	// The root directory holds ".", ".." and lost+found; lost+found holds "." and "..".
	// Each directory takes one block; the last entry's record runs to the block's end.
	t := uint32(now.Unix())
	itable := uint64(g.metaStart(0)+2) * blockSize
	root := dirBlock([]dirent{{rootIno, "."}, {rootIno, ".."}, {lostFoundIno, "lost+found"}})
	if err := writeAt(w, root, uint64(rootBlock)*blockSize); err != nil {
		return err
	}
	if err := writeAt(w, dirInode(0o755, 3, rootBlock, t), itable+(rootIno-1)*inodeSize); err != nil {
		return err
	}
	lost := dirBlock([]dirent{{lostFoundIno, "."}, {rootIno, ".."}})
	if err := writeAt(w, lost, uint64(lostBlock)*blockSize); err != nil {
		return err
	}
	return writeAt(w, dirInode(0o700, 2, lostBlock, t), itable+(lostFoundIno-1)*inodeSize)
}

func writeAt(w io.WriterAt, b []byte, off uint64) error {
	_, err := w.WriteAt(b, int64(off))
	return err
}

// bitmap is one bitmap block with bits [0, used) and [limit, end of block) set.
func bitmap(used, limit uint32) []byte {
	b := make([]byte, blockSize)
	for i := uint32(0); i < blockSize*8; i++ {
		if i < used || i >= limit {
			b[i/8] |= 1 << (i % 8)
		}
	}
	return b
}

// superblock encodes the superblock (1024 bytes; offsets from ext2_fs.h).
func superblock(g *geometry, freeBlocks, freeInodes uint64, now time.Time, uuid, seed [16]byte, label string) []byte {
	b := make([]byte, 1024)
	le := binary.LittleEndian
	t := uint32(now.Unix())
	le.PutUint32(b[0:], g.inodesPerGroup*g.groups) // s_inodes_count
	le.PutUint32(b[4:], g.blocks)                  // s_blocks_count
	le.PutUint32(b[8:], 0)                         // s_r_blocks_count: none reserved for root
	le.PutUint32(b[12:], uint32(freeBlocks))
	le.PutUint32(b[16:], uint32(freeInodes))
	le.PutUint32(b[20:], 0) // s_first_data_block: 0 with blocks larger than 1 KiB
	le.PutUint32(b[24:], logBlockSize)
	le.PutUint32(b[28:], logBlockSize) // s_log_frag_size
	le.PutUint32(b[32:], blocksPerGroup)
	le.PutUint32(b[36:], blocksPerGroup) // s_frags_per_group
	le.PutUint32(b[40:], g.inodesPerGroup)
	le.PutUint32(b[48:], t)      // s_wtime
	le.PutUint16(b[54:], 0xffff) // s_max_mnt_count = -1: no forced checks
	le.PutUint16(b[56:], superMagic)
	le.PutUint16(b[58:], stateClean)
	le.PutUint16(b[60:], errorsContinue)
	le.PutUint32(b[64:], t) // s_lastcheck
	le.PutUint32(b[72:], creatorLinux)
	le.PutUint32(b[76:], revDynamic)
	le.PutUint32(b[84:], firstIno)
	le.PutUint16(b[88:], inodeSize)
	le.PutUint32(b[96:], featIncompatFiletype)
	le.PutUint32(b[100:], featROCompatSparse|featROCompatLargeFile)
	copy(b[104:120], uuid[:])
	copy(b[120:136], label)
	for i := 0; i < 4; i++ {
		le.PutUint32(b[236+4*i:], le.Uint32(seed[4*i:])) // s_hash_seed
	}
	b[252] = 1                        // s_def_hash_version: half MD4, for tools that add an index
	le.PutUint32(b[264:], t)          // s_mkfs_time
	le.PutUint16(b[348:], extraIsize) // s_min_extra_isize
	le.PutUint16(b[350:], extraIsize) // s_want_extra_isize
	return b
}

type dirent struct {
	ino  uint32
	name string
}

// dirBlock encodes directory entries (with the FILETYPE byte) into one block.
func dirBlock(ents []dirent) []byte {
	b := make([]byte, blockSize)
	off := 0
	for i, e := range ents {
		rec := (8 + len(e.name) + 3) &^ 3
		if i == len(ents)-1 {
			rec = blockSize - off
		}
		binary.LittleEndian.PutUint32(b[off:], e.ino)
		binary.LittleEndian.PutUint16(b[off+4:], uint16(rec))
		b[off+6] = byte(len(e.name))
		b[off+7] = fileTypeDir
		copy(b[off+8:], e.name)
		off += rec
	}
	return b
}

// dirInode encodes a directory inode with one data block.
func dirInode(perm uint16, links uint16, block uint32, t uint32) []byte {
	b := make([]byte, inodeSize)
	le := binary.LittleEndian
	le.PutUint16(b[0:], sIFDIR|perm)
	le.PutUint32(b[4:], blockSize) // i_size
	le.PutUint32(b[8:], t)         // i_atime
	le.PutUint32(b[12:], t)        // i_ctime
	le.PutUint32(b[16:], t)        // i_mtime
	le.PutUint16(b[26:], links)
	le.PutUint32(b[28:], blockSize/512) // i_blocks, in 512-byte units
	le.PutUint32(b[40:], block)         // i_block[0]
	le.PutUint16(b[128:], extraIsize)
	le.PutUint32(b[144:], t) // i_crtime
	return b
}
