// x86-64 struct stat, from arch/x86/include/uapi/asm/stat.h.

package linux

// Stat_t mirrors the x86-64 struct stat (arch/x86/include/uapi/asm/stat.h), 144
// bytes, as filled by fstat(2) and newfstatat(2). Note st_nlink is 64-bit and
// precedes st_mode here, unlike asm-generic/stat.h.
type Stat_t struct {
	Dev     uint64   // st_dev
	Ino     uint64   // st_ino
	Nlink   uint64   // st_nlink
	Mode    uint32   // st_mode: S_IF* | permissions
	Uid     uint32   // st_uid
	Gid     uint32   // st_gid
	_       int32    // __pad0
	Rdev    uint64   // st_rdev
	Size    int64    // st_size
	Blksize int64    // st_blksize
	Blocks  int64    // st_blocks, in 512-byte units
	Atim    Timespec // st_atime, st_atime_nsec
	Mtim    Timespec // st_mtime, st_mtime_nsec
	Ctim    Timespec // st_ctime, st_ctime_nsec
	_       [3]int64 // __unused
}
