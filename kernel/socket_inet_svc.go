package kernel

// The netstack service's side of an internet socket: what its private calls
// (sys_netsvc.go, which only decodes them) do to the socket's state and rings. The
// service reports what netstack did, and the application's side (socket_inet.go) sees
// it as state, rings and a new epoll edge (sockChanged):
//
//	inetRxPut     data (or a datagram) for the receive ring
//	inetTxTake    data (or a datagram) out of the send ring: room for the writer
//	inetUpdate    connect finished or failed, EOF, reset (UConnected, UError, UEOF, UReset)
//	inetAccepted  a new connection on a listener's accept queue
//	inetSvcFree   the service is done with a socket the application closed
//
// Every function here runs under the kernel lock.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/abi/unet"
)

// inetRxPut appends n bytes at buf to si's receive ring (a datagram: all of it, from a,
// or EAGAIN) and returns how many went in. n == 0 asks for the free space instead;
// more (with n == 0, or when not all fit) asks for WRxRoom once the application reads.
// Data for a socket that can no longer receive is swallowed.
func inetRxPut(si int32, buf, n uintptr, a *unet.Addr, more bool) (uintptr, linux.Errno) {
	s := &socks[si]
	if s.State == ssClosing || s.Shut&shutRcv != 0 || s.Rx.N == 0 {
		if n == 0 {
			return 1 << 20, 0
		}
		return n, 0 // nobody will read it
	}
	if n == 0 { // a query: the free space, with its pages (the put that follows must fit)
		sp := uintptr(s.Rx.back(s.Rx.space()))
		if s.Type == linux.SOCK_DGRAM {
			sp = uintptr(s.Rx.size()) // a datagram that does not fit is dropped
		}
		if sp == 0 && more {
			s.RxWant = true
		}
		return sp, 0
	}
	iov := linux.Iovec{Base: uint64(buf), Len: uint64(n)}
	v := ioVecs{uintptr(unsafe.Pointer(&iov)), 1}
	if s.Type == linux.SOCK_DGRAM {
		if a == nil {
			return 0, linux.EFAULT
		}
		if !s.Rx.putDgram(a, v, n) {
			return 0, linux.EAGAIN
		}
		sockChanged(si)
		return n, 0
	}
	put := s.Rx.putV(v, 0, n)
	if more || put < n {
		s.RxWant = true
	}
	if put > 0 {
		sockChanged(si)
	}
	return put, 0
}

// inetTxTake moves up to capacity bytes of si's send ring to buf (a datagram: the oldest
// one, cut to capacity, its destination to a) and returns how many; EAGAIN when empty.
func inetTxTake(si int32, buf, capacity uintptr, a *unet.Addr) (uintptr, linux.Errno) {
	s := &socks[si]
	iov := linux.Iovec{Base: uint64(buf), Len: uint64(capacity)}
	v := ioVecs{uintptr(unsafe.Pointer(&iov)), 1}
	var got uintptr
	if s.Type == linux.SOCK_DGRAM {
		if s.Tx.Recs == 0 {
			return 0, linux.EAGAIN
		}
		got, _ = s.Tx.takeDgram(a, v, capacity, false)
	} else {
		if s.Tx.empty() {
			return 0, linux.EAGAIN
		}
		got = s.Tx.takeV(v, 0, capacity, false)
	}
	sockChanged(si) // room for the writer
	return got, 0
}

// inetUpdate applies what netstack reports about si's connection. Transitions:
//
//	UConnected  ssConnecting -> ssConnected (addresses filled in)
//	UError      Err = SO_ERROR; ssConnecting -> ssOpen (a failed connect)
//	UEOF        receiving is shut: reads drain the ring, then return 0
//	UReset      Err pending, both directions shut; ssConnecting -> ssOpen
//	UWritable   nothing changes; writers wake
//
// Reports about a socket the application has closed change nothing.
func inetUpdate(si int32, u *unet.Update) linux.Errno {
	s := &socks[si]
	if s.State == ssClosing {
		return 0
	}
	switch u.Op {
	case unet.UConnected:
		if s.State == ssConnecting {
			s.State = ssConnected
		}
		if u.Local.Port != 0 {
			s.Local = u.Local
		}
		if s.Type == linux.SOCK_STREAM {
			s.Remote = u.Remote
		}
	case unet.UError:
		s.Err = linux.Errno(u.Err)
		if s.State == ssConnecting {
			s.State = ssOpen
		}
	case unet.UEOF:
		s.Shut |= shutRcv
	case unet.UReset:
		s.Err = linux.Errno(u.Err)
		s.Shut = shutRcv | shutSend
		if s.State == ssConnecting {
			s.State = ssOpen
		}
	case unet.UWritable:
	default:
		return linux.EINVAL
	}
	sockChanged(si)
	return 0
}

// inetAccepted queues a new connection (u.Local, u.Remote) on listener li and returns
// the id the service will know it by. ECONNREFUSED if li no longer listens.
func inetAccepted(li int32, u *unet.Update) (int32, linux.Errno) {
	l := &socks[li]
	if l.State != ssListening {
		return 0, linux.ECONNREFUSED
	}
	ci, err := inetNewSocket(uint64(l.Family), l.Type, l.Proto)
	if err != 0 {
		return 0, err
	}
	c := &socks[ci]
	inetOpenRings(c)
	c.State = ssConnected
	c.Local, c.Remote = u.Local, u.Remote
	c.Bound = false // the listener owns the port
	c.Svc = true
	c.Opts = l.Opts
	l = &socks[li]
	if l.QTail >= 0 {
		socks[l.QTail].Next = ci
	} else {
		l.QHead = ci
	}
	l.QTail = ci
	l.QLen++
	sockChanged(li)
	return c.NetID, 0
}

// inetSvcFree frees si once the service is done with it; EBUSY unless the application
// has closed it.
func inetSvcFree(si int32) linux.Errno {
	if socks[si].State != ssClosing {
		return linux.EBUSY
	}
	sockFree(&socks[si])
	return 0
}
