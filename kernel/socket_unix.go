package kernel

// Unix-domain sockets: stream, datagram and seqpacket; socketpair; bind/listen/connect/
// accept on path and abstract names. Data goes straight into the receiving socket's ring.
//
// Names live in the socket table, not in the file system: bind does not create a node,
// and a path name is free again once its socket closes (Linux keeps the node until it is
// unlinked). Relative paths are compared as given.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

// unixName is a decoded sockaddr_un: Len bytes of B (abstract names start with NUL).
type unixName struct {
	Len uint8
	B   [linux.UNIX_PATH_MAX]byte
}

// readUnixName decodes a sockaddr_un of alen bytes at addr. An empty name (alen == 2)
// comes back with Len 0.
func readUnixName(addr uintptr, alen uint32, n *unixName) linux.Errno {
	if alen < 2 || alen > uint32(unsafe.Sizeof(linux.SockaddrUn{})) || addr == 0 {
		return linux.EINVAL
	}
	sa := (*linux.SockaddrUn)(unsafe.Pointer(addr))
	if sa.Family != linux.AF_UNIX {
		return linux.EINVAL
	}
	l := int(alen - 2)
	if l > 0 && sa.Path[0] != 0 {
		for i := 0; i < l; i++ { // a path ends at its NUL
			if sa.Path[i] == 0 {
				l = i
				break
			}
		}
	}
	n.Len = uint8(l)
	copy(n.B[:l], sa.Path[:l])
	return 0
}

// writeUnixName stores a sockaddr_un for name (sun_path plus Linux's trailing NUL for
// path names) at addr, truncated to the buffer length at lenp, and the full length at lenp.
func writeUnixName(addr, lenp uintptr, name []byte) linux.Errno {
	if lenp == 0 {
		return 0
	}
	have := *(*int32)(unsafe.Pointer(lenp))
	if have < 0 {
		return linux.EINVAL
	}
	full := 2 + int32(len(name))
	if len(name) > 0 && name[0] != 0 && len(name) < linux.UNIX_PATH_MAX {
		full++ // the path's NUL
	}
	var sa linux.SockaddrUn
	sa.Family = linux.AF_UNIX
	copy(sa.Path[:], name)
	n := full
	if n > have {
		n = have
	}
	if addr != 0 && n > 0 {
		copyBytes(addr, uintptr(unsafe.Pointer(&sa)), uintptr(n))
	}
	*(*int32)(unsafe.Pointer(lenp)) = full
	return 0
}

// sockName is the bound name of socket si (empty for -1 or a closed socket).
func sockName(si int32) []byte {
	if si < 0 || socks[si].State == ssFree {
		return nil
	}
	return socks[si].Name[:socks[si].NameLen]
}

// unixLookup finds the socket bound to name n, or -1.
func unixLookup(n *unixName) int32 {
	for i := range socksUsed {
		s := &socks[i]
		if s.State != ssFree && s.Family == linux.AF_UNIX && s.NameLen == n.Len && s.NameLen > 0 &&
			string(s.Name[:s.NameLen]) == string(n.B[:n.Len]) {
			return int32(i)
		}
	}
	return -1
}

// autobindSerial numbers autobound abstract names, as Linux's "\0XXXXX".
var autobindSerial uint32

// unixBind binds s to name n (Len 0: an autobound abstract name).
func unixBind(s *socket, n *unixName) linux.Errno {
	if s.NameLen != 0 {
		return linux.EINVAL
	}
	if n.Len == 0 {
		const hex = "0123456789abcdef"
		for {
			autobindSerial++
			n.Len = 6
			n.B[0] = 0
			for i := 0; i < 5; i++ {
				n.B[5-i] = hex[(autobindSerial>>(4*i))&15]
			}
			if unixLookup(n) < 0 {
				break
			}
		}
	} else if unixLookup(n) >= 0 {
		return linux.EADDRINUSE
	}
	s.NameLen = n.Len
	copy(s.Name[:], n.B[:n.Len])
	return 0
}

// unixListen makes s a listening socket.
func unixListen(s *socket, backlog int32) linux.Errno {
	if s.Type == linux.SOCK_DGRAM {
		return linux.EOPNOTSUPP
	}
	if s.State != ssOpen && s.State != ssListening {
		return linux.EINVAL
	}
	if s.NameLen == 0 {
		return linux.EINVAL // Linux autobinds only with SO_PASSCRED
	}
	if backlog < 0 || backlog > linux.SOMAXCONN {
		backlog = linux.SOMAXCONN
	}
	s.State = ssListening
	s.Backlog = backlog
	return 0
}

