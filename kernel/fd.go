package kernel

// Open files. A file descriptor indexes fds, which names a slot in files (shared by dup).
// File kinds so far: the console (fds 0-2), eventfd, epoll, pipes and FIFOs (pipe.go,
// fifo.go), the file system's files and directories (sys_fs*.go) and devices of /dev
// (devfile.go). Each kind answers read, write and readiness; everything else gets Linux's
// errno for that kind.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs"
	"github.com/unigo-os/unigo/kernel/klog"
)

const (
	maxFiles = 4096 // open files in the system (ENFILE): every socket is one
	maxFDs   = 4096 // RLIMIT_NOFILE's hard limit, which the Go runtime raises the soft one to
)

const (
	fkFree = iota
	fkConsole
	fkEventfd
	fkEpoll
	fkPipeR  // read end of a pipe (both ends: a FIFO opened O_RDWR, pipe.go)
	fkPipeW  // write end
	fkFSFile // a file or directory of the file system (sys_fs*.go)
	fkDevice // a device of /dev other than the console (devfile.go)
	fkSocket // a socket (socket.go)
	fkNetCtl // the netstack service's control fd (sys_netsvc.go)
)

type file struct {
	Kind  uint8
	Refs  int32
	Flags uint32 // O_NONBLOCK and the access mode, as F_GETFL reports them

	Count     uint64  // eventfd counter
	Semaphore bool    // EFD_SEMAPHORE
	Ep        int32   // epoll: index in epolls
	Pipe      int32   // pipe files: index in pipes
	PipeW     uint32  // pipe read files: no EPOLLHUP while the pipe's WOpens is this (pipeReadiness)
	Sock      int32   // fkSocket: index in socks
	Gen       uint32  // bumped on every state change, for edge-triggered epoll
	Node      fs.Node // fkFSFile, fkDevice: the file (fkFSFile holds an fs.Ref on it)
	Off       uint64  // fkFSFile: byte offset (files) or ReadDir cookie (directories)
	Dev       uint8   // fkDevice: fs.Dev*
}

type fdEntry struct {
	File    int32 // slot in files + 1; 0 = closed
	Cloexec bool
}

var (
	files [maxFiles]file
	fds   [maxFDs]fdEntry
)

// initFiles opens the console as stdin, stdout and stderr.
func initFiles() {
	f := &files[0]
	f.Kind = fkConsole
	f.Flags = linux.O_RDWR
	for fd := 0; fd < 3; fd++ {
		fds[fd].File = 1
		f.Refs++
	}
}

// waitIO is the blocking step of a read, write or accept that cannot go on yet: EAGAIN for
// a non-blocking file; else the thread sleeps until some file changes (the caller then
// looks again) or a signal comes (ERESTARTSYS: the call is restarted after a handler with
// SA_RESTART, as Linux does, and fails with EINTR after one without; see restartSyscall).
// Pipes, FIFOs and sockets all wait here.
func waitIO(nonblock bool) linux.Errno {
	if nonblock {
		return linux.EAGAIN
	}
	if block(waitPipe, 0, 0) == wakeSignal {
		return linux.ERESTARTSYS
	}
	return 0
}

func allocFile(kind uint8, flags uint32) (int32, bool) {
	for i := range files {
		if files[i].Kind == fkFree {
			files[i] = file{Kind: kind, Flags: flags}
			return int32(i), true
		}
	}
	return 0, false
}

// fileIndex returns the slot of f in files.
func fileIndex(f *file) int32 {
	return int32((uintptr(unsafe.Pointer(f)) - uintptr(unsafe.Pointer(&files[0]))) / unsafe.Sizeof(files[0]))
}

// installFD gives file slot fi the lowest free descriptor at or above min.
func installFD(fi int32, cloexec bool, min int) (int, linux.Errno) {
	limit := int(rlimits[linux.RLIMIT_NOFILE][0])
	if limit > maxFDs {
		limit = maxFDs
	}
	for fd := min; fd < limit; fd++ {
		if fds[fd].File == 0 {
			fds[fd] = fdEntry{File: fi + 1, Cloexec: cloexec}
			files[fi].Refs++
			return fd, 0
		}
	}
	return 0, linux.EMFILE
}

