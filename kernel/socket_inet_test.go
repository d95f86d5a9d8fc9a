package kernel

import (
	"bytes"
	"fmt"
	"testing"
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/abi/unet"
)

const (
	evIn    = linux.EPOLLIN | linux.EPOLLRDNORM
	evOut   = linux.EPOLLOUT | linux.EPOLLWRNORM
	evRdHup = linux.EPOLLRDHUP
	evHup   = linux.EPOLLHUP
	evErr   = linux.EPOLLERR
)

func wantReady(t *testing.T, what string, got, want uint32) {
	t.Helper()
	if got != want {
		t.Errorf("%s: readiness %#x, want %#x", what, got, want)
	}
}

func TestInetListenQueuesWorkAndAcceptTakesServiceConnectionsInOrder(t *testing.T) {
	k := newHostNet(t)
	l := k.tcp4()
	if err := k.bind(l, sin(0, 0, 0, 0, 8080)); err != 0 {
		t.Fatalf("bind: %v", err)
	}
	k.must("listen", sysListen, l, 128)
	ls, li := k.sock(l)
	if w := k.work()[ls.NetID]; w.Bits&unet.WListen == 0 || w.Local.Port != 8080 || w.Backlog != 128 {
		t.Fatalf("work after listen: %+v, want WListen on port 8080, backlog 128", w)
	}
	if _, err := k.call(sysAccept4, l, 0, 0, linux.SOCK_NONBLOCK); err != linux.EAGAIN {
		t.Fatalf("accept4 on an empty queue: %v, want EAGAIN", err)
	}
	wantReady(t, "listener, empty queue", k.ready(l), 0)

	var ids []int32
	for port := uint16(40000); port < 40003; port++ {
		u := unet.Update{Op: unet.UConnected}
		u.Remote.IP[10], u.Remote.IP[11], u.Remote.V4, u.Remote.Port = 0xff, 0xff, 1, port
		copy(u.Remote.IP[12:], []byte{10, 0, 2, 2})
		id, err := inetAccepted(li, &u)
		if err != 0 {
			t.Fatalf("inetAccepted: %v", err)
		}
		ids = append(ids, id)
	}
	wantReady(t, "listener with 3 queued", k.ready(l), evIn)
	for i, port := range []uint16{40000, 40001, 40002} {
		sa := heapVal[linux.SockaddrIn]()
		sl := heapVal[int32]()
		*sl = int32(unsafe.Sizeof(*sa))
		c := uint64(k.must("accept4", sysAccept4, l, addrOf(sa), addrOf(sl), linux.SOCK_NONBLOCK))
		cs, _ := k.sock(c)
		if cs.NetID != ids[i] || sa.PortNum() != port || sa.Addr != [4]byte{10, 0, 2, 2} || cs.State != ssConnected {
			t.Errorf("accept %d: id %#x port %d addr %v state %d; want id %#x port %d from 10.0.2.2, connected",
				i, cs.NetID, sa.PortNum(), sa.Addr, cs.State, ids[i], port)
		}
		wantReady(t, "accepted connection", k.ready(c), evOut)
	}
	wantReady(t, "listener after accepting all", k.ready(l), 0)
	if ls.QLen != 0 || ls.QHead != -1 {
		t.Errorf("accept queue: QLen %d, QHead %d; want empty", ls.QLen, ls.QHead)
	}
}

func TestInetListenerCloseFreesQueuedConnectionsAndRefusesNewOnes(t *testing.T) {
	k := newHostNet(t)
	l := k.tcp4()
	k.bind(l, sin(127, 0, 0, 1, 9000))
	k.must("listen", sysListen, l, 8)
	_, li := k.sock(l)
	k.work()
	u := unet.Update{Op: unet.UConnected}
	id, err := inetAccepted(li, &u)
	if err != 0 {
		t.Fatal(err)
	}
	k.must("close", sysClose, l)
	if sockByNetID(id) >= 0 && socks[sockByNetID(id)].State != ssClosing {
		t.Errorf("a queued connection outlived its listener in state %d", socks[sockByNetID(id)].State)
	}
	if _, err := inetAccepted(li, &u); err != linux.ECONNREFUSED {
		t.Errorf("a connection for a closed listener: %v, want ECONNREFUSED", err)
	}
}

