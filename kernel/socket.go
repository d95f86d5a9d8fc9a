package kernel

// Sockets: a file kind (fkSocket), like pipes with addresses. Each socket has a state, a
// receive ring (socket_ring.go) that its peer writes into, shutdown bits, a pending error
// (SO_ERROR), a bound name, an accept queue when listening, and stored options. Epoll
// readiness comes from this state, with the same generation-based edge triggering as
// pipes (sockChanged bumps the file's Gen).
//
// Unix-domain sockets live here entirely (socket_unix.go). Internet sockets add a send
// ring and hand their traffic to the netstack service (socket_inet.go, sys_netsvc.go,
// docs/net-design.md). Syscall glue: sys_socket.go.
//
// Every function here runs under the kernel lock.

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/abi/unet"
)

const (
	// maxSockets bounds the sockets open at once, of every family: a server's every
	// connection is one (two on loopback). A power of two: a socket's index is the low
	// sockIndexBits of the id the netstack service knows it by (socket_inet.go).
	sockIndexBits = 11
	maxSockets    = 1 << sockIndexBits
	maxSockOpts   = 12 // stored setsockopt values per socket
)

// Socket states. Legal transitions:
//
//	ssFree -> ssOpen            socket(2); or -> ssConnected for socketpair and accept's new socket
//	ssOpen -> ssListening       listen(2) on a stream or seqpacket socket
//	ssOpen -> ssConnected       connect(2)
//	ssOpen -> ssConnecting      connect(2) on a TCP socket; -> ssConnected or back to
//	                            ssOpen (with SO_ERROR) when the service reports
//	any    -> ssClosing         the last file reference to an internet socket the
//	                            netstack service knows closes; -> ssFree by the service
//	any    -> ssFree            the last file reference closes (sockRelease)
const (
	ssFree = iota
	ssOpen
	ssListening
	ssConnected
	ssConnecting
	ssClosing
)

// Shutdown bits: this side can no longer receive / send. A peer's close sets both.
const (
	shutRcv  = 1
	shutSend = 2
)

type sockOpt struct {
	Level, Name int32
	Val, Val2   int32 // Val2: SO_LINGER's seconds
}

type socket struct {
	State    uint8
	Shut     uint8 // shutRcv|shutSend
	PeerGone bool  // was connected and the peer has closed
	Family   uint16
	Type     uint16 // SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET
	Proto    int32
	File     int32 // file slot; -1 while waiting in an accept queue
	Peer     int32 // connected peer's index; -1 = none
	Err      linux.Errno

	NameLen uint8 // bytes of Name in use (abstract names start with NUL); 0 = unbound
	Name    [linux.UNIX_PATH_MAX]byte

	// Accept queue (listening sockets): connected sockets not yet accepted, linked by Next.
	QHead, QTail int32
	QLen         int32
	Backlog      int32
	Next         int32

	Rx   sockRing
	Opts [maxSockOpts]sockOpt

	// Internet sockets (socket_inet.go).
	NetID         int32  // the id the netstack service knows it by
	Pend          uint32 // unet.W* work not yet taken by the service
	Queued        bool   // on the service's work queue (Pend != 0), linked by WorkPrev/WorkNext
	WorkPrev      int32
	WorkNext      int32
	Svc           bool      // the service has taken work for it: only the service frees it
	Bound         bool      // Local is set
	RxWant        bool      // the service has more data than fit: tell it when the app reads
	Local, Remote unet.Addr // bound address; peer (connected) or connect's destination
	Tx            sockRing  // written by the application, taken by the service
}

var socks [maxSockets]socket

// socksUsed is one more than the highest socket slot in use: scans of socks stop there.
// allocSocket raises it, sockFree lowers it past free slots at the end.
var socksUsed int32

// allocSocket takes a free slot and initializes it.
func allocSocket(family, typ uint16, proto int32) (int32, linux.Errno) {
	for i := range socks {
		if socks[i].State == ssFree {
			s := &socks[i]
			*s = socket{State: ssOpen, Family: family, Type: typ, Proto: proto,
				File: -1, Peer: -1, QHead: -1, QTail: -1, Next: -1}
			socksUsed = max(socksUsed, int32(i)+1)
			return int32(i), 0
		}
	}
	return 0, linux.ENFILE
}

// sockOpenRing gives s its receive ring: its room, not yet its pages, which come with the
// bytes that need them (sockRing.back).
func sockOpenRing(s *socket) { s.Rx.N = sockRingPages }