// fdAvailable reports whether newFD would succeed now (EMFILE, ENFILE), so that open
// can fail before creating or truncating anything, as Linux does.
func fdAvailable() linux.Errno {
	limit := int(rlimits[linux.RLIMIT_NOFILE][0])
	if limit > maxFDs {
		limit = maxFDs
	}
	fd := 0
	for fd < limit && fds[fd].File != 0 {
		fd++
	}
	if fd == limit {
		return linux.EMFILE
	}
	for i := range files {
		if files[i].Kind == fkFree {
			return 0
		}
	}
	return linux.ENFILE
}

// newFD allocates a file of kind and a descriptor for it.
func newFD(kind uint8, flags uint32, cloexec bool) (int, *file, linux.Errno) {
	fi, ok := allocFile(kind, flags)
	if !ok {
		return 0, nil, linux.ENFILE
	}
	fd, err := installFD(fi, cloexec, 0)
	if err != 0 {
		files[fi].Kind = fkFree
		return 0, nil, err
	}
	return fd, &files[fi], 0
}

// getFile returns the open file behind fd.
func getFile(fd uint64) (*file, int32, linux.Errno) {
	if fd >= maxFDs || fds[fd].File == 0 {
		return nil, 0, linux.EBADF
	}
	fi := fds[fd].File - 1
	return &files[fi], fi, 0
}

// sysClose handles close(2).
func sysClose(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return 0, closeFD(tf.RDI)
}

// closeFD closes descriptor fd; the last descriptor of a file frees it.
func closeFD(fd uint64) linux.Errno {
	f, fi, err := getFile(fd)
	if err != 0 {
		return err
	}
	fds[fd] = fdEntry{}
	epollForget(int(fd))
	f.Refs--
	if f.Refs == 0 {
		switch f.Kind {
		case fkEpoll:
			freeEpoll(f.Ep)
		case fkPipeR, fkPipeW:
			pipeClose(f)
		case fkFSFile:
			fs.Release(fsEnv(), f.Node)
		case fkSocket:
			sockClose(f)
		case fkNetCtl:
			netCtlClose()
		}
		files[fi] = file{}
	}
	return 0
}

// sysDup handles dup(2).
func sysDup(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	_, fi, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	fd, err := installFD(fi, false, 0)
	return uintptr(fd), err
}

// sysDup2 handles dup2(2).
func sysDup2(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if _, _, err := getFile(tf.RDI); err != 0 {
		return 0, err
	}
	if tf.RDI == tf.RSI {
		return uintptr(tf.RSI), 0 // dup2 of a valid fd onto itself does nothing
	}
	return dupTo(tf.RDI, tf.RSI, false)
}

// sysDup3 handles dup3(2).
func sysDup3(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if tf.RDX&^linux.O_CLOEXEC != 0 || tf.RDI == tf.RSI {
		return 0, linux.EINVAL
	}
	return dupTo(tf.RDI, tf.RSI, tf.RDX&linux.O_CLOEXEC != 0)
}

// dupTo makes newfd name oldfd's file, closing newfd first if it is open.
func dupTo(oldfd, newfd uint64, cloexec bool) (uintptr, linux.Errno) {
	_, fi, err := getFile(oldfd)
	if err != 0 {
		return 0, err
	}
	if newfd >= maxFDs || newfd >= rlimits[linux.RLIMIT_NOFILE][0] {
		return 0, linux.EBADF
	}
	if fds[newfd].File != 0 {
		closeFD(newfd)
	}
	fds[newfd] = fdEntry{File: fi + 1, Cloexec: cloexec}
	files[fi].Refs++
	return uintptr(newfd), 0
}

// fileRead reads from f into [p, p+n).
func fileRead(f *file, p uintptr, n uintptr) (uintptr, linux.Errno) {
	switch f.Kind {
	case fkConsole:
		return 0, 0 // no console input yet: end of file
	case fkEventfd:
		return eventfdRead(f, p, n)
	case fkPipeR, fkPipeW:
		return pipeRead(f, p, n)
	case fkFSFile:
		return fsRead(f, p, n)
	case fkDevice:
		return devRead(f, p, n)
	case fkSocket:
		return sockRead(f, p, n)
	case fkNetCtl:
		return netCtlRead(p, n)
	}
	return 0, linux.EBADF
}

// fileWrite writes [p, p+n) to f.
func fileWrite(f *file, p uintptr, n uintptr) (uintptr, linux.Errno) {
	switch f.Kind {
	case fkConsole:
		klog.Write(unsafe.Slice((*byte)(unsafe.Pointer(p)), n))
		return n, 0
	case fkEventfd:
		return eventfdWrite(f, p, n)
	case fkPipeR, fkPipeW:
		return pipeWrite(f, p, n)
	case fkFSFile:
		return fsWrite(f, p, n)
	case fkDevice:
		return devWrite(f, p, n)
	case fkSocket:
		return sockWrite(f, p, n)
	}
	return 0, linux.EBADF
}