func TestInetConnectInProgressUntilTheServiceCompletesIt(t *testing.T) {
	k := newHostNet(t)
	fd := k.tcp4()
	if err := k.connect(fd, sin(10, 0, 2, 2, 80)); err != linux.EINPROGRESS {
		t.Fatalf("connect: %v, want EINPROGRESS", err)
	}
	s, _ := k.sock(fd)
	w := k.work()[s.NetID]
	if w.Bits&unet.WConnect == 0 || w.Remote.Port != 80 || w.Local.Port < ephemeralFirst {
		t.Fatalf("work: %+v, want WConnect to port 80 from an ephemeral port", w)
	}
	wantReady(t, "connecting", k.ready(fd), 0) // no EPOLLOUT before the handshake ends
	if err := k.connect(fd, sin(10, 0, 2, 2, 80)); err != linux.EALREADY {
		t.Errorf("second connect: %v, want EALREADY", err)
	}
	if _, err := k.write(fd, []byte("x")); err != linux.EAGAIN {
		t.Errorf("write while connecting: %v, want EAGAIN", err)
	}
	u := unet.Update{Op: unet.UConnected}
	u.Local.Port, u.Local.V4 = 33333, 1
	u.Remote.Port, u.Remote.V4 = 80, 1
	k.svcUpdate(fd, u)
	wantReady(t, "connected", k.ready(fd), evOut)
	if e := k.soError(fd); e != 0 {
		t.Errorf("SO_ERROR after connecting: %v, want 0", e)
	}
	if s.Local.Port != 33333 {
		t.Errorf("local port %d, want the service's 33333", s.Local.Port)
	}
	if err := k.connect(fd, sin(10, 0, 2, 2, 80)); err != linux.EISCONN {
		t.Errorf("connect when connected: %v, want EISCONN", err)
	}
}

// Go's netpoller waits for EPOLLOUT after EINPROGRESS, then reads SO_ERROR: a refused
// connect must wake it (EPOLLOUT|EPOLLERR|EPOLLHUP, as Linux) and SO_ERROR must say why,
// once.
func TestInetConnectRefusedWakesWritersAndReportsSOErrorOnce(t *testing.T) {
	k := newHostNet(t)
	fd := k.tcp4()
	k.connect(fd, sin(10, 0, 2, 2, 1))
	k.work()
	k.svcUpdate(fd, unet.Update{Op: unet.UError, Err: int32(linux.ECONNREFUSED)})
	wantReady(t, "refused", k.ready(fd), evOut|evErr|evHup)
	if e := k.soError(fd); e != linux.ECONNREFUSED {
		t.Errorf("SO_ERROR: %v, want ECONNREFUSED", e)
	}
	if e := k.soError(fd); e != 0 {
		t.Errorf("SO_ERROR read twice: %v, want 0", e)
	}
	wantReady(t, "refused, error read", k.ready(fd), evOut|evHup)
	if _, err := k.read(fd, 10); err != linux.ENOTCONN {
		t.Errorf("read: %v, want ENOTCONN", err)
	}
}

func TestInetReceivedDataThenFINReadsAsDataThenEOF(t *testing.T) {
	k := newHostNet(t)
	fd := k.tcp4()
	k.established(fd)
	if _, err := k.read(fd, 10); err != linux.EAGAIN {
		t.Fatalf("read with nothing received: %v, want EAGAIN", err)
	}
	if n := k.svcRxPut(fd, []byte("hello, "), false); n != 7 {
		t.Fatalf("rx_put: %d, want 7", n)
	}
	k.svcRxPut(fd, []byte("world"), false)
	wantReady(t, "data", k.ready(fd), evIn|evOut)
	k.svcUpdate(fd, unet.Update{Op: unet.UEOF})
	wantReady(t, "data then FIN", k.ready(fd), evIn|evOut|evRdHup)
	if b, err := k.read(fd, 5); err != 0 || string(b) != "hello" {
		t.Fatalf("read: %q %v, want hello", b, err)
	}
	if b, err := k.read(fd, 100); err != 0 || string(b) != ", world" {
		t.Fatalf("read: %q %v, want \", world\"", b, err)
	}
	for i := 0; i < 2; i++ {
		if b, err := k.read(fd, 100); err != 0 || len(b) != 0 {
			t.Fatalf("read at EOF: %q %v, want 0 bytes, no error", b, err)
		}
	}
	wantReady(t, "drained after FIN", k.ready(fd), evIn|evOut|evRdHup)
	if n, err := k.write(fd, []byte("still writable")); err != 0 || n != 14 {
		t.Errorf("write after the peer's FIN: %d %v, want 14 (half-close)", n, err)
	}
}