// unixPair connects two fresh sockets a and b to each other.
func unixPair(a, b int32) linux.Errno {
	sockOpenRing(&socks[a])
	sockOpenRing(&socks[b])
	socks[a].State, socks[b].State = ssConnected, ssConnected
	socks[a].Peer, socks[b].Peer = b, a
	return 0
}

// unixConnect connects socket si to the socket bound to n. Stream and seqpacket sockets
// get a new socket queued on the listener; datagram sockets just remember the peer.
func unixConnect(si int32, n *unixName, nonblock bool) linux.Errno {
	s := &socks[si]
	if n.Len == 0 {
		return linux.EINVAL
	}
	ti := unixLookup(n)
	if ti < 0 {
		if n.B[0] != 0 {
			return linux.ENOENT // no such path (we keep no socket nodes)
		}
		return linux.ECONNREFUSED
	}
	t := &socks[ti]
	if t.Type != s.Type {
		return linux.EPROTOTYPE
	}
	if s.Type == linux.SOCK_DGRAM {
		sockOpenRing(s)
		s.Peer = ti
		s.PeerGone = false
		s.State = ssConnected
		return 0
	}
	switch s.State {
	case ssConnected:
		return linux.EISCONN
	case ssListening:
		return linux.EINVAL
	}
	for {
		t = &socks[ti]
		if t.State != ssListening || t.NameLen != n.Len {
			return linux.ECONNREFUSED // the listener went away while we waited
		}
		if t.QLen < t.Backlog || t.QLen == 0 {
			break
		}
		if err := waitIO(nonblock); err != 0 {
			return err
		}
	}
	ci, err := allocSocket(s.Family, s.Type, s.Proto)
	if err != 0 {
		return err
	}
	c := &socks[ci]
	c.NameLen = t.NameLen
	c.Name = t.Name
	if err := unixPair(si, ci); err != 0 {
		sockFree(c)
		s.State = ssOpen
		return err
	}
	// Queue c on the listener.
	if t.QTail >= 0 {
		socks[t.QTail].Next = ci
	} else {
		t.QHead = ci
	}
	t.QTail = ci
	t.QLen++
	sockChanged(ti)
	sockChanged(si)
	return 0
}

// unixAccept takes the oldest queued connection of listener li.
func unixAccept(li int32, nonblock bool) (int32, linux.Errno) {
	for {
		l := &socks[li]
		if l.State != ssListening {
			return 0, linux.EINVAL
		}
		if l.QHead >= 0 {
			ci := l.QHead
			l.QHead = socks[ci].Next
			if l.QHead < 0 {
				l.QTail = -1
			}
			l.QLen--
			socks[ci].Next = -1
			sockChanged(socks[ci].Peer) // the connector may wait for backlog room
			return ci, 0
		}
		if err := waitIO(nonblock); err != 0 {
			return 0, err
		}
	}
}

// unixRequeue puts ci back at the head of listener li's queue (accept could not give it a file).
func unixRequeue(li, ci int32) {
	l := &socks[li]
	socks[ci].Next = l.QHead
	l.QHead = ci
	if l.QTail < 0 {
		l.QTail = ci
	}
	l.QLen++
}

