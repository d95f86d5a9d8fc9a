package kernel

import (
	"testing"
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/abi/unet"
)

// goNetpoll is what Go's netpoller registers for every socket (runtime/netpoll_epoll.go).
const goNetpoll = linux.EPOLLIN | linux.EPOLLOUT | linux.EPOLLRDHUP | linux.EPOLLET

func TestEpollEdgeTriggeredReportsOncePerGeneration(t *testing.T) {
	var in interest
	in.arm(3, goNetpoll, [2]uint32{7, 0}, 41)
	if got := in.report(evOut, 41); got != evOut&goNetpoll {
		t.Fatalf("first report of a ready file: %#x, want %#x (ready at registration counts)", got, evOut&goNetpoll)
	}
	if got := in.report(evOut, 41); got != 0 {
		t.Errorf("same generation again: %#x, want nothing", got)
	}
	if got := in.report(evOut|evIn, 42); got != linux.EPOLLOUT|linux.EPOLLIN {
		t.Errorf("new generation: %#x, want IN|OUT", got)
	}
	if got := in.report(evOut|evIn, 43); got != linux.EPOLLOUT|linux.EPOLLIN {
		t.Errorf("another change with the same bits (more data): %#x, want IN|OUT again", got)
	}
	if got := in.report(0, 44); got != 0 {
		t.Errorf("a change to not ready: %#x, want nothing", got)
	}
}

func TestEpollLevelTriggeredReportsWhileReady(t *testing.T) {
	var in interest
	in.arm(3, linux.EPOLLIN, [2]uint32{}, 0)
	for i := 0; i < 3; i++ {
		if got := in.report(evIn|evOut, 5); got != linux.EPOLLIN {
			t.Errorf("report %d: %#x, want EPOLLIN (only what was asked)", i, got)
		}
	}
	if got := in.report(evOut, 5); got != 0 {
		t.Errorf("not readable: %#x, want nothing", got)
	}
}

func TestEpollReportsErrAndHupUnasked(t *testing.T) {
	var in interest
	in.arm(3, linux.EPOLLIN|linux.EPOLLET, [2]uint32{}, 0)
	want := uint32(linux.EPOLLERR | linux.EPOLLHUP)
	if got := in.report(evErr|evHup|evOut|evRdHup, 1); got != want {
		t.Errorf("reset socket watched for EPOLLIN: %#x, want ERR|HUP %#x", got, want)
	}
	var none interest
	none.arm(3, 0, [2]uint32{}, 0)
	if got := none.report(evErr|evIn, 1); got != linux.EPOLLERR {
		t.Errorf("events 0: %#x, want EPOLLERR", got)
	}
}

func TestEpollOneShotDisarmsUntilModified(t *testing.T) {
	var in interest
	in.arm(3, linux.EPOLLIN|linux.EPOLLONESHOT, [2]uint32{}, 0)
	if got := in.report(evIn, 1); got != linux.EPOLLIN {
		t.Fatalf("first: %#x, want EPOLLIN", got)
	}
	for gen := uint32(2); gen < 4; gen++ {
		if got := in.report(evIn|evErr|evHup, gen); got != 0 {
			t.Errorf("disarmed one-shot, generation %d: %#x, want nothing (not even ERR/HUP)", gen, got)
		}
	}
	in.arm(3, linux.EPOLLIN|linux.EPOLLONESHOT, [2]uint32{}, 4)
	if got := in.report(evIn, 4); got != linux.EPOLLIN {
		t.Errorf("after EPOLL_CTL_MOD: %#x, want EPOLLIN", got)
	}
}

// hostEpoll is an epoll set on the host harness.
type hostEpoll struct {
	k  *hostNet
	fd uint64
}

func (k *hostNet) epoll() *hostEpoll {
	return &hostEpoll{k, uint64(k.must("epoll_create1", sysEpollCreate1, 0))}
}

func (e *hostEpoll) add(fd uint64, events uint32) {
	ev := heapVal[linux.EpollEvent]()
	ev.Events, ev.Data[0] = events, uint32(fd)
	e.k.must("epoll_ctl", sysEpollCtl, e.fd, linux.EPOLL_CTL_ADD, fd, addrOf(ev))
}

// wait polls (timeout 0) and returns fd -> events.
func (e *hostEpoll) wait() map[uint32]uint32 {
	evs := make([]linux.EpollEvent, 16)
	keep = append(keep, evs)
	n, err := epollWait(e.fd, uintptr(unsafe.Pointer(&evs[0])), len(evs), 0)
	if err != 0 {
		e.k.t.Fatalf("epoll_wait: %v", err)
	}
	m := map[uint32]uint32{}
	for _, ev := range evs[:n] {
		m[ev.Data[0]] = ev.Events
	}
	return m
}

