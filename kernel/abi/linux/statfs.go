package linux

// Statfs_t mirrors the x86-64 struct statfs (include/uapi/asm-generic/statfs.h with
// __statfs_word = long), 120 bytes, as filled by statfs(2) and fstatfs(2).
type Statfs_t struct {
	Type    int64    // f_type: a magic number, include/uapi/linux/magic.h
	Bsize   int64    // f_bsize
	Blocks  uint64   // f_blocks
	Bfree   uint64   // f_bfree
	Bavail  uint64   // f_bavail
	Files   uint64   // f_files
	Ffree   uint64   // f_ffree
	Fsid    [2]int32 // f_fsid
	Namelen int64    // f_namelen
	Frsize  int64    // f_frsize
	Flags   int64    // f_flags: ST_*
	_       [4]int64 // f_spare
}

// File system magic numbers for f_type, include/uapi/linux/magic.h.
const (
	TMPFS_MAGIC         = 0x01021994
	RAMFS_MAGIC         = 0x858458f6
	PIPEFS_MAGIC        = 0x50495045
	ANON_INODE_FS_MAGIC = 0x09041934
)

// statfs f_flags, include/linux/statfs.h.
const (
	ST_RDONLY = 0x1
)

// Flock mirrors struct flock (include/uapi/asm-generic/fcntl.h), 32 bytes on x86-64:
// the argument of F_GETLK/F_SETLK/F_SETLKW and their OFD forms.
type Flock struct {
	Type   int16 // l_type: F_RDLCK, F_WRLCK, F_UNLCK
	Whence int16 // l_whence: SEEK_*
	_      int32
	Start  int64 // l_start
	Len    int64 // l_len
	Pid    int32 // l_pid
	_      int32
}

// flock(2) operations, include/uapi/asm-generic/fcntl.h.
const (
	LOCK_SH = 1
	LOCK_EX = 2
	LOCK_NB = 4
	LOCK_UN = 8
)
