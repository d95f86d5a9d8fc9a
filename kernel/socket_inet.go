package kernel

// Internet sockets (AF_INET, AF_INET6; TCP and UDP). The kernel keeps each socket's state,
// addresses and two rings: Rx (what the application reads) and Tx (what it wrote and the
// netstack service has not taken yet). The socket system calls work on these alone and
// never wait for the service; the service (kernel/netsvc, ordinary Go code in the same
// program) is told through the control fd (sys_netsvc.go) which sockets have work and
// moves data between the rings and gVisor's netstack. docs/net-design.md has the design.
//
// What happens at once, in the kernel: bind (port table: EADDRINUSE, ephemeral ports),
// listen, connect (EINPROGRESS), accept from the queue the service fills, reads and writes
// on the rings, shutdown, getsockname/getpeername, options. What the service completes
// later: connects (UConnected or SO_ERROR), new connections, received data, FIN and RST.
//
// A socket the service knows (Svc) is not freed when its last file closes: it becomes
// ssClosing with WClose pending, the service flushes its send ring into the endpoint and
// closes that, then frees the slot with unigo_net_free. A socket the service never saw
// (Go's IPv6 probe binds one and closes it) is freed at once.
//
// Every function here runs under the kernel lock.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/abi/unet"
)

const (
	ephemeralFirst = 32768 // Linux's ip_local_port_range
	ephemeralLast  = 60999
	dgramHdr       = uint64(unsafe.Sizeof(unet.Addr{})) // an inet datagram record starts with its address
)

var (
	nextEphemeral uint32
	netIDSeq      uint32
)

func isInet(s *socket) bool { return s.Family == linux.AF_INET || s.Family == linux.AF_INET6 }

// inetNewSocket checks type and protocol for socket(AF_INET/AF_INET6, ...).
func inetNewSocket(domain uint64, typ uint16, proto int32) (int32, linux.Errno) {
	if noNetstack {
		// The program was linked without the netstack service (a standard-library test
		// binary cannot import gVisor): fail now, as a kernel without IPv4 does, rather
		// than leave every connect and accept waiting for a service that never comes.
		return 0, linux.EAFNOSUPPORT
	}
	switch typ {
	case linux.SOCK_STREAM:
		if proto == linux.IPPROTO_MPTCP {
			return 0, linux.EPROTONOSUPPORT // Go's MPTCP probe: plain TCP, please
		}
		if proto != 0 && proto != linux.IPPROTO_TCP {
			return 0, linux.EPROTONOSUPPORT
		}
		proto = linux.IPPROTO_TCP
	case linux.SOCK_DGRAM:
		if proto != 0 && proto != linux.IPPROTO_UDP {
			return 0, linux.EPROTONOSUPPORT
		}
		proto = linux.IPPROTO_UDP
	default:
		return 0, linux.ESOCKTNOSUPPORT
	}
	si, err := allocSocket(uint16(domain), typ, proto)
	if err != 0 {
		return 0, err
	}
	netIDSeq = (netIDSeq + 1) & (1<<(31-sockIndexBits) - 1)
	socks[si].NetID = int32(netIDSeq<<sockIndexBits) | si
	return si, 0
}

// noNetstack is set by the kernel option unigo.nonet, which the CLI passes for images
// that do not link the netstack service (kernel/netsvc).
var noNetstack bool

// sockByNetID finds the socket the service calls id, or -1.
func sockByNetID(id int32) int32 {
	si := id & (maxSockets - 1)
	if id < 0 || socks[si].State == ssFree || socks[si].NetID != id || !isInet(&socks[si]) {
		return -1
	}
	return si
}

// inetOpenRings gives s both rings (their room; pages come with the bytes).
func inetOpenRings(s *socket) {
	sockOpenRing(s)
	s.Tx.N = sockRingPages
}

// readInetAddr decodes a sockaddr_in or sockaddr_in6 for a socket of family fam. An
// AF_INET6 socket stores IPv4 addresses given v4-mapped as V4 too.
func readInetAddr(fam uint16, addr uintptr, alen uint32, a *unet.Addr) linux.Errno {
	if addr == 0 || alen < 2 {
		return linux.EINVAL
	}
	*a = unet.Addr{}
	f := *(*uint16)(unsafe.Pointer(addr))
	switch {
	case fam == linux.AF_INET:
		if alen < uint32(unsafe.Sizeof(linux.SockaddrIn{})) {
			return linux.EINVAL
		}
		if f != linux.AF_INET && f != linux.AF_UNSPEC {
			return linux.EAFNOSUPPORT
		}
		sa := (*linux.SockaddrIn)(unsafe.Pointer(addr))
		a.IP[10], a.IP[11] = 0xFF, 0xFF
		copy(a.IP[12:], sa.Addr[:])
		a.Port = sa.PortNum()
		a.V4 = 1
	default:
		if alen < 24 { // SIN6_LEN_RFC2133: without the scope id
			return linux.EINVAL
		}
		if f != linux.AF_INET6 {
			return linux.EAFNOSUPPORT
		}
		sa := (*linux.SockaddrIn6)(unsafe.Pointer(addr))
		a.IP = sa.Addr
		a.Port = sa.PortNum()
		if isV4Mapped(&a.IP) {
			a.V4 = 1
		}
	}
	return 0
}