func TestInetResetFailsTheNextCallThenReadsEOFAndWritesEPIPE(t *testing.T) {
	k := newHostNet(t)
	fd := k.tcp4()
	k.established(fd)
	k.svcUpdate(fd, unet.Update{Op: unet.UReset, Err: int32(linux.ECONNRESET)})
	wantReady(t, "reset", k.ready(fd), evIn|evOut|evRdHup|evHup|evErr)
	if _, err := k.read(fd, 10); err != linux.ECONNRESET {
		t.Errorf("read after reset: %v, want ECONNRESET", err)
	}
	if b, err := k.read(fd, 10); err != 0 || len(b) != 0 {
		t.Errorf("second read after reset: %q %v, want EOF", b, err)
	}
	if _, err := k.write(fd, []byte("x")); err != linux.EPIPE {
		t.Errorf("write after reset: %v, want EPIPE", err)
	}
}

func TestInetShutdownWriteQueuesFINAndFailsWrites(t *testing.T) {
	k := newHostNet(t)
	fd := k.tcp4()
	k.established(fd)
	s, _ := k.sock(fd)
	k.must("shutdown(SHUT_WR)", sysShutdown, fd, linux.SHUT_WR)
	if w := k.work()[s.NetID]; w.Bits&unet.WShutWr == 0 {
		t.Errorf("work after SHUT_WR: %+v, want WShutWr", w)
	}
	if _, err := k.write(fd, []byte("x")); err != linux.EPIPE {
		t.Errorf("write after SHUT_WR: %v, want EPIPE", err)
	}
	wantReady(t, "write side shut", k.ready(fd), evOut)
	k.must("shutdown(SHUT_RD)", sysShutdown, fd, linux.SHUT_RD)
	wantReady(t, "both sides shut", k.ready(fd), evIn|evOut|evRdHup|evHup)
	if _, err := k.call(sysShutdown, fd, 7); err != linux.EINVAL {
		t.Errorf("shutdown(7): %v, want EINVAL", err)
	}
	fresh := k.tcp4()
	if _, err := k.call(sysShutdown, fresh, linux.SHUT_RDWR); err != linux.ENOTCONN {
		t.Errorf("shutdown of an unconnected socket: %v, want ENOTCONN", err)
	}
}

// The send ring holds 64 KiB: a writer gets a short count, then EAGAIN with EPOLLOUT
// gone, until the service takes data; then EPOLLOUT is back.
func TestInetFullSendRingBlocksWritersUntilTheServiceTakesData(t *testing.T) {
	k := newHostNet(t)
	fd := k.tcp4()
	k.established(fd)
	s, _ := k.sock(fd)
	big := bytes.Repeat([]byte("0123456789abcdef"), 5000) // 80,000 bytes
	n, err := k.write(fd, big)
	if err != 0 || n != sockRingPages*ringPageSize {
		t.Fatalf("write of %d bytes: %d %v, want %d", len(big), n, err, sockRingPages*ringPageSize)
	}
	if w := k.work()[s.NetID]; w.Bits&unet.WTx == 0 || w.TxUsed != uint32(n) {
		t.Errorf("work: %+v, want WTx with %d bytes", w, n)
	}
	if _, err := k.write(fd, big[n:]); err != linux.EAGAIN {
		t.Fatalf("write into a full ring: %v, want EAGAIN", err)
	}
	wantReady(t, "send ring full", k.ready(fd), 0)
	got, err := k.svcTxTake(fd, 1000)
	if err != 0 || !bytes.Equal(got, big[:1000]) {
		t.Fatalf("tx_take: %d bytes %v, want the first 1000", len(got), err)
	}
	wantReady(t, "after the service took 1000 bytes", k.ready(fd), evOut)
	var all []byte
	all = append(all, got...)
	for {
		b, err := k.svcTxTake(fd, 7000)
		if err == linux.EAGAIN {
			break
		}
		all = append(all, b...)
	}
	if !bytes.Equal(all, big[:n]) {
		t.Errorf("the service took %d bytes, not the %d written, in order", len(all), n)
	}
}

