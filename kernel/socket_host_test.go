package kernel

// A host harness for the socket system calls: the kernel's socket, file, descriptor and
// epoll tables are plain arrays, and the frame allocator takes its memory through
// mm.Identity, so Go memory at its own address can stand in for physical RAM. Tests call
// the syscall handlers with a trap frame, as the trap entry does, and play the netstack
// service through the same functions its private calls reach. Every socket is
// non-blocking: nothing here may sleep (there is no scheduler on the host).

import (
	"sync"
	"testing"
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/abi/unet"
	"github.com/unigo-os/unigo/kernel/mm"
)

var hostRAM struct {
	once sync.Once
	mem  []byte // backs the frame allocator; never freed
}

// keep holds test buffers whose addresses the kernel code is given as integers: on the
// heap (which does not move) and alive.
var keep []any

func heapBuf(n int) []byte {
	b := make([]byte, n)
	keep = append(keep, b)
	return b
}

func heapVal[T any]() *T {
	p := new(T)
	keep = append(keep, p)
	return p
}

func addrOf[T any](p *T) uint64 { return uint64(uintptr(unsafe.Pointer(p))) }

func bufAddr(b []byte) uint64 {
	if len(b) == 0 {
		return 0
	}
	return uint64(uintptr(unsafe.Pointer(&b[0])))
}

// newHostNet gives the kernel 32 MiB of Go memory as RAM (once per test binary) and
// empty socket, file, descriptor and epoll tables, and opens the service's control fd.
func newHostNet(t *testing.T) *hostNet {
	t.Helper()
	hostRAM.once.Do(func() {
		if frames.TotalPages() != 0 {
			return // another test set the allocator up
		}
		const size = 32 << 20
		hostRAM.mem = make([]byte, size+mm.PageSize)
		base := (uint64(uintptr(unsafe.Pointer(&hostRAM.mem[0]))) + mm.PageSize - 1) &^ (mm.PageSize - 1)
		frames.AddRange(base, size)
		if !frames.Init(mm.Identity{}) {
			panic("host RAM: frames.Init failed")
		}
	})
	resetNetTables()
	t.Cleanup(resetNetTables)
	k := &hostNet{t: t}
	ctl, err := k.call(sysNetOpen)
	if err != 0 {
		t.Fatalf("unigo_net_open: %v", err)
	}
	k.ctl = ctl
	return k
}

func resetNetTables() {
	for i := range socks {
		if socks[i].State != ssFree {
			sockFree(&socks[i])
		}
	}
	files = [maxFiles]file{}
	fds = [maxFDs]fdEntry{}
	epolls = [maxEpolls]epollSet{}
	watchers = [maxFiles + maxPipes]uint32{}
	netCtl.File = 0
	if workHead >= 0 {
		panic("the service's work queue is not empty once every socket is free")
	}
}

type hostNet struct {
	t   *testing.T
	ctl uintptr
}

// call runs a syscall handler with up to six arguments (RDI, RSI, RDX, R10, R8, R9).
func (k *hostNet) call(fn func(*thread, *TrapFrame) (uintptr, linux.Errno), args ...uint64) (uintptr, linux.Errno) {
	tf := heapVal[TrapFrame]()
	regs := []*uint64{&tf.RDI, &tf.RSI, &tf.RDX, &tf.R10, &tf.R8, &tf.R9}
	for i, a := range args {
		*regs[i] = a
	}
	return fn(nil, tf)
}

// must runs a handler that has to succeed.
func (k *hostNet) must(name string, fn func(*thread, *TrapFrame) (uintptr, linux.Errno), args ...uint64) uintptr {
	k.t.Helper()
	r, err := k.call(fn, args...)
	if err != 0 {
		k.t.Fatalf("%s: %v", name, err)
	}
	return r
}

// tcp4 makes a non-blocking TCP socket.
func (k *hostNet) tcp4() uint64 {
	return uint64(k.must("socket", sysSocket, linux.AF_INET, linux.SOCK_STREAM|linux.SOCK_NONBLOCK, 0))
}

func sin(a, b, c, d byte, port uint16) *linux.SockaddrIn {
	sa := heapVal[linux.SockaddrIn]()
	sa.Family = linux.AF_INET
	sa.Addr = [4]byte{a, b, c, d}
	sa.SetPort(port)
	return sa
}

