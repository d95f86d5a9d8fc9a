package kernel

// setsockopt(2) and getsockopt(2). Options that mean something to our sockets are
// computed (SO_TYPE, SO_ERROR, SO_DOMAIN, SO_PROTOCOL, SO_ACCEPTCONN, SO_PEERCRED); the
// others are stored as set and read back (SO_REUSEADDR, SO_KEEPALIVE, SO_LINGER,
// SO_RCVBUF/SO_SNDBUF (doubled, as Linux does), TCP_NODELAY, IPV6_V6ONLY, ...).

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/abi/unet"
)

const defaultSockBuf = 212992 // Linux's net.core.[rw]mem_default

// sysSetsockopt handles setsockopt(2).
func sysSetsockopt(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	_, si, err := getSock(tf.RDI)
	if err != 0 {
		return 0, err
	}
	level, name, val, optlen := int32(tf.RSI), int32(tf.RDX), uintptr(tf.R10), int32(tf.R8)
	switch level {
	case linux.SOL_SOCKET, linux.SOL_IP, linux.SOL_IPV6, linux.SOL_TCP, linux.SOL_UDP:
	default:
		return 0, linux.ENOPROTOOPT
	}
	if optlen < 4 || val == 0 {
		return 0, linux.EINVAL
	}
	v := *(*int32)(unsafe.Pointer(val))
	var v2 int32
	if level == linux.SOL_SOCKET {
		switch name {
		case linux.SO_TYPE, linux.SO_ERROR, linux.SO_DOMAIN, linux.SO_PROTOCOL, linux.SO_ACCEPTCONN, linux.SO_PEERCRED:
			return 0, linux.ENOPROTOOPT // read-only
		case linux.SO_LINGER:
			if optlen < int32(unsafe.Sizeof(linux.Linger{})) {
				return 0, linux.EINVAL
			}
			v2 = (*linux.Linger)(unsafe.Pointer(val)).Linger
		case linux.SO_RCVBUF, linux.SO_SNDBUF, linux.SO_RCVBUFFORCE, linux.SO_SNDBUFFORCE:
			if v < 2304 {
				v = 2304
			}
			v *= 2
		}
	}
	if err := sockSetOpt(&socks[si], level, name, v, v2); err != 0 {
		return 0, err
	}
	if s := &socks[si]; isInet(s) && s.Svc && s.State != ssClosing {
		inetWork(si, unet.WOpts) // the service applies options it already applied only when they change
	}
	return 0, 0
}

// sysGetsockopt handles getsockopt(2).
func sysGetsockopt(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	_, si, err := getSock(tf.RDI)
	if err != 0 {
		return 0, err
	}
	s := &socks[si]
	level, name, val, lenp := int32(tf.RSI), int32(tf.RDX), uintptr(tf.R10), uintptr(tf.R8)
	if lenp == 0 {
		return 0, linux.EFAULT
	}
	have := *(*int32)(unsafe.Pointer(lenp))
	if have < 0 {
		return 0, linux.EINVAL
	}
	v, v2, stored := sockGetOpt(s, level, name)
	size := int32(4)
	var out [3]int32
	switch level {
	case linux.SOL_SOCKET:
		switch name {
		case linux.SO_TYPE:
			v = int32(s.Type)
		case linux.SO_ERROR:
			v = int32(s.Err)
			s.Err = 0
		case linux.SO_DOMAIN:
			v = int32(s.Family)
		case linux.SO_PROTOCOL:
			v = s.Proto
		case linux.SO_ACCEPTCONN:
			v = 0
			if s.State == ssListening {
				v = 1
			}
		case linux.SO_RCVBUF, linux.SO_SNDBUF:
			if !stored {
				v = defaultSockBuf
			}
		case linux.SO_LINGER:
			size = 8
		case linux.SO_PEERCRED:
			if s.Peer < 0 {
				return 0, linux.ENODATA
			}
			v, v2, size = 1, 0, 12 // pid 1, uid 0, gid 0: the only process
		}
	case linux.SOL_IP, linux.SOL_IPV6, linux.SOL_TCP, linux.SOL_UDP:
	default:
		return 0, linux.ENOPROTOOPT
	}
	out[0], out[1] = v, v2
	n := size
	if n > have {
		n = have
	}
	if n > 0 {
		copyBytes(val, uintptr(unsafe.Pointer(&out)), uintptr(n))
	}
	*(*int32)(unsafe.Pointer(lenp)) = size
	return 0, 0
}
