// fcntl commands, *at(2) flags and file-seal bits, from include/uapi/asm-generic/fcntl.h
// and include/uapi/linux/fcntl.h. The O_* open flags are arch-specific: fcntl_amd64.go.

package linux

// fcntl(2) commands, include/uapi/asm-generic/fcntl.h.
const (
	F_DUPFD         = 0x0
	F_GETFD         = 0x1
	F_SETFD         = 0x2
	F_GETFL         = 0x3
	F_SETFL         = 0x4
	F_GETLK         = 0x5
	F_SETLK         = 0x6
	F_SETLKW        = 0x7
	F_SETOWN        = 0x8
	F_GETOWN        = 0x9
	F_SETSIG        = 0xa
	F_GETSIG        = 0xb
	F_SETOWN_EX     = 0xf
	F_GETOWN_EX     = 0x10
	F_GETOWNER_UIDS = 17
	F_OFD_GETLK     = 0x24
	F_OFD_SETLK     = 0x25
	F_OFD_SETLKW    = 0x26
)

// Linux-specific fcntl(2) commands, include/uapi/linux/fcntl.h.
const (
	F_LINUX_SPECIFIC_BASE = 1024
	F_SETLEASE            = 0x400
	F_GETLEASE            = 0x401
	F_NOTIFY              = 0x402
	F_DUPFD_QUERY         = 0x403
	F_CREATED_QUERY       = 0x404
	F_CANCELLK            = 1029
	F_DUPFD_CLOEXEC       = 0x406
	F_SETPIPE_SZ          = 0x407
	F_GETPIPE_SZ          = 0x408
	F_ADD_SEALS           = 0x409
	F_GET_SEALS           = 0x40a
	F_GET_RW_HINT         = 0x40b
	F_SET_RW_HINT         = 0x40c
	F_GET_FILE_RW_HINT    = 0x40d
	F_SET_FILE_RW_HINT    = 0x40e
)

// File seals for F_ADD_SEALS, include/uapi/linux/fcntl.h.
const (
	F_SEAL_SEAL         = 0x1
	F_SEAL_SHRINK       = 0x2
	F_SEAL_GROW         = 0x4
	F_SEAL_WRITE        = 0x8
	F_SEAL_FUTURE_WRITE = 0x10
	F_SEAL_EXEC         = 0x20
)

// Record lock types, include/uapi/asm-generic/fcntl.h.
const (
	F_RDLCK = 0x0
	F_WRLCK = 0x1
	F_UNLCK = 0x2
)

// F_SETOWN_EX owner types, include/uapi/asm-generic/fcntl.h.
const (
	F_OWNER_TID  = 0
	F_OWNER_PID  = 1
	F_OWNER_PGRP = 2
)

// File descriptor flags for F_GETFD/F_SETFD, include/uapi/asm-generic/fcntl.h.
const (
	FD_CLOEXEC = 1
)

// Special dirfd and *at(2) flags, include/uapi/linux/fcntl.h.
const (
	AT_FDCWD                = -0x64
	AT_SYMLINK_NOFOLLOW     = 0x100
	AT_REMOVEDIR            = 0x200
	AT_EACCESS              = 0x200
	AT_SYMLINK_FOLLOW       = 0x400
	AT_NO_AUTOMOUNT         = 0x800
	AT_EMPTY_PATH           = 0x1000
	AT_STATX_SYNC_TYPE      = 0x6000
	AT_STATX_SYNC_AS_STAT   = 0x0
	AT_STATX_FORCE_SYNC     = 0x2000
	AT_STATX_DONT_SYNC      = 0x4000
	AT_RECURSIVE            = 0x8000
	AT_HANDLE_FID           = 0x200
	AT_HANDLE_MNT_ID_UNIQUE = 0x001
	AT_HANDLE_CONNECTABLE   = 0x002
	AT_EXECVE_CHECK         = 0x10000
)

// renameat2(2) flags, include/uapi/linux/fcntl.h.
const (
	RENAME_NOREPLACE = 0x1
	RENAME_EXCHANGE  = 0x2
	RENAME_WHITEOUT  = 0x4
)

// lseek(2) whence values, include/uapi/linux/fs.h.
const (
	SEEK_SET  = 0x0
	SEEK_CUR  = 0x1
	SEEK_END  = 0x2
	SEEK_DATA = 0x3
	SEEK_HOLE = 0x4
	SEEK_MAX  = 0x4
)

// access(2) modes, include/linux/fcntl.h via unistd.h (F_OK etc. are not in uapi;
// these are the values every libc uses).
const (
	F_OK = 0x0
	R_OK = 4
	W_OK = 2
	X_OK = 1
)
