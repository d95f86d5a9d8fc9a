package kernel

// Devices of /dev other than the console (fkDevice): null, zero, full, random and
// urandom. They have no state: every read and write is answered at once, so they are
// always ready for epoll.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/fs"
)

// devRead reads n bytes from device f into [p, p+n).
func devRead(f *file, p, n uintptr) (uintptr, linux.Errno) {
	if f.Flags&linux.O_ACCMODE == linux.O_WRONLY {
		return 0, linux.EBADF
	}
	if n > maxRW {
		n = maxRW
	}
	switch f.Dev {
	case fs.DevNull:
		return 0, 0 // end of file
	case fs.DevZero, fs.DevFull:
		zeroBytes(p, n)
		return n, 0
	case fs.DevRandom, fs.DevURandom:
		// Both are the same non-blocking generator, as on Linux since 5.6 once seeded.
		if !fillRandomUser(p, n) {
			return 0, linux.EIO
		}
		return n, 0
	}
	panic("devRead: unknown device")
}

// devWrite writes [p, p+n) to device f: everything is discarded except on /dev/full,
// which is always out of space.
func devWrite(f *file, p, n uintptr) (uintptr, linux.Errno) {
	if f.Flags&linux.O_ACCMODE == linux.O_RDONLY {
		return 0, linux.EBADF
	}
	if f.Dev == fs.DevFull {
		return 0, linux.ENOSPC
	}
	return n, 0 // null and zero discard; random takes it as (ignored) entropy
}

// fillRandomUser fills application memory with random bytes, a page at most per call to
// the generator so a huge read does not hold one giant slice.
func fillRandomUser(p, n uintptr) bool {
	for n > 0 {
		c := n
		if c > 4096 {
			c = 4096
		}
		if !dev.FillRandom(unsafe.Pointer(p), c) {
			return false
		}
		p += c
		n -= c
	}
	return true
}