func isV4Mapped(ip *[16]byte) bool {
	for i := 0; i < 10; i++ {
		if ip[i] != 0 {
			return false
		}
	}
	return ip[10] == 0xFF && ip[11] == 0xFF
}

func isWildcard(a *unet.Addr) bool {
	start := 0
	if a.V4 != 0 {
		start = 12
	}
	for i := start; i < 16; i++ {
		if a.IP[i] != 0 {
			return false
		}
	}
	return true
}

// writeInetAddr stores a as a sockaddr of family fam at addr (buffer length at lenp),
// as getsockname and recvfrom do.
func writeInetAddr(fam uint16, a *unet.Addr, addr, lenp uintptr) linux.Errno {
	if lenp == 0 {
		return 0
	}
	have := *(*int32)(unsafe.Pointer(lenp))
	if have < 0 {
		return linux.EINVAL
	}
	var buf [28]byte
	full := int32(28)
	if fam == linux.AF_INET {
		sa := (*linux.SockaddrIn)(unsafe.Pointer(&buf[0]))
		sa.Family = linux.AF_INET
		sa.SetPort(a.Port)
		copy(sa.Addr[:], a.IP[12:])
		full = 16
	} else {
		sa := (*linux.SockaddrIn6)(unsafe.Pointer(&buf[0]))
		sa.Family = linux.AF_INET6
		sa.SetPort(a.Port)
		sa.Addr = a.IP
		if a.V4 != 0 {
			sa.Addr[10], sa.Addr[11] = 0xFF, 0xFF // v4-mapped, even for 0.0.0.0
		}
	}
	n := full
	if n > have {
		n = have
	}
	if addr != 0 && n > 0 {
		copyBytes(addr, uintptr(unsafe.Pointer(&buf[0])), uintptr(n))
	}
	*(*int32)(unsafe.Pointer(lenp)) = full
	return 0
}

// sockOptBit reads a stored boolean option.
func sockOptBit(s *socket, level, name int32) bool {
	v, _, ok := sockGetOpt(s, level, name)
	return ok && v != 0
}

func inetOpts(s *socket) uint32 {
	var o uint32
	if sockOptBit(s, linux.SOL_IPV6, linux.IPV6_V6ONLY) {
		o |= unet.OptV6Only
	}
	if sockOptBit(s, linux.SOL_SOCKET, linux.SO_REUSEADDR) {
		o |= unet.OptReuseAddr
	}
	if sockOptBit(s, linux.SOL_TCP, linux.TCP_NODELAY) {
		o |= unet.OptNoDelay
	}
	if sockOptBit(s, linux.SOL_SOCKET, linux.SO_KEEPALIVE) {
		o |= unet.OptKeepAlive
	}
	if sockOptBit(s, linux.SOL_SOCKET, linux.SO_BROADCAST) {
		o |= unet.OptBroadcast
	}
	return o
}

// addrDomains: bit 1 = IPv4, bit 2 = IPv6 destinations a bound address covers.
func addrDomains(s *socket, a *unet.Addr) uint8 {
	switch {
	case a.V4 != 0:
		return 1
	case isWildcard(a) && !sockOptBit(s, linux.SOL_IPV6, linux.IPV6_V6ONLY):
		return 3
	}
	return 2
}

// portBusy reports whether binding s to a would clash with another bound socket.
func portBusy(si int32, a *unet.Addr) bool {
	s := &socks[si]
	reuse := sockOptBit(s, linux.SOL_SOCKET, linux.SO_REUSEADDR)
	for i := range socksUsed {
		o := &socks[i]
		if int32(i) == si || o.State == ssFree || o.State == ssClosing || !isInet(o) ||
			o.Type != s.Type || !o.Bound || o.Local.Port != a.Port {
			continue
		}
		if addrDomains(s, a)&addrDomains(o, &o.Local) == 0 {
			continue
		}
		if !isWildcard(a) && !isWildcard(&o.Local) && a.IP != o.Local.IP {
			continue
		}
		if reuse && sockOptBit(o, linux.SOL_SOCKET, linux.SO_REUSEADDR) &&
			(s.Type == linux.SOCK_DGRAM || o.State != ssListening) {
			continue
		}
		return true
	}
	return false
}

