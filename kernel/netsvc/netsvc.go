// Package netsvc is unigo's netstack service: ordinary Go code, linked into programs that
// use package net, that runs gVisor's TCP/IP stack as goroutines of the program and
// connects it to the kernel's internet sockets and to the virtio-net device.
//
// The kernel keeps every socket's state and rings (kernel/socket_inet.go); the socket
// system calls never wait for this service. The service waits on the kernel's control
// fd through the Go netpoller; when it is readable it reads Work records (sockets that
// were bound, listened, connected, written, read or closed) and takes received frames.
// gVisor's waiter queues tell it when an endpoint can be read, written or accepted.
// Everything goes through the private system calls in sys.go. docs/net-design.md has the
// design; this package is not subject to the kernel's rules (it runs as user code).
//
// It is imported by the overlay file the unigo CLI adds to programs whose dependencies
// include package net; it starts from its init function.
package netsvc

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/unigo-os/unigo/kernel/abi/unet"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
	"gvisor.dev/gvisor/pkg/waiter"
)

const (
	afInet     = 2
	afInet6    = 10
	sockStream = 1
	sockDgram  = 2
)

// conn is the service's side of one kernel socket.
type conn struct {
	id         int32
	fam, typ   uint16
	opts       sockOpts
	optsSet    bool
	ep         tcpip.Endpoint
	wq         *waiter.Queue
	entry      waiter.Entry
	listening  bool
	connected  bool
	connecting bool
	closing    bool
	shutWr     bool // shutdown(SHUT_WR) asked for; done once the send ring is empty
	shutDone   bool
	eof        bool   // UEOF or UReset sent
	queued     bool   // in svc.ready
	pending    []byte // taken from the send ring, not yet accepted by the endpoint
}

// svc is the service's state; mu guards conns and every conn.
var svc struct {
	mu    sync.Mutex
	stack *stack.Stack
	conns map[int32]*conn

	readyMu sync.Mutex
	ready   []*conn
	kick    chan struct{}

	// Scratch buffers for moving data between the rings and endpoints, shared by every
	// conn since all of that happens under mu (a buffer per conn was 128 KiB each).
	rxScratch, txScratch []byte

	verbose bool
}

func init() {
	fd, err := netOpen()
	if err != nil {
		return // not under unigo, or another copy already runs
	}
	ctlFD = fd
	svc.conns = map[int32]*conn{}
	svc.rxScratch = make([]byte, 0, 64<<10)
	svc.txScratch = make([]byte, 64<<10)
	svc.kick = make(chan struct{}, 1)
	cmd := readCmdline()
	// UNIGO_NETDEBUG=1 (unigo run -e) does the same as the kernel option, which the
	// CLI has no flag for.
	svc.verbose = cmd["unigo.netdebug"] != "" || os.Getenv("UNIGO_NETDEBUG") != ""
	s, err := newStack(cmd)
	if err != nil {
		fmt.Fprintln(os.Stderr, "unigo: netsvc:", err)
		return
	}
	svc.stack = s
	go eventLoop()
	go ctlLoop()
}

func debugf(format string, args ...any) {
	if svc.verbose {
		fmt.Fprintf(os.Stderr, "unigo: netsvc: "+format+"\n", args...)
	}
}

// ctlLoop waits on the control fd and handles frames and work.
func ctlLoop() {
	f := os.NewFile(ctlFD, "unigo-net")
	rc, err := f.SyscallConn()
	if err != nil {
		fmt.Fprintln(os.Stderr, "unigo: netsvc:", err)
		return
	}
	work := make([]unet.Work, 64)
	frame := make([]byte, unet.VnetHdrLen+unet.MaxRxFrame)
	for {
		err := rc.Read(func(uintptr) bool {
			did := false
			for {
				n, err := frameRx(frame)
				if err != nil {
					break
				}
				deliverFrame(frame[:n])
				did = true
			}
			for {
				n, err := readWork(work)
				if err != nil || n == 0 {
					break
				}
				svc.mu.Lock()
				for i := range work[:n] {
					handleWork(&work[i])
				}
				svc.mu.Unlock()
				did = true
			}
			return did
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "unigo: netsvc: control fd:", err)
			return
		}
	}
}

// notify is the waiter callback: queue c for the event loop.
func notify(c *conn) {
	svc.readyMu.Lock()
	if !c.queued {
		c.queued = true
		svc.ready = append(svc.ready, c)
	}
	svc.readyMu.Unlock()
	select {
	case svc.kick <- struct{}{}:
	default:
	}
}