// When the receive ring is full the service is told how much fits and asks to hear when
// the application reads; the application's read then queues WRxRoom.
func TestInetFullReceiveRingAsksForWorkWhenTheApplicationReads(t *testing.T) {
	k := newHostNet(t)
	fd := k.tcp4()
	k.established(fd)
	s, _ := k.sock(fd)
	k.work()
	big := bytes.Repeat([]byte("x"), 70000)
	if n := k.svcRxPut(fd, big, false); n != sockRingPages*ringPageSize {
		t.Fatalf("rx_put of 70000: %d, want %d", n, sockRingPages*ringPageSize)
	}
	if len(k.work()) != 0 {
		t.Error("work before the application read")
	}
	k.read(fd, 100)
	if w := k.work()[s.NetID]; w.Bits&unet.WRxRoom == 0 || w.RxSpace != 100 {
		t.Errorf("work after reading 100 bytes: %+v, want WRxRoom with 100 free", w)
	}
}

// A socket the service has seen is handed to it on close and freed only by it; one it
// never saw (Go's IPv6 probe) is freed at once; the service's old id for a reused slot is
// refused.
func TestInetCloseHandsSeenSocketsToTheServiceAndFreesOthers(t *testing.T) {
	k := newHostNet(t)
	probe := k.tcp4()
	_, pi := k.sock(probe)
	k.must("close", sysClose, probe)
	if socks[pi].State != ssFree {
		t.Errorf("a socket the service never saw: state %d after close, want free", socks[pi].State)
	}

	fd := k.tcp4()
	k.established(fd)
	k.write(fd, []byte("last words"))
	s, si := k.sock(fd)
	id := s.NetID
	k.must("close", sysClose, fd)
	if socks[si].State != ssClosing {
		t.Fatalf("state after close: %d, want ssClosing", socks[si].State)
	}
	if w := k.work()[id]; w.Bits&unet.WClose == 0 || w.TxUsed != 10 {
		t.Errorf("work after close: %+v, want WClose with 10 bytes to flush", w)
	}
	if got, err := inetTxTake(si, uintptr(bufAddr(heapBuf(64))), 64, nil); err != 0 || got != 10 {
		t.Errorf("flushing a closing socket: %d %v, want 10", got, err)
	}
	if _, err := k.call(sysNetFree, uint64(k.ctl), uint64(id)); err != 0 {
		t.Fatalf("unigo_net_free: %v", err)
	}
	if socks[si].State != ssFree {
		t.Fatalf("state after free: %d", socks[si].State)
	}
	again := k.tcp4()
	if _, si2 := k.sock(again); si2 != si {
		t.Skipf("slot %d not reused (got %d)", si, si2)
	}
	if _, err := k.call(sysNetUpdate, uint64(k.ctl), uint64(id), addrOf(heapVal[unet.Update]())); err != linux.EBADF {
		t.Errorf("the old id on a reused slot: %v, want EBADF", err)
	}
	if _, err := k.call(sysNetFree, uint64(k.ctl), uint64(socks[si].NetID)); err != linux.EBUSY {
		t.Errorf("unigo_net_free of an open socket: %v, want EBUSY", err)
	}
}