// inetBindTo binds si to a, choosing an ephemeral port for port 0.
func inetBindTo(si int32, a *unet.Addr) linux.Errno {
	s := &socks[si]
	if s.Bound {
		return linux.EINVAL
	}
	if s.Family == linux.AF_INET6 && a.V4 != 0 && sockOptBit(s, linux.SOL_IPV6, linux.IPV6_V6ONLY) {
		return linux.EINVAL
	}
	if a.Port == 0 {
		for tries := 0; ; tries++ {
			if tries > ephemeralLast-ephemeralFirst {
				return linux.EADDRINUSE
			}
			a.Port = uint16(ephemeralFirst + nextEphemeral%(ephemeralLast-ephemeralFirst+1))
			nextEphemeral++
			if !portBusy(si, a) {
				break
			}
		}
	} else if portBusy(si, a) {
		return linux.EADDRINUSE
	}
	s.Local = *a
	s.Bound = true
	if s.Type == linux.SOCK_DGRAM {
		inetOpenRings(s)
		inetWork(si, unet.WBind)
	}
	return 0
}

// inetAutobind binds an unbound socket to the wildcard address and an ephemeral port.
func inetAutobind(si int32) linux.Errno {
	s := &socks[si]
	if s.Bound {
		return 0
	}
	var a unet.Addr
	if s.Family == linux.AF_INET {
		a.V4 = 1
		a.IP[10], a.IP[11] = 0xFF, 0xFF
	}
	return inetBindTo(si, &a)
}

// inetWork marks work for the service and makes the control fd readable.
func inetWork(si int32, bits uint32) {
	s := &socks[si]
	if s.Pend&bits == bits {
		return
	}
	s.Pend |= bits
	if !s.Queued {
		workEnqueue(si)
	}
	netCtlChanged()
}

// The work queue: the internet sockets with work for the service (Pend != 0), oldest
// first, so that the service's reads of the control fd cost what there is to take, not
// a scan of every socket. A socket is on it exactly while Queued.
var workHead, workTail int32 = -1, -1

func workEnqueue(si int32) {
	s := &socks[si]
	s.Queued, s.WorkPrev, s.WorkNext = true, workTail, -1
	if workTail >= 0 {
		socks[workTail].WorkNext = si
	} else {
		workHead = si
	}
	workTail = si
}

func workUnqueue(s *socket) {
	if s.WorkPrev >= 0 {
		socks[s.WorkPrev].WorkNext = s.WorkNext
	} else {
		workHead = s.WorkNext
	}
	if s.WorkNext >= 0 {
		socks[s.WorkNext].WorkPrev = s.WorkPrev
	} else {
		workTail = s.WorkPrev
	}
	s.Queued = false
}

func inetBind(si int32, addr uintptr, alen uint32) linux.Errno {
	var a unet.Addr
	if err := readInetAddr(socks[si].Family, addr, alen, &a); err != 0 {
		return err
	}
	return inetBindTo(si, &a)
}

func inetListen(si int32, backlog int32) linux.Errno {
	s := &socks[si]
	if s.Type != linux.SOCK_STREAM {
		return linux.EOPNOTSUPP
	}
	if s.State != ssOpen && s.State != ssListening {
		return linux.EINVAL
	}
	if err := inetAutobind(si); err != 0 {
		return err
	}
	if backlog < 0 || backlog > linux.SOMAXCONN {
		backlog = linux.SOMAXCONN
	}
	s.Backlog = backlog
	if s.State != ssListening {
		s.State = ssListening
		inetWork(si, unet.WListen)
	}
	return 0
}

