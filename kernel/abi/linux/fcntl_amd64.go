// open(2) flags for x86-64, from include/uapi/asm-generic/fcntl.h (x86-64 takes
// the generic values; arm64, sparc, alpha, parisc and mips differ).

package linux

// open(2) flags, include/uapi/asm-generic/fcntl.h (octal, as in the header).
const (
	O_ACCMODE  = 00000003
	O_RDONLY   = 00000000
	O_WRONLY   = 00000001
	O_RDWR     = 00000002
	O_CREAT    = 00000100
	O_EXCL     = 00000200
	O_NOCTTY   = 00000400
	O_TRUNC    = 00001000
	O_APPEND   = 00002000
	O_NONBLOCK = 00004000
	O_DSYNC    = 00010000
	FASYNC     = 00020000
	O_DIRECT   = 00040000
	// O_LARGEFILE is the kernel's value; 64-bit libcs (and x/sys/unix) define it as 0
	// because the kernel forces it on for 64-bit callers.
	O_LARGEFILE = 00100000
	O_DIRECTORY = 00200000
	O_NOFOLLOW  = 00400000
	O_NOATIME   = 01000000
	O_CLOEXEC   = 02000000
	__O_SYNC    = 04000000
	O_SYNC      = __O_SYNC | O_DSYNC
	O_PATH      = 010000000
	__O_TMPFILE = 020000000
	O_TMPFILE   = __O_TMPFILE | O_DIRECTORY
	O_NDELAY    = O_NONBLOCK
	O_ASYNC     = FASYNC
)