func TestInetBindRefusesOverlappingAddressesAsLinuxDoes(t *testing.T) {
	k := newHostNet(t)
	a := k.tcp4()
	if err := k.bind(a, sin(0, 0, 0, 0, 7000)); err != 0 {
		t.Fatal(err)
	}
	k.must("listen", sysListen, a, 1)
	b := k.tcp4()
	if err := k.bind(b, sin(127, 0, 0, 1, 7000)); err != linux.EADDRINUSE {
		t.Errorf("127.0.0.1:7000 under a 0.0.0.0:7000 listener: %v, want EADDRINUSE", err)
	}
	if err := k.bind(b, sin(127, 0, 0, 1, 7001)); err != 0 {
		t.Errorf("another port: %v", err)
	}
	if err := k.bind(b, sin(127, 0, 0, 1, 7002)); err != linux.EINVAL {
		t.Errorf("binding twice: %v, want EINVAL", err)
	}
	// SO_REUSEADDR lets a second socket bind a port a non-listener holds, never a listener's.
	one := heapVal[int32]()
	*one = 1
	c, d := k.tcp4(), k.tcp4()
	for _, fd := range []uint64{c, d} {
		k.must("setsockopt", sysSetsockopt, fd, linux.SOL_SOCKET, linux.SO_REUSEADDR, addrOf(one), 4)
	}
	if k.bind(c, sin(0, 0, 0, 0, 7100)) != 0 || k.bind(d, sin(0, 0, 0, 0, 7100)) != 0 {
		t.Error("two SO_REUSEADDR sockets on one port (neither listening) were refused")
	}
	e := k.tcp4()
	k.must("setsockopt", sysSetsockopt, e, linux.SOL_SOCKET, linux.SO_REUSEADDR, addrOf(one), 4)
	if err := k.bind(e, sin(0, 0, 0, 0, 7000)); err != linux.EADDRINUSE {
		t.Errorf("SO_REUSEADDR onto a listener's port: %v, want EADDRINUSE", err)
	}
}

// UDP: sendto queues a record with its destination for the service; a datagram the
// service puts arrives whole with its source, and a short buffer truncates it.
func TestInetUDPCarriesAddressesBothWays(t *testing.T) {
	k := newHostNet(t)
	fd := uint64(k.must("socket", sysSocket, linux.AF_INET, linux.SOCK_DGRAM|linux.SOCK_NONBLOCK, 0))
	if _, err := k.read(fd, 10); err != linux.EAGAIN {
		t.Errorf("recv on a fresh socket: %v, want EAGAIN", err)
	}
	msg := heapBuf(5)
	copy(msg, "query")
	to := sin(10, 0, 2, 3, 53)
	if n, err := k.call(sysSendto, fd, bufAddr(msg), 5, 0, addrOf(to), 16); n != 5 || err != 0 {
		t.Fatalf("sendto: %d %v", n, err)
	}
	s, si := k.sock(fd)
	if w := k.work()[s.NetID]; w.Bits&(unet.WBind|unet.WTx) != unet.WBind|unet.WTx || w.TxUsed != 1 || w.Local.Port < ephemeralFirst {
		t.Errorf("work after sendto: %+v, want WBind|WTx, one datagram, an ephemeral port", w)
	}
	dst := heapVal[unet.Addr]()
	buf := heapBuf(64)
	if n, err := inetTxTake(si, uintptr(bufAddr(buf)), 64, dst); n != 5 || err != 0 || string(buf[:5]) != "query" ||
		dst.Port != 53 || [4]byte(dst.IP[12:]) != [4]byte{10, 0, 2, 3} || dst.V4 != 1 {
		t.Errorf("tx_take: %d %v %q to %+v, want \"query\" to 10.0.2.3:53", n, err, buf[:n], dst)
	}
	from := heapVal[unet.Addr]()
	*from = unet.Addr{Port: 53, V4: 1}
	from.IP[10], from.IP[11] = 0xff, 0xff
	copy(from.IP[12:], []byte{10, 0, 2, 3})
	answer := heapBuf(12)
	copy(answer, "the answer!!")
	if n, err := inetRxPut(si, uintptr(bufAddr(answer)), 12, from, false); n != 12 || err != 0 {
		t.Fatalf("rx_put of a datagram: %d %v", n, err)
	}
	wantReady(t, "datagram waiting", k.ready(fd), evIn|evOut)
	got := heapBuf(5)
	sa := heapVal[linux.SockaddrIn]()
	sl := heapVal[int32]()
	*sl = 16
	n, err := k.call(sysRecvfrom, fd, bufAddr(got), 5, 0, addrOf(sa), addrOf(sl))
	if err != 0 || n != 5 || string(got) != "the a" || sa.PortNum() != 53 || sa.Addr != [4]byte{10, 0, 2, 3} {
		t.Errorf("recvfrom into 5 bytes: %d %v %q from %v:%d; want \"the a\" from 10.0.2.3:53", n, err, got, sa.Addr, sa.PortNum())
	}
	if _, err := k.read(fd, 64); err != linux.EAGAIN {
		t.Errorf("the rest of a truncated datagram was kept: %v, want EAGAIN", err)
	}
}