// eventLoop services endpoints whose waiter queues fired.
func eventLoop() {
	var batch []*conn
	for range svc.kick {
		svc.readyMu.Lock()
		batch, svc.ready = svc.ready, batch[:0]
		for _, c := range batch {
			c.queued = false
		}
		svc.readyMu.Unlock()
		svc.mu.Lock()
		for _, c := range batch {
			if svc.conns[c.id] == c {
				service(c)
			}
		}
		svc.mu.Unlock()
	}
}

// handleWork acts on one Work record. svc.mu is held.
func handleWork(w *unet.Work) {
	c := svc.conns[w.ID]
	if c == nil {
		c = &conn{id: w.ID, fam: w.Family, typ: w.Type}
		svc.conns[w.ID] = c
	}
	debugf("work id=%#x bits=%#x local=%v remote=%v", w.ID, w.Bits, w.Local, w.Remote)
	if o := optsOf(w); !c.optsSet || c.opts != o {
		c.opts, c.optsSet = o, true
		applyOpts(c)
	}
	if w.Bits&unet.WClose != 0 {
		c.closing = true
	}
	if w.Bits&(unet.WBind|unet.WListen|unet.WConnect) != 0 && !c.closing {
		if err := open(c, w); err != nil {
			u := unet.Update{Op: unet.UError, Err: int32(errno(err))}
			if c.typ == sockStream && w.Bits&unet.WConnect != 0 {
				u.Op = unet.UReset
			}
			update(c.id, &u)
			debugf("open id=%#x: %v", c.id, err)
		}
	}
	if w.Bits&unet.WShutWr != 0 {
		c.shutWr = true
	}
	service(c)
}

// open creates c's endpoint for bind, listen or connect.
func open(c *conn, w *unet.Work) tcpip.Error {
	if c.ep == nil {
		netProto := ipv4.ProtocolNumber
		if c.fam == afInet6 {
			netProto = ipv6.ProtocolNumber
		}
		trans := tcp.ProtocolNumber
		if c.typ == sockDgram {
			trans = udp.ProtocolNumber
		}
		c.wq = new(waiter.Queue)
		ep, err := svc.stack.NewEndpoint(trans, netProto, c.wq)
		if err != nil {
			return err
		}
		c.ep = ep
		applyOpts(c)
		c.entry = waiter.NewFunctionEntry(waiter.EventIn|waiter.EventOut|waiter.EventErr|waiter.EventHUp|waiter.EventRdHUp, func(waiter.EventMask) { notify(c) })
		c.wq.EventRegister(&c.entry)
		if err := ep.Bind(fullAddr(c, &w.Local)); err != nil {
			return err
		}
	}
	if w.Bits&unet.WListen != 0 && !c.listening {
		if err := c.ep.Listen(int(w.Backlog)); err != nil {
			return err
		}
		c.listening = true
	}
	if w.Bits&unet.WConnect != 0 {
		err := c.ep.Connect(fullAddr(c, &w.Remote))
		if c.typ == sockDgram {
			if err != nil {
				return err
			}
			u := unet.Update{Op: unet.UConnected}
			if la, e := c.ep.GetLocalAddress(); e == nil {
				u.Local = toAddr(la)
			}
			update(c.id, &u)
			return nil
		}
		if _, ok := err.(*tcpip.ErrConnectStarted); ok {
			c.connecting = true
			return nil
		}
		if err != nil {
			return err
		}
		connected(c)
	}
	return nil
}

// sockOpts are the options a Work record carries.
type sockOpts struct {
	bits                         uint32 // unet.Opt*
	keepIdle, keepIntvl, keepCnt int32  // seconds, seconds, probes; 0 = netstack's default
}

func optsOf(w *unet.Work) sockOpts {
	return sockOpts{w.Opts, w.KeepIdle, w.KeepIntvl, w.KeepCnt}
}

// applyOpts gives c's endpoint its options. Go sets SO_KEEPALIVE with TCP_KEEPIDLE and
// TCP_KEEPINTVL of 15 s and TCP_KEEPCNT 9 on every TCP connection; netstack's own
// defaults (2 h idle) would find a dead peer hours later than Linux does.
func applyOpts(c *conn) {
	if c.ep == nil {
		return
	}
	o := c.opts
	so := c.ep.SocketOptions()
	if c.fam == afInet6 {
		so.SetV6Only(o.bits&unet.OptV6Only != 0)
	}
	so.SetReuseAddress(o.bits&unet.OptReuseAddr != 0)
	if c.typ != sockStream {
		so.SetBroadcast(o.bits&unet.OptBroadcast != 0)
		return
	}
	so.SetDelayOption(o.bits&unet.OptNoDelay == 0)
	so.SetKeepAlive(o.bits&unet.OptKeepAlive != 0)
	if o.keepIdle > 0 {
		idle := tcpip.KeepaliveIdleOption(time.Duration(o.keepIdle) * time.Second)
		c.ep.SetSockOpt(&idle)
	}
	if o.keepIntvl > 0 {
		intvl := tcpip.KeepaliveIntervalOption(time.Duration(o.keepIntvl) * time.Second)
		c.ep.SetSockOpt(&intvl)
	}
	if o.keepCnt > 0 {
		c.ep.SetSockOptInt(tcpip.KeepaliveCountOption, int(o.keepCnt))
	}
}