func inetConnect(si int32, addr uintptr, alen uint32, nonblock bool) linux.Errno {
	s := &socks[si]
	var a unet.Addr
	if s.Type == linux.SOCK_DGRAM && alen >= 2 && addr != 0 && *(*uint16)(unsafe.Pointer(addr)) == linux.AF_UNSPEC {
		s.Remote = unet.Addr{} // dissolve the association
		s.State = ssOpen
		return 0
	}
	if err := readInetAddr(s.Family, addr, alen, &a); err != 0 {
		return err
	}
	switch s.State {
	case ssConnected:
		if s.Type == linux.SOCK_STREAM {
			return linux.EISCONN
		}
	case ssConnecting:
		return linux.EALREADY
	case ssListening:
		return linux.EINVAL
	}
	if s.Family == linux.AF_INET6 && a.V4 != 0 && sockOptBit(s, linux.SOL_IPV6, linux.IPV6_V6ONLY) {
		return linux.ENETUNREACH
	}
	if err := inetAutobind(si); err != 0 {
		return err
	}
	inetOpenRings(s)
	s.Remote = a
	if s.Type == linux.SOCK_DGRAM {
		s.State = ssConnected
		inetWork(si, unet.WConnect)
		return 0
	}
	s.State = ssConnecting
	s.Err = 0
	inetWork(si, unet.WConnect)
	if nonblock {
		return linux.EINPROGRESS
	}
	for socks[si].State == ssConnecting {
		if block(waitPipe, 0, 0) == wakeSignal {
			return linux.EINTR // Linux: the connect goes on; a later connect says EALREADY
		}
	}
	if e := socks[si].Err; e != 0 {
		socks[si].Err = 0
		return e
	}
	return 0
}

// inetTakeErr returns and clears a pending error.
func inetTakeErr(s *socket) linux.Errno {
	e := s.Err
	s.Err = 0
	return e
}

// inetSend sends v (n bytes) from si to the address at to (0: the connected peer).
func inetSend(si int32, v ioVecs, to uintptr, tolen uint32, nonblock bool) (uintptr, linux.Errno) {
	s := &socks[si]
	n := v.total()
	if s.Type == linux.SOCK_DGRAM {
		var a unet.Addr
		if to != 0 {
			if err := readInetAddr(s.Family, to, tolen, &a); err != 0 {
				return 0, err
			}
		} else if s.State == ssConnected {
			a = s.Remote
		} else {
			return 0, linux.EDESTADDRREQ
		}
		if s.Shut&shutSend != 0 {
			return 0, linux.EPIPE
		}
		if err := inetAutobind(si); err != 0 {
			return 0, err
		}
		inetOpenRings(s)
		if uint64(n) > 65507 || uint64(n)+dgramHdr+recordHdr > s.Tx.size() {
			return 0, linux.EMSGSIZE
		}
		for {
			s = &socks[si]
			if s.Tx.putDgram(&a, v, n) {
				inetWork(si, unet.WTx)
				return n, 0
			}
			if s.Tx.starved(uint64(n) + dgramHdr + recordHdr) {
				return 0, linux.ENOBUFS
			}
			if err := waitIO(nonblock); err != 0 {
				return 0, err
			}
		}
	}
	if to != 0 && s.State != ssConnected {
		return 0, linux.EOPNOTSUPP // TCP Fast Open is not supported
	}
	var done uintptr
	for {
		s = &socks[si]
		if s.Err != 0 {
			return sentOr(done, inetTakeErr(s))
		}
		if s.Shut&shutSend != 0 {
			return sentOr(done, linux.EPIPE)
		}
		switch s.State {
		case ssConnected:
		case ssConnecting:
			if nonblock {
				return 0, linux.EAGAIN
			}
		default:
			return 0, linux.ENOTCONN
		}
		if s.State == ssConnected {
			k := s.Tx.putV(v, done, n-done)
			done += k
			if k > 0 {
				inetWork(si, unet.WTx)
			}
			if done == n {
				return done, 0
			}
			if k == 0 && s.Tx.starved(1) {
				return sentOr(done, linux.ENOBUFS)
			}
		}
		if err := waitIO(nonblock); err != 0 {
			return sentOr(done, err)
		}
	}
}

