// Package ext2 is the file system of persistent volumes: ext2 revision 1 on a block
// device, read and written in the on-disk format that Linux and e2fsprogs (mke2fs,
// e2fsck, debugfs) use, so a volume moves freely between unigo and a Linux host.
//
// Layers, bottom up; each file is one concept:
//
//	disk.go        Disk (the kernel's virtio-blk adapter, or a test's fake) and Env
//	layout.go      the on-disk format: superblock, group descriptor, inode and directory
//	               entry offsets, feature bits, little-endian accessors
//	mem_unsafe.go  views of buffer frames (unsafe lives here)
//	volume.go      the volume table, Mount (superblock checks, Problem), Statfs
//	cache.go       the per-volume write-back buffer cache: LRU, batched write-back
//	alloc.go       bitmaps and free counts: blocks and inodes
//	inode.go       working copies of inodes, Attr/Stat, chmod/chown/utimes
//	open.go        the open-inode table (Ref/Release) and freeing an inode
//	bmap.go        the block map: direct, indirect, double and triple indirect blocks
//	file.go        ReadAt, WriteAt, Truncate, NextData
//	dir.go         directory records: find, add, remove, retarget, ".."
//	lookup.go      Lookup, Parent, NameOf, ReadDir (cookies), entry types
//	namei.go       Create, Symlink, Readlink, Link, Unlink, Rmdir
//	rename.go      Rename (with RENAME_NOREPLACE and RENAME_EXCHANGE)
//	sync.go        the clean/dirty state, Sync, SyncAll, Shutdown
//	testing.go     ResetForTest, for host tests that mount image after image
//
// Supported: block sizes 1, 2 and 4 KiB; 128- or 256-byte inodes (with 256, nanosecond
// timestamps and creation time in the extra fields); the filetype incompat feature (or
// none); sparse_super and large_file ro_compat. Any other incompat feature (extents,
// 64bit, flex_bg, meta_bg, a journal needing recovery: an ext3/4 volume) refuses the
// mount with EINVAL and a Problem text; other ro_compat features mount read-only.
// Compat features are harmless: an ext_attr block is released with its inode, and a
// dir_index directory is read linearly and loses its index flag on its first change.
//
// Linux's behaviour kept: immutable and append-only inodes (chattr +i, +a) refuse
// changes with EPERM. Not kept: access times are never updated (as with noatime), and
// ACLs and other extended attributes are neither read nor written.
//
// Locking: every exported operation that touches the disk runs between Disk.Lock and
// Disk.Unlock of its volume. Disk.Wait sleeps and other threads run meanwhile, so all
// of a volume's state (its table entry, cache and open table) is touched only under its
// lock; Ref, ReadOnly, Statfs and Problem read or change memory alone and need none.
// Each such function takes the lock, calls its twin named ...Locked, and releases it:
// no defer, which the compiler turns into a runtime.deferprocStack call (it needs a real
// goroutine; kernel code runs on a fake g) as soon as a function has too many returns.
//
// Memory: no Go allocation. A volume's geometry, superblock copy and open table live in
// a fixed global array of MaxVolumes; blocks are cached in frames from Env and found by
// index, never by a stored pointer. Operations work on stack copies of inodes and re-get
// a block by number rather than hold a view across a call that may evict it.
//
// Errors: bad input gives the errno Linux gives; a corrupt volume (a record or pointer
// that cannot be right) gives EIO, never a panic. ENOSPC is checked before anything is
// linked, and a write that runs out part way returns the bytes it placed.
package ext2