func connected(c *conn) {
	c.connecting, c.connected = false, true
	u := unet.Update{Op: unet.UConnected}
	if la, err := c.ep.GetLocalAddress(); err == nil {
		u.Local = toAddr(la)
	}
	if ra, err := c.ep.GetRemoteAddress(); err == nil {
		u.Remote = toAddr(ra)
	}
	update(c.id, &u)
}

// service moves whatever can move for c: accepts, connect completion, data both ways,
// shutdown and close. svc.mu is held.
func service(c *conn) {
	if c.ep == nil {
		if c.closing {
			drop(c)
		}
		return
	}
	if c.listening {
		acceptAll(c)
	}
	if c.connecting {
		if err := c.ep.LastError(); err != nil {
			c.connecting = false
			update(c.id, &unet.Update{Op: unet.UError, Err: int32(errno(err))})
		} else if c.ep.Readiness(waiter.WritableEvents)&waiter.WritableEvents != 0 {
			connected(c)
		}
	}
	if c.typ == sockDgram {
		dgramRx(c)
		dgramTx(c)
	} else if c.connected {
		streamRx(c)
		streamTx(c)
	}
	if c.closing && len(c.pending) == 0 {
		drop(c)
	}
}

// drop closes c's endpoint and frees its kernel socket.
func drop(c *conn) {
	if c.ep != nil {
		c.wq.EventUnregister(&c.entry)
		c.ep.Close()
	}
	delete(svc.conns, c.id)
	free(c.id)
}

func acceptAll(l *conn) {
	for {
		var peer tcpip.FullAddress
		ep, wq, err := l.ep.Accept(&peer)
		if err != nil {
			return
		}
		u := unet.Update{Op: unet.UConnected, Remote: toAddr(peer)}
		if la, e := ep.GetLocalAddress(); e == nil {
			u.Local = toAddr(la)
		}
		if l.fam == afInet6 {
			u.Local.V4, u.Remote.V4 = 0, 0 // an AF_INET6 listener reports v4-mapped addresses
		}
		id, e := accepted(l.id, &u)
		if e != nil {
			ep.Close()
			continue
		}
		c := &conn{id: id, fam: l.fam, typ: l.typ, opts: l.opts, optsSet: true, ep: ep, wq: wq, connected: true}
		applyOpts(c)
		c.entry = waiter.NewFunctionEntry(waiter.EventIn|waiter.EventOut|waiter.EventErr|waiter.EventHUp|waiter.EventRdHUp, func(waiter.EventMask) { notify(c) })
		wq.EventRegister(&c.entry)
		svc.conns[id] = c
		streamRx(c)
	}
}

// sliceWriter collects what an endpoint's Read writes.
type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

func streamRx(c *conn) {
	if c.eof {
		return
	}
	for {
		space, _ := rxPut(c.id, nil, nil, true)
		if space <= 0 {
			return // the kernel says WRxRoom when the application reads
		}
		if space > cap(svc.rxScratch) {
			space = cap(svc.rxScratch)
		}
		w := sliceWriter{svc.rxScratch[:0]}
		_, err := c.ep.Read(&tcpip.LimitedWriter{W: &w, N: int64(space)}, tcpip.ReadOptions{})
		if len(w.b) > 0 {
			rxPut(c.id, w.b, nil, false)
		}
		switch err.(type) {
		case nil:
			continue
		case *tcpip.ErrWouldBlock:
			return
		case *tcpip.ErrClosedForReceive:
			c.eof = true
			update(c.id, &unet.Update{Op: unet.UEOF})
			return
		default:
			c.eof = true
			update(c.id, &unet.Update{Op: unet.UReset, Err: int32(errno(err))})
			return
		}
	}
}