// inetRecv receives into v; the datagram's source goes to from.
func inetRecv(si int32, v ioVecs, flags uint32, nonblock bool, res *recvResult, from *unet.Addr) linux.Errno {
	n := v.total()
	peek := flags&linux.MSG_PEEK != 0
	res.From = -1
	var done uintptr
	for {
		s := &socks[si]
		if s.Type == linux.SOCK_DGRAM {
			if s.Rx.Recs > 0 {
				got, full := s.Rx.takeDgram(from, v, n, peek)
				res.N = got
				if full > got {
					res.Flags |= linux.MSG_TRUNC
					if flags&linux.MSG_TRUNC != 0 {
						res.N = full
					}
				}
				return 0
			}
			if s.Err != 0 {
				return inetTakeErr(s)
			}
			if s.Shut&shutRcv != 0 {
				return 0
			}
		} else {
			if s.State != ssConnected && s.State != ssConnecting {
				return linux.ENOTCONN
			}
			if !s.Rx.empty() {
				done += s.Rx.takeV(v, done, n-done, peek)
				if !peek && s.RxWant {
					s.RxWant = false
					inetWork(si, unet.WRxRoom)
				}
				if done == n || flags&linux.MSG_WAITALL == 0 || peek {
					res.N = done
					return 0
				}
				continue
			}
			if done > 0 && (s.Err != 0 || s.Shut&shutRcv != 0) {
				res.N = done
				return 0
			}
			if s.Err != 0 {
				return inetTakeErr(s)
			}
			if s.Shut&shutRcv != 0 || n == 0 {
				res.N = done
				return 0
			}
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

func inetShutdown(si int32, how uint64) linux.Errno {
	s := &socks[si]
	if how > linux.SHUT_RDWR {
		return linux.EINVAL
	}
	if s.State != ssConnected && s.State != ssConnecting {
		return linux.ENOTCONN
	}
	if how == linux.SHUT_RD || how == linux.SHUT_RDWR {
		s.Shut |= shutRcv
	}
	if (how == linux.SHUT_WR || how == linux.SHUT_RDWR) && s.Shut&shutSend == 0 {
		s.Shut |= shutSend
		inetWork(si, unet.WShutWr)
	}
	sockChanged(si)
	return 0
}

// inetRelease handles the last close of si (or its death in a closing listener's queue).
func inetRelease(si int32) {
	s := &socks[si]
	for q := s.QHead; q >= 0; {
		next := socks[q].Next
		sockRelease(q)
		q = next
	}
	s.QHead, s.QTail, s.QLen = -1, -1, 0
	s.File = -1
	if !s.Svc {
		sockFree(s)
		return
	}
	s.State = ssClosing
	s.Rx.reset()
	inetWork(si, unet.WClose)
}

// inetReadiness is sockReadiness for internet sockets.
func inetReadiness(s *socket) uint32 {
	var r uint32
	if s.Err != 0 {
		r |= linux.EPOLLERR
	}
	switch s.State {
	case ssListening:
		if s.QLen > 0 {
			r |= linux.EPOLLIN | linux.EPOLLRDNORM
		}
		return r
	case ssConnecting:
		if s.Err != 0 {
			r |= linux.EPOLLOUT | linux.EPOLLHUP
		}
		return r
	}
	if s.Type == linux.SOCK_DGRAM {
		if s.Rx.Recs > 0 {
			r |= linux.EPOLLIN | linux.EPOLLRDNORM
		}
		if s.Tx.N == 0 || s.Tx.space() >= recordHdr+dgramHdr+2048 {
			r |= linux.EPOLLOUT | linux.EPOLLWRNORM
		}
		return r
	}
	if !s.Rx.empty() || s.Shut&shutRcv != 0 {
		r |= linux.EPOLLIN | linux.EPOLLRDNORM
	}
	if s.Shut&shutRcv != 0 {
		r |= linux.EPOLLRDHUP
	}
	if s.Shut == shutRcv|shutSend || s.State == ssOpen {
		r |= linux.EPOLLHUP
	}
	if s.State == ssOpen || s.Shut&shutSend != 0 || s.Tx.space() > 0 {
		r |= linux.EPOLLOUT | linux.EPOLLWRNORM
	}
	return r
}

// putDgram appends one datagram record: header, destination or source address, payload.
func (r *sockRing) putDgram(a *unet.Addr, v ioVecs, n uintptr) bool {
	if need := uint64(n) + recordHdr + dgramHdr; need > r.space() || r.back(need) < need {
		return false
	}
	r.Hdr[0], r.Hdr[1] = uint32(n), 0
	r.copyIn(r.W, r.hdrAddr(), recordHdr)
	r.Addr = *a
	r.copyIn(r.W+recordHdr, uintptr(unsafe.Pointer(&r.Addr)), uintptr(dgramHdr))
	r.copyInV(r.W+recordHdr+dgramHdr, v, 0, n)
	r.W += recordHdr + dgramHdr + uint64(n)
	r.Recs++
	return true
}

// takeDgram moves the oldest datagram into v (at most n bytes), its address into a.
func (r *sockRing) takeDgram(a *unet.Addr, v ioVecs, n uintptr, peek bool) (got, full uintptr) {
	r.copyOut(r.R, r.hdrAddr(), recordHdr)
	full = uintptr(r.Hdr[0])
	r.copyOut(r.R+recordHdr, uintptr(unsafe.Pointer(&r.Addr)), uintptr(dgramHdr))
	if a != nil {
		*a = r.Addr
	}
	got = full
	if got > n {
		got = n
	}
	r.copyOutV(r.R+recordHdr+dgramHdr, v, 0, got)
	if !peek {
		r.R += recordHdr + dgramHdr + uint64(full)
		r.Recs--
		r.shed()
	}
	return got, full
}