// sockFree returns s's pages and slot. Its file (if any) is being freed by the caller.
func sockFree(s *socket) {
	s.Rx.freePages()
	s.Tx.freePages()
	if s.Queued {
		workUnqueue(s)
	}
	*s = socket{}
	for socksUsed > 0 && socks[socksUsed-1].State == ssFree {
		socksUsed--
	}
}

// sockChanged records a state change of socket si: a new edge for epoll and a wake-up
// for blocked readers and writers.
func sockChanged(si int32) {
	if si < 0 {
		return
	}
	if fi := socks[si].File; fi >= 0 {
		bump(fi)
	}
	wakeEpollWaiters()
}

// sockRelease drops socket si: its file's last reference closed, or it was still in
// the accept queue of a listener that closed. Queued connections die with it, and every
// socket connected to it sees the peer gone.
func sockRelease(si int32) {
	s := &socks[si]
	if isInet(s) {
		inetRelease(si)
		return
	}
	for q := s.QHead; q >= 0; {
		next := socks[q].Next
		sockRelease(q)
		q = next
	}
	s.QHead, s.QTail, s.QLen = -1, -1, 0
	for i := range socksUsed {
		p := &socks[i]
		if p.State != ssFree && p.Peer == si {
			p.Peer = -1
			p.PeerGone = true
			if p.Type != linux.SOCK_DGRAM {
				p.Shut = shutRcv | shutSend
			}
			sockChanged(int32(i))
		}
	}
	// Datagram senders may have waited for room in this socket's ring: nothing to wait for now.
	sockFree(s)
	wakeEpollWaiters()
}

// sockClose is closeFD's hook for the last reference to a socket file.
func sockClose(f *file) { sockRelease(f.Sock) }

// sockReadiness returns the EPOLL* bits that hold for socket file f now.
func sockReadiness(f *file) uint32 {
	s := &socks[f.Sock]
	if isInet(s) {
		return inetReadiness(s)
	}
	var r uint32
	if s.Err != 0 {
		r |= linux.EPOLLERR
	}
	if s.State == ssListening {
		if s.QLen > 0 {
			r |= linux.EPOLLIN | linux.EPOLLRDNORM
		}
		return r
	}
	if !s.Rx.empty() || s.Shut&shutRcv != 0 {
		r |= linux.EPOLLIN | linux.EPOLLRDNORM
	}
	if s.Shut&shutRcv != 0 {
		r |= linux.EPOLLRDHUP
	}
	if s.Shut == shutRcv|shutSend || s.Type != linux.SOCK_DGRAM && s.State == ssOpen {
		r |= linux.EPOLLHUP
	}
	if sockWritable(s) {
		r |= linux.EPOLLOUT | linux.EPOLLWRNORM
	}
	return r
}

// sockWritable reports whether a send would not block: there is room in the peer's
// ring, or the send would fail at once.
func sockWritable(s *socket) bool {
	if s.Shut&shutSend != 0 || s.Peer < 0 {
		return true // a send fails (EPIPE, ENOTCONN) or picks its destination itself
	}
	p := &socks[s.Peer]
	if p.Shut&shutRcv != 0 {
		return true
	}
	if s.Type == linux.SOCK_STREAM {
		return p.Rx.space() > 0
	}
	return p.Rx.space() >= recordHdr+512 // room for a modest record
}

// sockSetOpt stores an option value for getsockopt to return.
func sockSetOpt(s *socket, level, name, val, val2 int32) linux.Errno {
	free := -1
	for i := range s.Opts {
		o := &s.Opts[i]
		if o.Level == level && o.Name == name && (level|name) != 0 {
			o.Val, o.Val2 = val, val2
			return 0
		}
		if free < 0 && o.Level == 0 && o.Name == 0 {
			free = i
		}
	}
	if free < 0 {
		return linux.ENOMEM
	}
	s.Opts[free] = sockOpt{Level: level, Name: name, Val: val, Val2: val2}
	return 0
}

// sockGetOpt returns a stored option value, or ok=false.
func sockGetOpt(s *socket, level, name int32) (val, val2 int32, ok bool) {
	for i := range s.Opts {
		o := &s.Opts[i]
		if o.Level == level && o.Name == name && (level|name) != 0 {
			return o.Val, o.Val2, true
		}
	}
	return 0, 0, false
}
