package kernel

// Socket system calls: argument decoding for socket.go and socket_unix.go.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/abi/unet"
)

// getSock returns the socket behind fd (ENOTSOCK for other files).
func getSock(fd uint64) (*file, int32, linux.Errno) {
	f, _, err := getFile(fd)
	if err != 0 {
		return nil, 0, err
	}
	if f.Kind != fkSocket {
		return nil, 0, linux.ENOTSOCK
	}
	return f, f.Sock, 0
}

// sockTypeArgs splits socket(2)'s type argument into the type and the file flags.
func sockTypeArgs(typ uint64) (uint16, uint32, bool, linux.Errno) {
	if typ&^(linux.SOCK_TYPE_MASK|linux.SOCK_NONBLOCK|linux.SOCK_CLOEXEC) != 0 {
		return 0, 0, false, linux.EINVAL
	}
	return uint16(typ & linux.SOCK_TYPE_MASK), linux.O_RDWR | uint32(typ&linux.SOCK_NONBLOCK), typ&linux.SOCK_CLOEXEC != 0, 0
}

// newSocket checks a family/type/protocol triple and allocates the socket.
func newSocket(domain uint64, typ uint16, proto int32) (int32, linux.Errno) {
	switch domain {
	case linux.AF_UNIX:
		if typ != linux.SOCK_STREAM && typ != linux.SOCK_DGRAM && typ != linux.SOCK_SEQPACKET {
			return 0, linux.ESOCKTNOSUPPORT
		}
		if proto != 0 && proto != linux.PF_UNIX {
			return 0, linux.EPROTONOSUPPORT
		}
		return allocSocket(linux.AF_UNIX, typ, proto)
	case linux.AF_INET, linux.AF_INET6:
		return inetNewSocket(domain, typ, proto)
	}
	return 0, linux.EAFNOSUPPORT
}

// installSocket gives socket si a file and a descriptor, freeing si on failure.
func installSocket(si int32, flags uint32, cloexec bool) (int, linux.Errno) {
	fd, f, err := newFD(fkSocket, flags, cloexec)
	if err != 0 {
		sockRelease(si)
		return 0, err
	}
	f.Sock = si
	socks[si].File = fds[fd].File - 1
	return fd, 0
}

// sysSocket handles socket(2).
func sysSocket(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	typ, flags, cloexec, err := sockTypeArgs(tf.RSI)
	if err != 0 {
		return 0, err
	}
	si, err := newSocket(tf.RDI, typ, int32(tf.RDX))
	if err != 0 {
		return 0, err
	}
	fd, err := installSocket(si, flags, cloexec)
	return uintptr(fd), err
}

// sysSocketpair handles socketpair(2).
func sysSocketpair(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	typ, flags, cloexec, err := sockTypeArgs(tf.RSI)
	if err != 0 {
		return 0, err
	}
	if tf.RDI != linux.AF_UNIX {
		return 0, linux.EOPNOTSUPP
	}
	a, err := newSocket(tf.RDI, typ, int32(tf.RDX))
	if err != 0 {
		return 0, err
	}
	b, err := newSocket(tf.RDI, typ, int32(tf.RDX))
	if err != 0 {
		sockRelease(a)
		return 0, err
	}
	if err := unixPair(a, b); err != 0 {
		sockRelease(a)
		sockRelease(b)
		return 0, err
	}
	fa, err := installSocket(a, flags, cloexec)
	if err != 0 {
		sockRelease(b)
		return 0, err
	}
	fb, err := installSocket(b, flags, cloexec)
	if err != 0 {
		closeFD(uint64(fa))
		return 0, err
	}
	sv := (*[2]int32)(unsafe.Pointer(uintptr(tf.R10)))
	sv[0], sv[1] = int32(fa), int32(fb)
	return 0, 0
}