func (k *hostNet) bind(fd uint64, sa *linux.SockaddrIn) linux.Errno {
	_, err := k.call(sysBind, fd, addrOf(sa), uint64(unsafe.Sizeof(*sa)))
	return err
}

func (k *hostNet) connect(fd uint64, sa *linux.SockaddrIn) linux.Errno {
	_, err := k.call(sysConnect, fd, addrOf(sa), uint64(unsafe.Sizeof(*sa)))
	return err
}

func (k *hostNet) read(fd uint64, n int) ([]byte, linux.Errno) {
	b := heapBuf(n)
	got, err := k.call(sysRead, fd, bufAddr(b), uint64(n))
	return b[:got], err
}

func (k *hostNet) write(fd uint64, data []byte) (uintptr, linux.Errno) {
	b := heapBuf(len(data))
	copy(b, data)
	return k.call(sysWrite, fd, bufAddr(b), uint64(len(b)))
}

// soError reads and clears SO_ERROR.
func (k *hostNet) soError(fd uint64) linux.Errno {
	k.t.Helper()
	v, l := heapVal[int32](), heapVal[int32]()
	*l = 4
	k.must("getsockopt(SO_ERROR)", sysGetsockopt, fd, linux.SOL_SOCKET, linux.SO_ERROR, addrOf(v), addrOf(l))
	return linux.Errno(*v)
}

// sock returns the kernel socket behind fd.
func (k *hostNet) sock(fd uint64) (*socket, int32) {
	k.t.Helper()
	_, si, err := getSock(fd)
	if err != 0 {
		k.t.Fatalf("fd %d: %v", fd, err)
	}
	return &socks[si], si
}

// ready returns fd's readiness bits.
func (k *hostNet) ready(fd uint64) uint32 {
	k.t.Helper()
	f, _, err := getFile(fd)
	if err != 0 {
		k.t.Fatalf("fd %d: %v", fd, err)
	}
	return readiness(f)
}

// work reads the control fd as the service does: socket id -> work bits.
func (k *hostNet) work() map[int32]unet.Work {
	k.t.Helper()
	ws := make([]unet.Work, 64)
	keep = append(keep, ws)
	sz := uint64(unsafe.Sizeof(ws[0]))
	n, err := k.call(sysRead, uint64(k.ctl), addrOf(&ws[0]), sz*uint64(len(ws)))
	m := map[int32]unet.Work{}
	if err == linux.EAGAIN {
		return m
	}
	if err != 0 {
		k.t.Fatalf("read(control fd): %v", err)
	}
	for _, w := range ws[:n/uintptr(sz)] {
		m[w.ID] = w
	}
	return m
}

// svcUpdate reports a connection event for the socket behind fd, as the service does.
func (k *hostNet) svcUpdate(fd uint64, u unet.Update) {
	k.t.Helper()
	s, _ := k.sock(fd)
	p := heapVal[unet.Update]()
	*p = u
	k.must("unigo_net_update", sysNetUpdate, uint64(k.ctl), uint64(s.NetID), addrOf(p))
}

// svcRxPut gives the socket behind fd received data; it returns how much fit.
func (k *hostNet) svcRxPut(fd uint64, data []byte, more bool) uintptr {
	k.t.Helper()
	s, _ := k.sock(fd)
	b := heapBuf(len(data))
	copy(b, data)
	m := uint64(0)
	if more {
		m = 1
	}
	return k.must("unigo_net_rx_put", sysNetRxPut, uint64(k.ctl), uint64(s.NetID), bufAddr(b), uint64(len(b)), 0, m)
}

// svcTxTake takes up to n bytes from the send ring of the socket behind fd.
func (k *hostNet) svcTxTake(fd uint64, n int) ([]byte, linux.Errno) {
	s, _ := k.sock(fd)
	b := heapBuf(n)
	got, err := k.call(sysNetTxTake, uint64(k.ctl), uint64(s.NetID), bufAddr(b), uint64(n), 0)
	return b[:got], err
}

// established connects fd to 10.0.2.2:80 and has the service complete it.
func (k *hostNet) established(fd uint64) {
	k.t.Helper()
	if err := k.connect(fd, sin(10, 0, 2, 2, 80)); err != linux.EINPROGRESS {
		k.t.Fatalf("connect: %v, want EINPROGRESS", err)
	}
	k.work()
	k.svcUpdate(fd, unet.Update{Op: unet.UConnected})
}