func wantEvents(t *testing.T, what string, got map[uint32]uint32, fd uint64, want uint32) {
	t.Helper()
	if got[uint32(fd)] != want {
		t.Errorf("%s: epoll_wait reports %#x for fd %d, want %#x (all: %v)", what, got[uint32(fd)], fd, want, got)
	}
}

// A connection's life as Go's netpoller sees it: each change the service reports is one
// new edge, reported once; reading and writing without a change report nothing.
func TestEpollEdgesFollowAConnectionAsGoNetpollExpects(t *testing.T) {
	k := newHostNet(t)
	ep := k.epoll()
	fd := k.tcp4()
	if err := k.connect(fd, sin(10, 0, 2, 2, 80)); err != linux.EINPROGRESS {
		t.Fatal(err)
	}
	ep.add(fd, goNetpoll)
	wantEvents(t, "connecting", ep.wait(), fd, 0)
	k.work()
	k.svcUpdate(fd, unet.Update{Op: unet.UConnected})
	wantEvents(t, "connected", ep.wait(), fd, linux.EPOLLOUT)
	wantEvents(t, "nothing new", ep.wait(), fd, 0)
	k.write(fd, []byte("GET / HTTP/1.0\r\n\r\n"))
	wantEvents(t, "after a write that fit", ep.wait(), fd, 0)
	k.svcRxPut(fd, []byte("HTTP/1.0 200 OK\r\n"), false)
	wantEvents(t, "data", ep.wait(), fd, linux.EPOLLIN|linux.EPOLLOUT)
	k.svcRxPut(fd, []byte("\r\nbody"), false)
	wantEvents(t, "more data, unread", ep.wait(), fd, linux.EPOLLIN|linux.EPOLLOUT)
	k.read(fd, 100)
	wantEvents(t, "after reading", ep.wait(), fd, 0)
	k.svcUpdate(fd, unet.Update{Op: unet.UEOF})
	wantEvents(t, "FIN", ep.wait(), fd, linux.EPOLLIN|linux.EPOLLOUT|linux.EPOLLRDHUP)
	k.svcUpdate(fd, unet.Update{Op: unet.UReset, Err: int32(linux.ECONNRESET)})
	wantEvents(t, "reset", ep.wait(), fd, linux.EPOLLIN|linux.EPOLLOUT|linux.EPOLLRDHUP|linux.EPOLLHUP|linux.EPOLLERR)
	wantEvents(t, "nothing new after reset", ep.wait(), fd, 0)
}

// A socket that is already readable when it is registered edge-triggered is reported
// at once (an accepted connection whose request arrived before accept returned).
func TestEpollReportsReadinessPresentAtRegistration(t *testing.T) {
	k := newHostNet(t)
	l := k.tcp4()
	k.bind(l, sin(0, 0, 0, 0, 80))
	k.must("listen", sysListen, l, 16)
	k.work()
	_, li := k.sock(l)
	u := unet.Update{Op: unet.UConnected}
	id, err := inetAccepted(li, &u)
	if err != 0 {
		t.Fatal(err)
	}
	ci := sockByNetID(id)
	req := heapBuf(5)
	copy(req, "hello")
	if n, err := inetRxPut(ci, uintptr(bufAddr(req)), 5, nil, false); n != 5 || err != 0 {
		t.Fatalf("rx_put before accept: %d %v", n, err)
	}
	ep := k.epoll()
	ep.add(l, goNetpoll)
	wantEvents(t, "listener with a queued connection", ep.wait(), l, linux.EPOLLIN)
	c := uint64(k.must("accept4", sysAccept4, l, 0, 0, linux.SOCK_NONBLOCK))
	ep.add(c, goNetpoll)
	wantEvents(t, "accepted connection with data", ep.wait(), c, linux.EPOLLIN|linux.EPOLLOUT)
	wantEvents(t, "listener, queue empty", ep.wait(), l, 0)
}

// The send ring filling and draining: EPOLLOUT comes back as a new edge when the service
// takes data, which is what wakes a Go writer parked on EAGAIN.
func TestEpollWriterWakesWhenTheServiceDrainsTheSendRing(t *testing.T) {
	k := newHostNet(t)
	ep := k.epoll()
	fd := k.tcp4()
	k.established(fd)
	ep.add(fd, goNetpoll)
	wantEvents(t, "connected", ep.wait(), fd, linux.EPOLLOUT)
	big := make([]byte, 2*sockRingPages*ringPageSize)
	k.write(fd, big)
	if _, err := k.write(fd, big); err != linux.EAGAIN {
		t.Fatalf("write into a full ring: %v", err)
	}
	wantEvents(t, "ring full", ep.wait(), fd, 0)
	k.svcTxTake(fd, 4096)
	wantEvents(t, "service took 4 KiB", ep.wait(), fd, linux.EPOLLOUT)
}