func streamTx(c *conn) {
	for {
		data, own := c.pending, true
		if len(data) == 0 {
			n, err := txTake(c.id, svc.txScratch, nil)
			if err != nil || n == 0 {
				break
			}
			data, own = svc.txScratch[:n], false
		}
		var r bytes.Reader
		r.Reset(data)
		n, err := c.ep.Write(&r, tcpip.WriteOptions{})
		data = data[n:]
		switch {
		case own:
			c.pending = data
		case len(data) > 0: // the scratch buffer is shared: keep a copy of the rest
			c.pending = append([]byte(nil), data...)
		}
		if len(c.pending) == 0 {
			c.pending = nil
		}
		if err != nil {
			if _, ok := err.(*tcpip.ErrWouldBlock); ok {
				return
			}
			c.pending = nil
			for { // the connection is gone: discard what the application wrote
				if n, e := txTake(c.id, svc.txScratch, nil); e != nil || n == 0 {
					break
				}
			}
			if !c.eof {
				c.eof = true
				update(c.id, &unet.Update{Op: unet.UReset, Err: int32(errno(err))})
			}
			return
		}
	}
	if c.shutWr && !c.shutDone {
		c.shutDone = true
		c.ep.Shutdown(tcpip.ShutdownWrite)
	}
}

func dgramRx(c *conn) {
	for {
		w := sliceWriter{svc.rxScratch[:0]}
		res, err := c.ep.Read(&w, tcpip.ReadOptions{NeedRemoteAddr: true})
		if err != nil {
			return
		}
		from := toAddr(res.RemoteAddr)
		if c.fam == afInet6 {
			from.V4 = 0
		}
		rxPut(c.id, w.b, &from, false)
	}
}

func dgramTx(c *conn) {
	for {
		var to unet.Addr
		n, err := txTake(c.id, svc.txScratch, &to)
		if err != nil {
			return
		}
		dst := fullAddr(c, &to)
		var r bytes.Reader
		r.Reset(svc.txScratch[:n])
		if _, err := c.ep.Write(&r, tcpip.WriteOptions{To: &dst}); err != nil {
			debugf("udp send id=%#x: %v", c.id, err)
		}
	}
}

// fullAddr converts a kernel address for c's endpoint.
func fullAddr(c *conn, a *unet.Addr) tcpip.FullAddress {
	fa := tcpip.FullAddress{Port: a.Port}
	var zero16 [16]byte
	switch {
	case a.V4 != 0:
		v4 := [4]byte(a.IP[12:])
		if c.fam == afInet6 {
			fa.Addr = tcpip.AddrFrom16(a.IP) // gVisor unmaps it for a dual-stack endpoint
			if v4 == [4]byte{} {
				fa.Addr = tcpip.AddrFrom4(v4)
			}
		} else if v4 != [4]byte{} {
			fa.Addr = tcpip.AddrFrom4(v4)
		}
	case a.IP != zero16:
		fa.Addr = tcpip.AddrFrom16(a.IP)
	}
	return fa
}

// toAddr converts a gVisor address for the kernel.
func toAddr(fa tcpip.FullAddress) unet.Addr {
	a := unet.Addr{Port: fa.Port}
	switch fa.Addr.Len() {
	case 4:
		v4 := fa.Addr.As4()
		a.IP[10], a.IP[11] = 0xFF, 0xFF
		copy(a.IP[12:], v4[:])
		a.V4 = 1
	case 16:
		a.IP = fa.Addr.As16()
		if isV4Mapped(a.IP) {
			a.V4 = 1
		}
	}
	return a
}

func isV4Mapped(ip [16]byte) bool {
	return ip[10] == 0xFF && ip[11] == 0xFF && [10]byte(ip[:10]) == [10]byte{}
}

// errno maps a netstack error to the errno Linux would give.
func errno(err tcpip.Error) syscall.Errno {
	switch err.(type) {
	case *tcpip.ErrConnectionRefused:
		return syscall.ECONNREFUSED
	case *tcpip.ErrConnectionReset:
		return syscall.ECONNRESET
	case *tcpip.ErrConnectionAborted:
		return syscall.ECONNABORTED
	case *tcpip.ErrTimeout:
		return syscall.ETIMEDOUT
	case *tcpip.ErrNetworkUnreachable, *tcpip.ErrHostDown:
		return syscall.ENETUNREACH
	case *tcpip.ErrHostUnreachable:
		return syscall.EHOSTUNREACH
	case *tcpip.ErrPortInUse, *tcpip.ErrDuplicateAddress:
		return syscall.EADDRINUSE
	case *tcpip.ErrBadLocalAddress:
		return syscall.EADDRNOTAVAIL
	case *tcpip.ErrClosedForSend:
		return syscall.EPIPE
	case *tcpip.ErrInvalidEndpointState:
		return syscall.EINVAL
	case *tcpip.ErrAddressFamilyNotSupported:
		return syscall.EAFNOSUPPORT
	case *tcpip.ErrMessageTooLong:
		return syscall.EMSGSIZE
	}
	return syscall.EIO
}
