package kernel

import (
	"bytes"
	"testing"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/mm"
)

// TestSocketRingsHoldPagesOnlyForTheirBytes checks that a connected pair of sockets holds
// no frames until data is written, a page for a small message, as many as 64 KiB needs
// while that is buffered, and none again once it is read.
func TestSocketRingsHoldPagesOnlyForTheirBytes(t *testing.T) {
	k := newHostNet(t)
	free := frames.FreePages()
	held := func() uint64 { return free - frames.FreePages() }
	sv := heapVal[[2]int32]()
	k.must("socketpair", sysSocketpair, linux.AF_UNIX, linux.SOCK_STREAM|linux.SOCK_NONBLOCK, 0, addrOf(sv))
	a, b := uint64(sv[0]), uint64(sv[1])
	if got := held(); got != 0 {
		t.Errorf("fresh pair holds %d frames, want 0", got)
	}
	if n, err := k.write(a, []byte("ping")); n != 4 || err != 0 {
		t.Fatalf("write: %d %v", n, err)
	}
	if got := held(); got != 1 {
		t.Errorf("4 bytes buffered: %d frames, want 1", got)
	}
	if msg, err := k.read(b, 10); string(msg) != "ping" || err != 0 {
		t.Fatalf("read: %q %v", msg, err)
	}
	if got := held(); got != 0 {
		t.Errorf("after the read: %d frames, want 0", got)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB: the whole ring
	if n, err := k.write(a, big); n != uintptr(len(big)) || err != 0 {
		t.Fatalf("write 64 KiB: %d %v", n, err)
	}
	if got := held(); got != sockRingPages {
		t.Errorf("64 KiB buffered: %d frames, want %d", got, sockRingPages)
	}
	if n, err := k.write(a, []byte("x")); err != linux.EAGAIN {
		t.Errorf("write to a full ring: %d %v, want EAGAIN", n, err)
	}
	var back []byte
	for len(back) < len(big) {
		msg, err := k.read(b, 8192)
		if err != 0 {
			t.Fatalf("read back: %v after %d bytes", err, len(back))
		}
		back = append(back, msg...)
	}
	if !bytes.Equal(back, big) {
		t.Fatalf("64 KiB came back changed")
	}
	if got := held(); got != 0 {
		t.Errorf("after reading it all: %d frames, want 0", got)
	}
	k.must("close", sysClose, a)
	k.must("close", sysClose, b)
	if got := held(); got != 0 {
		t.Errorf("after close: %d frames, want 0", got)
	}
}

// TestSocketWriteWithoutMemoryGivesENOBUFS checks that a write whose bytes fit the ring
// but find no free frame fails with ENOBUFS at once, instead of waiting for a reader that
// cannot help.
func TestSocketWriteWithoutMemoryGivesENOBUFS(t *testing.T) {
	k := newHostNet(t)
	sv := heapVal[[2]int32]()
	k.must("socketpair", sysSocketpair, linux.AF_UNIX, linux.SOCK_STREAM|linux.SOCK_NONBLOCK, 0, addrOf(sv))
	a, b := uint64(sv[0]), uint64(sv[1])
	var taken []uint64
	for {
		pa, ok := frames.Alloc(mm.Identity{})
		if !ok {
			break
		}
		taken = append(taken, pa)
	}
	n, err := k.write(a, []byte("ping"))
	for _, pa := range taken {
		frames.Free(pa, mm.Identity{})
	}
	if err != linux.ENOBUFS {
		t.Errorf("write with no free frame: %d %v, want ENOBUFS", n, err)
	}
	if n, err := k.write(a, []byte("ping")); n != 4 || err != 0 {
		t.Fatalf("write once memory is back: %d %v", n, err)
	}
	if msg, err := k.read(b, 10); string(msg) != "ping" || err != 0 {
		t.Fatalf("read: %q %v", msg, err)
	}
}