// Unix stream sockets: a pair is writable both ways; data makes the other end readable;
// closing one end gives the other EOF with EPOLLIN|EPOLLRDHUP|EPOLLHUP, each reported
// once to an edge-triggered watcher.
func TestEpollUnixPairReportsDataAndPeerCloseAsEdges(t *testing.T) {
	k := newHostNet(t)
	sv := heapVal[[2]int32]()
	k.must("socketpair", sysSocketpair, linux.AF_UNIX, linux.SOCK_STREAM|linux.SOCK_NONBLOCK, 0, addrOf(sv))
	a, b := uint64(sv[0]), uint64(sv[1])
	ep := k.epoll()
	ep.add(a, goNetpoll)
	ep.add(b, goNetpoll)
	got := ep.wait()
	wantEvents(t, "fresh pair, a", got, a, linux.EPOLLOUT)
	wantEvents(t, "fresh pair, b", got, b, linux.EPOLLOUT)
	if n, err := k.write(a, []byte("ping")); n != 4 || err != 0 {
		t.Fatalf("write: %d %v", n, err)
	}
	got = ep.wait()
	wantEvents(t, "b after a wrote", got, b, linux.EPOLLIN|linux.EPOLLOUT)
	if msg, err := k.read(b, 10); string(msg) != "ping" || err != 0 {
		t.Fatalf("read: %q %v", msg, err)
	}
	k.must("close", sysClose, a)
	got = ep.wait()
	wantEvents(t, "b after a closed", got, b, linux.EPOLLIN|linux.EPOLLOUT|linux.EPOLLRDHUP|linux.EPOLLHUP)
	wantEvents(t, "b, nothing new", ep.wait(), b, 0)
	if msg, err := k.read(b, 10); len(msg) != 0 || err != 0 {
		t.Errorf("read after the peer closed: %q %v, want EOF", msg, err)
	}
	if _, err := k.write(b, []byte("x")); err != linux.EPIPE {
		t.Errorf("write to a closed peer: %v, want EPIPE", err)
	}
}

// checkList returns the slots on set e's check list, in order.
func checkList(e *epollSet) []int32 {
	var s []int32
	for next := e.Head; next != 0; next = e.List[next-1].NextC {
		s = append(s, int32(next-1))
		if len(s) > maxInterest {
			panic("check list has a cycle")
		}
	}
	return s
}

// TestEpollWaitLooksOnlyAtEntriesThatChanged watches 100 socket pairs edge-triggered, as
// Go's netpoller does: once their first readiness is reported, a wait with nothing new
// has nothing on its check list; a write puts the one entry of the reader on it, and a
// level-triggered entry stays on it while its file is readable and leaves once drained.
func TestEpollWaitLooksOnlyAtEntriesThatChanged(t *testing.T) {
	k := newHostNet(t)
	ep := k.epoll()
	f, _, _ := getFile(ep.fd)
	set := &epolls[f.Ep]
	var as, bs []uint64
	for i := 0; i < 100; i++ {
		sv := heapVal[[2]int32]()
		k.must("socketpair", sysSocketpair, linux.AF_UNIX, linux.SOCK_STREAM|linux.SOCK_NONBLOCK, 0, addrOf(sv))
		as, bs = append(as, uint64(sv[0])), append(bs, uint64(sv[1]))
		ep.add(uint64(sv[1]), goNetpoll)
	}
	if got := len(checkList(set)); got != 100 {
		t.Fatalf("after 100 adds: %d entries on the check list, want 100", got)
	}
	for len(ep.wait()) > 0 { // the first OUT of each, 16 at a time
	}
	if got := checkList(set); len(got) != 0 {
		t.Fatalf("idle: check list %v, want empty", got)
	}
	if n, err := k.write(as[42], []byte("x")); n != 1 || err != 0 {
		t.Fatalf("write: %d %v", n, err)
	}
	if got := len(checkList(set)); got != 1 {
		t.Errorf("after one write: %d entries on the check list, want 1", got)
	}
	got := ep.wait()
	wantEvents(t, "the written-to reader", got, bs[42], linux.EPOLLIN|linux.EPOLLOUT)
	if len(got) != 1 {
		t.Errorf("one write reported %d descriptors: %v", len(got), got)
	}

	// Level-triggered: stays while readable.
	ev := heapVal[linux.EpollEvent]()
	ev.Events, ev.Data[0] = linux.EPOLLIN, uint32(bs[7])
	k.must("epoll_ctl", sysEpollCtl, ep.fd, linux.EPOLL_CTL_MOD, bs[7], addrOf(ev))
	k.write(as[7], []byte("y"))
	for i := 0; i < 3; i++ {
		wantEvents(t, "level-triggered and readable", ep.wait(), bs[7], linux.EPOLLIN)
	}
	if msg, err := k.read(bs[7], 10); string(msg) != "y" || err != 0 {
		t.Fatalf("read: %q %v", msg, err)
	}
	wantEvents(t, "level-triggered, drained", ep.wait(), bs[7], 0)
	if got := checkList(set); len(got) != 0 {
		t.Errorf("after the drained level-triggered entry: check list %v, want empty", got)
	}
	k.must("close", sysClose, bs[7]) // its entry stops watching; nothing dangles
	k.write(as[7], []byte("z"))
	if got := checkList(set); len(got) != 0 {
		t.Errorf("a write to a closed reader's peer: check list %v, want empty", got)
	}
}