// TCP keepalive settings reach the service: with the first work of a socket, and as
// WOpts work when they change on a socket the service already has.
func TestInetKeepaliveOptionsTravelInWorkRecords(t *testing.T) {
	k := newHostNet(t)
	fd := k.tcp4()
	set := func(level, name, v int32) {
		t.Helper()
		p := heapVal[int32]()
		*p = v
		k.must("setsockopt", sysSetsockopt, fd, uint64(level), uint64(name), addrOf(p), 4)
	}
	set(linux.SOL_SOCKET, linux.SO_KEEPALIVE, 1)
	set(linux.SOL_TCP, linux.TCP_KEEPIDLE, 15)
	if len(k.work()) != 0 {
		t.Error("setsockopt on a socket the service does not know made work")
	}
	k.connect(fd, sin(10, 0, 2, 2, 80))
	s, _ := k.sock(fd)
	w := k.work()[s.NetID]
	if w.Opts&unet.OptKeepAlive == 0 || w.KeepIdle != 15 || w.KeepIntvl != 0 || w.KeepCnt != 0 {
		t.Errorf("connect's work: opts %#x keepalive %d/%d/%d, want OptKeepAlive 15/0/0", w.Opts, w.KeepIdle, w.KeepIntvl, w.KeepCnt)
	}
	k.svcUpdate(fd, unet.Update{Op: unet.UConnected})
	set(linux.SOL_TCP, linux.TCP_KEEPINTVL, 16)
	set(linux.SOL_TCP, linux.TCP_KEEPCNT, 9)
	w = k.work()[s.NetID]
	if w.Bits != unet.WOpts || w.KeepIdle != 15 || w.KeepIntvl != 16 || w.KeepCnt != 9 {
		t.Errorf("work after setsockopt: bits %#x keepalive %d/%d/%d, want WOpts 15/16/9", w.Bits, w.KeepIdle, w.KeepIntvl, w.KeepCnt)
	}
}

// TestInetWorkQueueHandsOutEachSocketOnceInOrder checks the service's work queue: sockets
// come out in the order their work arose, once each however often work was added, a
// socket closed before the service took its work never comes out, and the control fd is
// readable exactly while the queue holds something.
func TestInetWorkQueueHandsOutEachSocketOnceInOrder(t *testing.T) {
	k := newHostNet(t)
	fds := []uint64{k.tcp4(), k.tcp4(), k.tcp4(), k.tcp4()}
	// Work arises in the reverse order of the sockets' slots.
	for i := len(fds) - 1; i >= 0; i-- {
		port := uint16(9001 + i)
		if err := k.bind(fds[i], sin(0, 0, 0, 0, port)); err != 0 {
			t.Fatalf("bind %d: %v", port, err)
		}
		k.must("listen", sysListen, fds[i], 16) // work on top of the bind's: still one entry
	}
	k.must("close", sysClose, fds[1]) // never taken by the service: freed at once
	if r := netCtlReadiness(); r&linux.EPOLLIN == 0 {
		t.Fatalf("control fd readiness %#x with work queued, want EPOLLIN", r)
	}
	ws := make([]unet.Work, 8)
	keep = append(keep, ws)
	sz := uint64(unsafe.Sizeof(ws[0]))
	n, err := k.call(sysRead, uint64(k.ctl), addrOf(&ws[0]), sz*uint64(len(ws)))
	if err != 0 {
		t.Fatalf("read(control fd): %v", err)
	}
	var ports []uint16
	for _, w := range ws[:n/uintptr(sz)] {
		ports = append(ports, w.Local.Port)
	}
	if want := []uint16{9004, 9003, 9001}; fmt.Sprint(ports) != fmt.Sprint(want) {
		t.Errorf("work came out for ports %v, want %v", ports, want)
	}
	if r := netCtlReadiness(); r&linux.EPOLLIN != 0 {
		t.Errorf("control fd readiness %#x with the queue empty, want no EPOLLIN", r)
	}
	if _, err := k.call(sysRead, uint64(k.ctl), addrOf(&ws[0]), sz*uint64(len(ws))); err != linux.EAGAIN {
		t.Errorf("second read: %v, want EAGAIN", err)
	}
}