// sysRead handles read(2).
func sysRead(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	return fileRead(f, uintptr(tf.RSI), uintptr(tf.RDX))
}

// sysWrite handles write(2).
func sysWrite(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	return fileWrite(f, uintptr(tf.RSI), uintptr(tf.RDX))
}

// iovec walks a struct iovec array, calling fn for each buffer until one comes up short.
func iovec(f *file, iov uintptr, cnt uint64, write bool) (uintptr, linux.Errno) {
	if cnt > 1024 {
		return 0, linux.EINVAL
	}
	var total uintptr
	for i := uint64(0); i < cnt; i++ {
		base := *(*uintptr)(unsafe.Pointer(iov + uintptr(i)*16))
		n := *(*uintptr)(unsafe.Pointer(iov + uintptr(i)*16 + 8))
		var got uintptr
		var err linux.Errno
		if write {
			got, err = fileWrite(f, base, n)
		} else {
			got, err = fileRead(f, base, n)
		}
		if err != 0 {
			if total > 0 {
				return total, 0
			}
			return 0, err
		}
		total += got
		if got < n {
			break
		}
	}
	return total, 0
}

// sysReadv handles readv(2).
func sysReadv(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	return iovec(f, uintptr(tf.RSI), tf.RDX, false)
}

// sysWritev handles writev(2).
func sysWritev(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	return iovec(f, uintptr(tf.RSI), tf.RDX, true)
}

// sysFcntl handles fcntl(2).
func sysFcntl(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, fi, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	switch tf.RSI {
	case linux.F_GETFL:
		return uintptr(f.Flags), 0
	case linux.F_SETFL:
		const settable = linux.O_NONBLOCK | linux.O_APPEND
		f.Flags = f.Flags&^settable | uint32(tf.RDX)&settable
		return 0, 0
	case linux.F_GETFD:
		if fds[tf.RDI].Cloexec {
			return linux.FD_CLOEXEC, 0
		}
		return 0, 0
	case linux.F_SETFD:
		fds[tf.RDI].Cloexec = tf.RDX&linux.FD_CLOEXEC != 0
		return 0, 0
	case linux.F_DUPFD, linux.F_DUPFD_CLOEXEC:
		fd, err := installFD(fi, tf.RSI == linux.F_DUPFD_CLOEXEC, int(tf.RDX))
		return uintptr(fd), err
	case linux.F_GETLK, linux.F_SETLK, linux.F_SETLKW, linux.F_OFD_GETLK, linux.F_OFD_SETLK, linux.F_OFD_SETLKW:
		return 0, recordLock(f, tf.RSI, uintptr(tf.RDX))
	}
	return 0, linux.EINVAL
}

// sysIoctl handles ioctl(2): nothing here is a terminal yet.
func sysIoctl(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if _, _, err := getFile(tf.RDI); err != 0 {
		return 0, err
	}
	return 0, linux.ENOTTY
}

// sysFstat handles fstat(2).
func sysFstat(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, fi, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	st := (*linux.Stat_t)(unsafe.Pointer(uintptr(tf.RSI)))
	if n, ok := fileNode(f); ok {
		fillStat(st, n)
		return 0, 0
	}
	*st = linux.Stat_t{}
	st.Ino = uint64(fi + 1)
	st.Nlink = 1
	st.Blksize = 4096
	switch f.Kind {
	case fkConsole:
		st.Mode = linux.S_IFCHR | 0620
		st.Rdev = 5<<8 | 1 // /dev/console
	case fkPipeR, fkPipeW:
		st.Mode = linux.S_IFIFO | 0600
	case fkSocket:
		st.Mode = linux.S_IFSOCK | 0777
	default:
		st.Mode = 0600 // anonymous inode
	}
	return 0, 0
}

// fileNode returns the file of the tree that f is open on: the file or device itself,
// or a FIFO's node for a named pipe's file. ok is false for pipes, sockets and the rest.
func fileNode(f *file) (fs.Node, bool) {
	switch f.Kind {
	case fkFSFile, fkDevice:
		return f.Node, true
	case fkPipeR, fkPipeW:
		if p := &pipes[f.Pipe]; p.Fifo {
			return p.Node, true
		}
	}
	return fs.Node{}, false
}