// unixSend sends v (n bytes) from socket si, to the socket named by to (if to.Len > 0)
// or to the connected peer. It returns the bytes sent.
func unixSend(si int32, v ioVecs, to *unixName, nonblock bool) (uintptr, linux.Errno) {
	s := &socks[si]
	n := v.total()
	if s.Shut&shutSend != 0 {
		return 0, linux.EPIPE
	}
	if s.Type != linux.SOCK_DGRAM {
		if s.State != ssConnected {
			return 0, linux.ENOTCONN
		}
		if to.Len > 0 {
			return 0, linux.EISCONN
		}
	}
	var done uintptr
	for {
		ti := s.Peer
		if to.Len > 0 {
			ti = unixLookup(to)
			if ti < 0 {
				if to.B[0] != 0 {
					return 0, linux.ENOENT
				}
				return 0, linux.ECONNREFUSED
			}
			if socks[ti].Type != s.Type {
				return 0, linux.EPROTOTYPE
			}
		}
		if ti < 0 {
			if s.PeerGone && s.Type == linux.SOCK_DGRAM {
				return 0, linux.ECONNREFUSED
			}
			if s.PeerGone {
				return sentOr(done, linux.EPIPE)
			}
			return 0, linux.ENOTCONN
		}
		t := &socks[ti]
		if t.Shut&shutRcv != 0 {
			return sentOr(done, linux.EPIPE)
		}
		if s.Type == linux.SOCK_STREAM {
			k := t.Rx.putV(v, done, n-done)
			done += k
			if done == n {
				sockChanged(ti)
				return done, 0
			}
			if done > 0 {
				sockChanged(ti)
			}
			if k == 0 && t.Rx.starved(1) {
				return sentOr(done, linux.ENOBUFS)
			}
		} else {
			if t.Rx.N == 0 {
				sockOpenRing(t)
			}
			if uint64(n)+recordHdr > t.Rx.size() {
				return 0, linux.EMSGSIZE
			}
			if t.Rx.putRecordV(v, n, si) {
				sockChanged(ti)
				return n, 0
			}
			if t.Rx.starved(uint64(n) + recordHdr) {
				return 0, linux.ENOBUFS
			}
		}
		if err := waitIO(nonblock); err != 0 {
			return sentOr(done, err)
		}
	}
}

// sentOr returns a partial count if any bytes went, else the error.
func sentOr(done uintptr, err linux.Errno) (uintptr, linux.Errno) {
	if done > 0 {
		return done, 0
	}
	return 0, err
}

// recvFlags are recv's MSG_* inputs and the msg_flags output.
type recvResult struct {
	N     uintptr // bytes copied, or the full record length with MSG_TRUNC
	From  int32   // sender socket of a record, -1 if unknown
	Flags int32   // msg_flags: MSG_TRUNC
}

// unixRecv receives into v for socket si.
func unixRecv(si int32, v ioVecs, flags uint32, nonblock bool, res *recvResult) linux.Errno {
	s := &socks[si]
	n := v.total()
	peek := flags&linux.MSG_PEEK != 0
	res.From = -1
	if s.Type != linux.SOCK_DGRAM && s.State != ssConnected {
		return linux.EINVAL
	}
	var done uintptr
	for {
		s = &socks[si]
		if s.Type == linux.SOCK_STREAM && !s.Rx.empty() {
			done += s.Rx.takeV(v, done, n-done, peek)
			if !peek {
				sockChanged(s.Peer) // room for the writer
			}
			if done == n || flags&linux.MSG_WAITALL == 0 || peek {
				res.N = done
				return 0
			}
		} else if s.Type != linux.SOCK_STREAM && s.Rx.Recs > 0 {
			got, full, from := s.Rx.takeRecordV(v, n, peek)
			res.N, res.From = got, from
			if full > got {
				res.Flags |= linux.MSG_TRUNC
				if flags&linux.MSG_TRUNC != 0 {
					res.N = full
				}
			}
			if !peek {
				sockWakeSenders(si)
			}
			return 0
		}
		if s.Shut&shutRcv != 0 || n == 0 {
			res.N = done
			return 0 // end of file
		}
		if err := waitIO(nonblock); err != 0 {
			if done > 0 {
				res.N = done
				return 0
			}
			return err
		}
	}
}

// sockWakeSenders signals every socket that sends to si: room appeared in si's ring.
func sockWakeSenders(si int32) {
	for i := range socksUsed {
		if socks[i].State != ssFree && socks[i].Peer == si {
			if fi := socks[i].File; fi >= 0 {
				bump(fi)
			}
		}
	}
	wakeEpollWaiters()
}

// unixShutdown shuts down directions of si and the mirror directions of its peer.
func unixShutdown(si int32, how uint64) linux.Errno {
	s := &socks[si]
	var bits uint8
	switch how {
	case linux.SHUT_RD:
		bits = shutRcv
	case linux.SHUT_WR:
		bits = shutSend
	case linux.SHUT_RDWR:
		bits = shutRcv | shutSend
	default:
		return linux.EINVAL
	}
	if s.State != ssConnected && s.Type != linux.SOCK_DGRAM {
		return linux.ENOTCONN
	}
	s.Shut |= bits
	if s.Peer >= 0 && s.Type != linux.SOCK_DGRAM {
		p := &socks[s.Peer]
		if bits&shutRcv != 0 {
			p.Shut |= shutSend
		}
		if bits&shutSend != 0 {
			p.Shut |= shutRcv
		}
		sockChanged(s.Peer)
	}
	sockChanged(si)
	return 0
}