// TestEpollCtlFindsEntriesByDescriptor checks epoll_ctl's descriptor index through adds,
// deletes, a close and a descriptor number reused by a new socket: EEXIST, ENOENT and
// the events all follow the descriptor's current entry.
func TestEpollCtlFindsEntriesByDescriptor(t *testing.T) {
	k := newHostNet(t)
	ep := k.epoll()
	ctl := func(op, fd uint64, events uint32) linux.Errno {
		ev := heapVal[linux.EpollEvent]()
		ev.Events, ev.Data[0] = events, uint32(fd)
		_, err := k.call(sysEpollCtl, ep.fd, op, fd, addrOf(ev))
		return err
	}
	pair := func() (uint64, uint64) {
		sv := heapVal[[2]int32]()
		k.must("socketpair", sysSocketpair, linux.AF_UNIX, linux.SOCK_STREAM|linux.SOCK_NONBLOCK, 0, addrOf(sv))
		return uint64(sv[0]), uint64(sv[1])
	}
	var as, bs []uint64
	for i := 0; i < 3; i++ {
		a, b := pair()
		as, bs = append(as, a), append(bs, b)
		if err := ctl(linux.EPOLL_CTL_ADD, b, linux.EPOLLIN|linux.EPOLLET); err != 0 {
			t.Fatalf("add %d: %v", b, err)
		}
	}
	if err := ctl(linux.EPOLL_CTL_ADD, bs[1], linux.EPOLLIN); err != linux.EEXIST {
		t.Errorf("second add: %v, want EEXIST", err)
	}
	if err := ctl(linux.EPOLL_CTL_DEL, bs[1], 0); err != 0 {
		t.Fatalf("del: %v", err)
	}
	if err := ctl(linux.EPOLL_CTL_MOD, bs[1], linux.EPOLLIN); err != linux.ENOENT {
		t.Errorf("mod after del: %v, want ENOENT", err)
	}
	if err := ctl(linux.EPOLL_CTL_ADD, bs[1], linux.EPOLLIN|linux.EPOLLET); err != 0 {
		t.Errorf("add after del: %v", err)
	}
	// Closing a watched descriptor drops its entry; a new socket may get the number.
	k.must("close", sysClose, bs[2])
	k.must("close", sysClose, as[2])
	a, b := pair()
	if b != bs[2] && a != bs[2] {
		t.Fatalf("new pair got fds %d, %d; the test wants %d reused", a, b, bs[2])
	}
	if a == bs[2] {
		a, b = b, a
	}
	if err := ctl(linux.EPOLL_CTL_MOD, b, linux.EPOLLIN); err != linux.ENOENT {
		t.Errorf("mod of a reused descriptor never added: %v, want ENOENT", err)
	}
	if err := ctl(linux.EPOLL_CTL_ADD, b, linux.EPOLLIN|linux.EPOLLET); err != 0 {
		t.Fatalf("add of the reused descriptor: %v", err)
	}
	for len(ep.wait()) > 0 {
	}
	k.write(a, []byte("x"))
	k.write(as[1], []byte("y"))
	got := ep.wait()
	wantEvents(t, "reused descriptor", got, b, linux.EPOLLIN)
	wantEvents(t, "re-added descriptor", got, bs[1], linux.EPOLLIN)
	if len(got) != 2 {
		t.Errorf("events for %v, want only the two written to", got)
	}
}
