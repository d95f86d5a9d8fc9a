package kernel

// File locks. There is one process, and POSIX record locks and flock locks only ever
// conflict between processes (a process never blocks on its own locks), so every lock
// is granted at once and F_GETLK always answers "unlocked". The arguments are still
// checked as Linux checks them. Open-file-description locks (F_OFD_*) can conflict
// between two opens in one process on Linux; here they never do, which a program that
// uses them to exclude its own goroutines would notice.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

// recordLock handles fcntl's F_GETLK, F_SETLK, F_SETLKW and their F_OFD_ forms on f,
// with the struct flock at p.
func recordLock(f *file, cmd uint64, p uintptr) linux.Errno {
	if p == 0 {
		return linux.EFAULT
	}
	l := (*linux.Flock)(unsafe.Pointer(p))
	if l.Whence > linux.SEEK_END {
		return linux.EINVAL
	}
	ofd := cmd == linux.F_OFD_GETLK || cmd == linux.F_OFD_SETLK || cmd == linux.F_OFD_SETLKW
	if ofd && l.Pid != 0 {
		return linux.EINVAL // OFD locks require l_pid 0
	}
	acc := f.Flags & linux.O_ACCMODE
	switch l.Type {
	case linux.F_RDLCK:
		if cmd != linux.F_GETLK && cmd != linux.F_OFD_GETLK && acc == linux.O_WRONLY {
			return linux.EBADF
		}
	case linux.F_WRLCK:
		if cmd != linux.F_GETLK && cmd != linux.F_OFD_GETLK && acc == linux.O_RDONLY {
			return linux.EBADF
		}
	case linux.F_UNLCK:
		if cmd == linux.F_GETLK || cmd == linux.F_OFD_GETLK {
			return linux.EINVAL
		}
	default:
		return linux.EINVAL
	}
	if cmd == linux.F_GETLK || cmd == linux.F_OFD_GETLK {
		l.Type = linux.F_UNLCK // nobody else holds a lock
	}
	return 0
}

// sysFlock handles flock(2): granted at once (see above).
func sysFlock(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if _, _, err := getFile(tf.RDI); err != 0 {
		return 0, err
	}
	switch tf.RSI &^ linux.LOCK_NB {
	case linux.LOCK_SH, linux.LOCK_EX, linux.LOCK_UN:
		return 0, 0
	}
	return 0, linux.EINVAL
}