// sysBind handles bind(2).
func sysBind(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	_, si, err := getSock(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if isInet(&socks[si]) {
		return 0, inetBind(si, uintptr(tf.RSI), uint32(tf.RDX))
	}
	var n unixName
	if err := readUnixName(uintptr(tf.RSI), uint32(tf.RDX), &n); err != 0 {
		return 0, err
	}
	return 0, unixBind(&socks[si], &n)
}

// sysListen handles listen(2).
func sysListen(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	_, si, err := getSock(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if isInet(&socks[si]) {
		return 0, inetListen(si, int32(tf.RSI))
	}
	return 0, unixListen(&socks[si], int32(tf.RSI))
}

// sysConnect handles connect(2).
func sysConnect(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, si, err := getSock(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if isInet(&socks[si]) {
		return 0, inetConnect(si, uintptr(tf.RSI), uint32(tf.RDX), f.Flags&linux.O_NONBLOCK != 0)
	}
	var n unixName
	if err := readUnixName(uintptr(tf.RSI), uint32(tf.RDX), &n); err != 0 {
		return 0, err
	}
	return 0, unixConnect(si, &n, f.Flags&linux.O_NONBLOCK != 0)
}

// sysAccept handles accept(2).
func sysAccept(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return accept4(tf.RDI, uintptr(tf.RSI), uintptr(tf.RDX), 0)
}

// sysAccept4 handles accept4(2).
func sysAccept4(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return accept4(tf.RDI, uintptr(tf.RSI), uintptr(tf.RDX), tf.R10)
}

func accept4(fd uint64, addr, lenp uintptr, flags uint64) (uintptr, linux.Errno) {
	if flags&^(linux.SOCK_NONBLOCK|linux.SOCK_CLOEXEC) != 0 {
		return 0, linux.EINVAL
	}
	f, li, err := getSock(fd)
	if err != 0 {
		return 0, err
	}
	if socks[li].Type == linux.SOCK_DGRAM {
		return 0, linux.EOPNOTSUPP
	}
	if err := fdAvailable(); err != 0 {
		return 0, err
	}
	ci, err := unixAccept(li, f.Flags&linux.O_NONBLOCK != 0)
	if err != 0 {
		return 0, err
	}
	nfd, nf, err := newFD(fkSocket, linux.O_RDWR|uint32(flags&linux.SOCK_NONBLOCK), flags&linux.SOCK_CLOEXEC != 0)
	if err != 0 {
		unixRequeue(li, ci)
		return 0, err
	}
	nf.Sock = ci
	socks[ci].File = fds[nfd].File - 1
	if isInet(&socks[ci]) {
		if addr != 0 {
			writeInetAddr(socks[ci].Family, &socks[ci].Remote, addr, lenp)
		}
	} else if addr != 0 {
		writeUnixName(addr, lenp, sockName(socks[ci].Peer))
	}
	return uintptr(nfd), 0
}

// sockRead is read(2) on a socket.
func sockRead(f *file, dst, n uintptr) (uintptr, linux.Errno) {
	iov := linux.Iovec{Base: uint64(dst), Len: uint64(n)}
	var res recvResult
	if isInet(&socks[f.Sock]) {
		err := inetRecv(f.Sock, ioVecs{uintptr(unsafe.Pointer(&iov)), 1}, 0, f.Flags&linux.O_NONBLOCK != 0, &res, nil)
		return res.N, err
	}
	err := unixRecv(f.Sock, ioVecs{uintptr(unsafe.Pointer(&iov)), 1}, 0, f.Flags&linux.O_NONBLOCK != 0, &res)
	return res.N, err
}

// sockWrite is write(2) on a socket.
func sockWrite(f *file, src, n uintptr) (uintptr, linux.Errno) {
	iov := linux.Iovec{Base: uint64(src), Len: uint64(n)}
	if isInet(&socks[f.Sock]) {
		return inetSend(f.Sock, ioVecs{uintptr(unsafe.Pointer(&iov)), 1}, 0, 0, f.Flags&linux.O_NONBLOCK != 0)
	}
	var to unixName
	return unixSend(f.Sock, ioVecs{uintptr(unsafe.Pointer(&iov)), 1}, &to, f.Flags&linux.O_NONBLOCK != 0)
}

// sysSendto handles sendto(2).
func sysSendto(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, si, err := getSock(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if isInet(&socks[si]) {
		iov := linux.Iovec{Base: tf.RSI, Len: tf.RDX}
		return inetSend(si, ioVecs{uintptr(unsafe.Pointer(&iov)), 1}, uintptr(tf.R8), uint32(tf.R9), nonblocking(f, tf.R10))
	}
	var to unixName
	if tf.R8 != 0 {
		if err := readUnixName(uintptr(tf.R8), uint32(tf.R9), &to); err != 0 {
			return 0, err
		}
	}
	iov := linux.Iovec{Base: tf.RSI, Len: tf.RDX}
	return unixSend(si, ioVecs{uintptr(unsafe.Pointer(&iov)), 1}, &to, nonblocking(f, tf.R10))
}

// sysRecvfrom handles recvfrom(2).
func sysRecvfrom(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, si, err := getSock(tf.RDI)
	if err != 0 {
		return 0, err
	}
	iov := linux.Iovec{Base: tf.RSI, Len: tf.RDX}
	var res recvResult
	if isInet(&socks[si]) {
		var from unet.Addr
		if err := inetRecv(si, ioVecs{uintptr(unsafe.Pointer(&iov)), 1}, uint32(tf.R10), nonblocking(f, tf.R10), &res, &from); err != 0 {
			return 0, err
		}
		if tf.R8 != 0 {
			inetRecvFrom(si, &from, uintptr(tf.R8), uintptr(tf.R9))
		}
		return res.N, 0
	}
	if err := unixRecv(si, ioVecs{uintptr(unsafe.Pointer(&iov)), 1}, uint32(tf.R10), nonblocking(f, tf.R10), &res); err != 0 {
		return 0, err
	}
	if tf.R8 != 0 {
		writeUnixName(uintptr(tf.R8), uintptr(tf.R9), recvFromName(si, &res))
	}
	return res.N, 0
}

// recvFromName is the source address of what was received: the record's sender, or the
// stream's peer.
func recvFromName(si int32, res *recvResult) []byte {
	if res.From >= 0 {
		return sockName(res.From)
	}
	return sockName(socks[si].Peer)
}

func nonblocking(f *file, flags uint64) bool {
	return f.Flags&linux.O_NONBLOCK != 0 || flags&linux.MSG_DONTWAIT != 0
}

// sysSendmsg handles sendmsg(2). Control messages (SCM_RIGHTS...) are not supported.
func sysSendmsg(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, si, err := getSock(tf.RDI)
	if err != 0 {
		return 0, err
	}
	m := (*linux.Msghdr)(unsafe.Pointer(uintptr(tf.RSI)))
	if m.Iovlen > linux.UIO_MAXIOV {
		return 0, linux.EMSGSIZE
	}
	if m.Controllen != 0 {
		return 0, linux.EOPNOTSUPP
	}
	if isInet(&socks[si]) {
		return inetSend(si, ioVecs{uintptr(m.Iov), int(m.Iovlen)}, uintptr(m.Name), uint32(m.Namelen), nonblocking(f, tf.RDX))
	}
	var to unixName
	if m.Name != 0 {
		if err := readUnixName(uintptr(m.Name), uint32(m.Namelen), &to); err != 0 {
			return 0, err
		}
	}
	return unixSend(si, ioVecs{uintptr(m.Iov), int(m.Iovlen)}, &to, nonblocking(f, tf.RDX))
}

// sysRecvmsg handles recvmsg(2). No control messages are ever delivered.
func sysRecvmsg(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, si, err := getSock(tf.RDI)
	if err != 0 {
		return 0, err
	}
	m := (*linux.Msghdr)(unsafe.Pointer(uintptr(tf.RSI)))
	if m.Iovlen > linux.UIO_MAXIOV {
		return 0, linux.EMSGSIZE
	}
	var res recvResult
	if isInet(&socks[si]) {
		var from unet.Addr
		if err := inetRecv(si, ioVecs{uintptr(m.Iov), int(m.Iovlen)}, uint32(tf.RDX), nonblocking(f, tf.RDX), &res, &from); err != 0 {
			return 0, err
		}
		if m.Name != 0 {
			inetRecvFrom(si, &from, uintptr(m.Name), uintptr(unsafe.Pointer(&m.Namelen)))
		}
		m.Controllen = 0
		m.Flags = res.Flags
		return res.N, 0
	}
	if err := unixRecv(si, ioVecs{uintptr(m.Iov), int(m.Iovlen)}, uint32(tf.RDX), nonblocking(f, tf.RDX), &res); err != 0 {
		return 0, err
	}
	if m.Name != 0 {
		writeUnixName(uintptr(m.Name), uintptr(unsafe.Pointer(&m.Namelen)), recvFromName(si, &res))
	}
	m.Controllen = 0
	m.Flags = res.Flags
	return res.N, 0
}

// sysShutdown handles shutdown(2).
func sysShutdown(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	_, si, err := getSock(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if isInet(&socks[si]) {
		return 0, inetShutdown(si, tf.RSI)
	}
	return 0, unixShutdown(si, tf.RSI)
}

// sysGetsockname handles getsockname(2).
func sysGetsockname(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	_, si, err := getSock(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if s := &socks[si]; isInet(s) {
		return 0, writeInetAddr(s.Family, &s.Local, uintptr(tf.RSI), uintptr(tf.RDX))
	}
	return 0, writeUnixName(uintptr(tf.RSI), uintptr(tf.RDX), sockName(si))
}

// sysGetpeername handles getpeername(2).
func sysGetpeername(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	_, si, err := getSock(tf.RDI)
	if err != 0 {
		return 0, err
	}
	s := &socks[si]
	if isInet(s) {
		if s.State != ssConnected {
			return 0, linux.ENOTCONN
		}
		return 0, writeInetAddr(s.Family, &s.Remote, uintptr(tf.RSI), uintptr(tf.RDX))
	}
	if s.State != ssConnected || s.Peer < 0 {
		return 0, linux.ENOTCONN
	}
	return 0, writeUnixName(uintptr(tf.RSI), uintptr(tf.RDX), sockName(s.Peer))
}

// inetRecvFrom stores a datagram's source (or a stream's peer) for recvfrom/recvmsg.
func inetRecvFrom(si int32, from *unet.Addr, addr, lenp uintptr) {
	s := &socks[si]
	if s.Type != linux.SOCK_DGRAM {
		from = &s.Remote
	}
	writeInetAddr(s.Family, from, addr, lenp)
}
