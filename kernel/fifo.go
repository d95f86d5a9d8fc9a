package kernel

// Named pipes (FIFOs): mknod(2)/mknodat(2) make the node on tmpfs or an ext2 volume, and
// opening it attaches the node to a pipe (pipe.go): the pipe is made on the first open,
// found by its node by later ones, and freed with its data when the last end closes, as
// on Linux (fs/pipe.c, fifo_open).
//
// Opens follow POSIX: O_RDONLY waits until a writer opens (with O_NONBLOCK it returns at
// once), O_WRONLY waits until a reader opens (with O_NONBLOCK and no reader: ENXIO), and
// O_RDWR holds both ends in one file and never waits. A waiting open counts as an end of
// its kind, so the partner it waits for does not wait too; it watches the other end's
// open counter, not its count, so a partner that came and went already still ends the
// wait. A signal ends it with EINTR (Go's os.OpenFile retries).
//
// Every function here runs under the kernel lock.

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs"
)

// fifoFind returns the pipe of FIFO node n, making it (with a reference on n) if the
// FIFO is not open: ENFILE or ENOMEM as pipeAlloc.
func fifoFind(n fs.Node) (int32, linux.Errno) {
	for i := range pipes {
		if pipes[i].Used && pipes[i].Fifo && pipes[i].Node == n {
			return int32(i), 0
		}
	}
	pi, err := pipeAlloc()
	if err != 0 {
		return 0, err
	}
	p := &pipes[pi]
	p.Fifo, p.Node = true, n
	fs.Ref(n)
	return pi, 0
}

// fifoOpen opens FIFO node n with open's flags (access mode O_RDONLY, O_WRONLY or
// O_RDWR; O_NONBLOCK, O_CLOEXEC) and returns the new descriptor.
func fifoOpen(n fs.Node, flags uint32) (uintptr, linux.Errno) {
	acc := flags & linux.O_ACCMODE
	nonblock := flags&linux.O_NONBLOCK != 0
	pi, err := fifoFind(n)
	if err != 0 {
		return 0, err
	}
	p := &pipes[pi]
	reads, writes := acc != linux.O_WRONLY, acc != linux.O_RDONLY
	var sawW uint32 // the reader's PipeW (pipeReadiness)
	switch acc {
	case linux.O_RDONLY:
		p.Readers++
		p.ROpens++
		pipeChanged(p) // wakes writers waiting for a reader
		if p.Writers == 0 {
			if nonblock {
				sawW = p.WOpens // no EPOLLHUP until a writer has come
			} else if err := fifoWait(&p.WOpens); err != 0 {
				pipeDrop(pi, true, false)
				return 0, err
			}
		}
	case linux.O_WRONLY:
		if p.Readers == 0 && nonblock {
			pipeDrop(pi, false, false) // frees a pipe made for this open alone
			return 0, linux.ENXIO
		}
		p.Writers++
		p.WOpens++
		pipeChanged(p) // wakes readers waiting for a writer
		if p.Readers == 0 {
			if err := fifoWait(&p.ROpens); err != 0 {
				pipeDrop(pi, false, true)
				return 0, err
			}
		}
	default: // O_RDWR: Linux allows it on a FIFO, and it never waits
		p.Readers++
		p.Writers++
		p.ROpens++
		p.WOpens++
		pipeChanged(p)
	}
	kind := uint8(fkPipeW)
	if reads {
		kind = fkPipeR
	}
	fd, f, err := newFD(kind, acc|flags&linux.O_NONBLOCK, flags&linux.O_CLOEXEC != 0)
	if err != 0 {
		pipeDrop(pi, reads, writes)
		return 0, err
	}
	f.Pipe, f.PipeW = pi, sawW
	return uintptr(fd), 0
}

// fifoWait sleeps until the open counter at c (a pipe's ROpens or WOpens) moves: the
// partner a FIFO open waits for has come. ERESTARTSYS when a signal arrives first (the
// open is restarted after a handler with SA_RESTART, as Linux's is).
func fifoWait(c *uint32) linux.Errno {
	cur := *c
	for *c == cur {
		if block(waitPipe, 0, 0) == wakeSignal {
			return linux.ERESTARTSYS
		}
	}
	return 0
}

// mknodAt is mknodat(2)'s logic: a FIFO, a socket name or an empty regular file (type
// 0 means regular), with the umask applied. The checks come in Linux's order: the type
// (a directory is EPERM, an unknown type EINVAL), then the path (ENOENT, ENOTDIR,
// ENAMETOOLONG, ELOOP, EEXIST, EROFS). Device nodes (S_IFCHR, S_IFBLK) are EPERM, as for
// a process without CAP_MKNOD: a unikernel has no device nodes outside its fixed /dev,
// and nothing a new one could lead to.
func mknodAt(dirfd uint64, pathp uintptr, mode uint32) (uintptr, linux.Errno) {
	typ := mode & linux.S_IFMT
	switch typ {
	case 0:
		typ = linux.S_IFREG
	case linux.S_IFREG, linux.S_IFIFO, linux.S_IFSOCK, linux.S_IFCHR, linux.S_IFBLK:
	case linux.S_IFDIR:
		return 0, linux.EPERM
	default:
		return 0, linux.EINVAL
	}
	dir, name, slash, err := parentAt(dirfd, pathp)
	if err != 0 {
		return 0, err
	}
	if err := newNameOK(dir, name, slash); err != 0 {
		return 0, err
	}
	e := fsEnv()
	if typ == linux.S_IFCHR || typ == linux.S_IFBLK {
		if _, err := fs.Lookup(e, dir, name, false); err == 0 {
			return 0, linux.EEXIST
		}
		if fs.ReadOnly(dir) {
			return 0, linux.EROFS
		}
		return 0, linux.EPERM
	}
	_, err = fs.Create(e, dir, name, typ, mode&^umask&07777, 0, 0)
	return 0, err
}

// sysMknodat handles mknodat(2); the device number is ignored (no device nodes).
func sysMknodat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return mknodAt(tf.RDI, uintptr(tf.RSI), uint32(tf.RDX))
}

// sysMknod handles mknod(2).
func sysMknod(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return mknodAt(atFDCWD, uintptr(tf.RDI), uint32(tf.RSI))
}
