// File mode bits and statx(2) masks, from include/uapi/linux/stat.h, and
// directory entry types from include/linux/fs_types.h (the DT_* values of getdents64).

package linux

// File type and permission bits, include/uapi/linux/stat.h (octal, as in the header).
const (
	S_IFMT   = 00170000
	S_IFSOCK = 0140000
	S_IFLNK  = 0120000
	S_IFREG  = 0100000
	S_IFBLK  = 0060000
	S_IFDIR  = 0040000
	S_IFCHR  = 0020000
	S_IFIFO  = 0010000
	S_ISUID  = 0004000
	S_ISGID  = 0002000
	S_ISVTX  = 0001000
	S_IRWXU  = 00700
	S_IRUSR  = 00400
	S_IWUSR  = 00200
	S_IXUSR  = 00100
	S_IRWXG  = 00070
	S_IRGRP  = 00040
	S_IWGRP  = 00020
	S_IXGRP  = 00010
	S_IRWXO  = 00007
	S_IROTH  = 00004
	S_IWOTH  = 00002
	S_IXOTH  = 00001
)

// statx(2) request/result mask, include/uapi/linux/stat.h.
const (
	STATX_TYPE           = 0x1
	STATX_MODE           = 0x2
	STATX_NLINK          = 0x4
	STATX_UID            = 0x8
	STATX_GID            = 0x10
	STATX_ATIME          = 0x20
	STATX_MTIME          = 0x40
	STATX_CTIME          = 0x80
	STATX_INO            = 0x100
	STATX_SIZE           = 0x200
	STATX_BLOCKS         = 0x400
	STATX_BASIC_STATS    = 0x7ff
	STATX_BTIME          = 0x800
	STATX_MNT_ID         = 0x1000
	STATX_DIOALIGN       = 0x2000
	STATX_MNT_ID_UNIQUE  = 0x4000
	STATX_SUBVOL         = 0x8000
	STATX_WRITE_ATOMIC   = 0x10000
	STATX_DIO_READ_ALIGN = 0x20000
	STATX__RESERVED      = 0x80000000
)

// statx(2) attributes, include/uapi/linux/stat.h.
const (
	STATX_ATTR_COMPRESSED   = 0x4
	STATX_ATTR_IMMUTABLE    = 0x10
	STATX_ATTR_APPEND       = 0x20
	STATX_ATTR_NODUMP       = 0x40
	STATX_ATTR_ENCRYPTED    = 0x800
	STATX_ATTR_AUTOMOUNT    = 0x1000
	STATX_ATTR_MOUNT_ROOT   = 0x2000
	STATX_ATTR_VERITY       = 0x100000
	STATX_ATTR_DAX          = 0x200000
	STATX_ATTR_WRITE_ATOMIC = 0x400000
)

// Directory entry types (linux_dirent64.d_type), include/linux/fs_types.h.
const (
	DT_UNKNOWN = 0x0
	DT_FIFO    = 0x1
	DT_CHR     = 0x2
	DT_DIR     = 0x4
	DT_BLK     = 0x6
	DT_REG     = 0x8
	DT_LNK     = 0xa
	DT_SOCK    = 0xc
	DT_WHT     = 0xe
)

// StatxTimestamp mirrors struct statx_timestamp, include/uapi/linux/stat.h.
type StatxTimestamp struct {
	Sec  int64  // tv_sec
	Nsec uint32 // tv_nsec
	_    int32  // __reserved
}

// Statx mirrors struct statx (include/uapi/linux/stat.h), 256 bytes, as filled by
// statx(2). Fields past those a caller's mask asked for may be left zero.
type Statx struct {
	Mask                   uint32 // stx_mask: STATX_* filled in
	Blksize                uint32
	Attributes             uint64 // STATX_ATTR_*
	Nlink                  uint32
	Uid                    uint32
	Gid                    uint32
	Mode                   uint16
	_                      uint16 // __spare0
	Ino                    uint64
	Size                   uint64
	Blocks                 uint64
	AttributesMask         uint64
	Atime                  StatxTimestamp
	Btime                  StatxTimestamp
	Ctime                  StatxTimestamp
	Mtime                  StatxTimestamp
	RdevMajor              uint32
	RdevMinor              uint32
	DevMajor               uint32
	DevMinor               uint32
	MntID                  uint64
	DioMemAlign            uint32
	DioOffsetAlign         uint32
	Subvol                 uint64
	AtomicWriteUnitMin     uint32
	AtomicWriteUnitMax     uint32
	AtomicWriteSegmentsMax uint32
	DioReadOffsetAlign     uint32
	AtomicWriteUnitMaxOpt  uint32
	_                      uint32    // __spare2
	_                      [8]uint64 // __spare3
}
