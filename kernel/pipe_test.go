package kernel

import (
	"archive/tar"
	"bytes"
	"testing"
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs"
)

// Host tests of pipes and FIFOs, on the socket tests' harness (socket_host_test.go):
// frames over Go memory, syscall handlers called with a trap frame. Nothing may block
// here, so every open and read that would wait is non-blocking; the e2e program
// e2e/testdata/fifo covers the waiting ones.

// newHostPipes is newHostNet plus empty pipes; the pipes and their frames are given
// back when the test ends.
func newHostPipes(t *testing.T) *hostNet {
	k := newHostNet(t)
	t.Cleanup(func() {
		for i := range pipes {
			if pipes[i].Used {
				pipeFreeRing(&pipes[i])
			}
			pipes[i] = pipe{}
		}
	})
	return k
}

func (k *hostNet) pipe2(flags uint64) (r, w uint64, err linux.Errno) {
	fds := heapVal[[2]int32]()
	_, err = k.call(sysPipe2, addrOf(fds), flags)
	return uint64(fds[0]), uint64(fds[1]), err
}

func (k *hostNet) close(fd uint64) {
	k.t.Helper()
	k.must("close", sysClose, fd)
}

func TestPipesTakeFramesOnlyWhileOpen(t *testing.T) {
	k := newHostPipes(t)
	free := frames.FreePages()
	var ends []uint64
	for i := 0; i < maxPipes; i++ {
		r, w, err := k.pipe2(linux.O_NONBLOCK)
		if err != 0 {
			t.Fatalf("pipe2 #%d: %v", i, err)
		}
		ends = append(ends, r, w)
	}
	if got, want := free-frames.FreePages(), uint64(maxPipes*pipePages); got != want {
		t.Errorf("%d pipes hold %d frames, want %d", maxPipes, got, want)
	}
	if _, _, err := k.pipe2(0); err != linux.ENFILE {
		t.Errorf("pipe2 past %d pipes: %v, want ENFILE", maxPipes, err)
	}
	for i, fd := range ends {
		k.close(fd)
		if i%2 == 0 && frames.FreePages() != free-uint64((maxPipes-i/2)*pipePages) {
			t.Fatalf("closing only the read end of pipe %d gave back frames", i/2)
		}
	}
	if got := frames.FreePages(); got != free {
		t.Errorf("after closing every pipe: %d free frames, want %d", got, free)
	}
}

func TestPipeRingWrapsAcrossPagesAndKeepsSmallWritesWhole(t *testing.T) {
	k := newHostPipes(t)
	r, w, err := k.pipe2(linux.O_NONBLOCK)
	if err != 0 {
		t.Fatal(err)
	}
	var sent, got bytes.Buffer
	for round := 0; round < 12; round++ {
		data := pattern(pipeSize-1000+round*333, round)
		n, err := k.write(w, data)
		if err != 0 && err != linux.EAGAIN {
			t.Fatalf("round %d: write: %v", round, err)
		}
		sent.Write(data[:n])
		b, err := k.read(r, 40000+round*1111)
		if err != 0 {
			t.Fatalf("round %d: read: %v", round, err)
		}
		got.Write(b)
	}
	for {
		b, err := k.read(r, 70000)
		if err == linux.EAGAIN {
			break
		}
		got.Write(b)
	}
	if !bytes.Equal(got.Bytes(), sent.Bytes()) {
		t.Fatalf("read back %d bytes that differ from the %d written", got.Len(), sent.Len())
	}
	// Fill all but 100 bytes: a write of at most PIPE_BUF must not be split.
	if n, _ := k.write(w, make([]byte, pipeSize-100)); n != pipeSize-100 {
		t.Fatalf("filling write: %d", n)
	}
	if n, err := k.write(w, make([]byte, 200)); err != linux.EAGAIN {
		t.Errorf("200-byte write with 100 free: (%d, %v), want EAGAIN (PIPE_BUF atomicity)", n, err)
	}
	if n, err := k.write(w, make([]byte, 5000)); n != 100 || err != 0 {
		t.Errorf("5000-byte write with 100 free: (%d, %v), want 100 bytes", n, err)
	}
	if k.ready(w)&linux.EPOLLOUT != 0 {
		t.Errorf("full pipe's write end reports EPOLLOUT")
	}
}

func TestPipeEOFAndEPIPE(t *testing.T) {
	k := newHostPipes(t)
	r, w, _ := k.pipe2(linux.O_NONBLOCK)
	k.write(w, []byte("last"))
	k.close(w)
	if got := k.ready(r); got != linux.EPOLLIN|linux.EPOLLHUP {
		t.Errorf("reader with data after the writer closed: %#x, want IN|HUP", got)
	}
	if b, _ := k.read(r, 10); string(b) != "last" {
		t.Errorf("read %q, want the bytes written before close", b)
	}
	if b, err := k.read(r, 10); len(b) != 0 || err != 0 {
		t.Errorf("read after the writer closed: (%q, %v), want end of file", b, err)
	}
	r2, w2, _ := k.pipe2(0)
	k.close(r2)
	if _, err := k.write(w2, []byte("x")); err != linux.EPIPE {
		t.Errorf("write with no reader: %v, want EPIPE", err)
	}
	if got := k.ready(w2); got&linux.EPOLLERR == 0 {
		t.Errorf("writer with no reader: %#x, want EPOLLERR", got)
	}
	if _, err := k.read(w2, 1); err != linux.EBADF {
		t.Errorf("read on a write end: %v, want EBADF", err)
	}
}

// hostFS mounts an empty archive as "/" with a 4 MiB tmpfs at /tmp, once per test.
func hostFS(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "etc/", Typeflag: tar.TypeDir, Mode: 0755})
	tw.Close()
	archive := heapBuf(buf.Len())
	copy(archive, buf.Bytes())
	if err := fsSetupForTest(archive); err != 0 {
		t.Fatalf("fs.Setup: %v", err)
	}
}

func cstr(s string) uint64 {
	b := heapBuf(len(s) + 1)
	copy(b, s)
	return bufAddr(b)
}

func (k *hostNet) open(path string, flags uint64) (uint64, linux.Errno) {
	fd, err := k.call(sysOpen, cstr(path), flags, 0)
	return uint64(fd), err
}

func TestMknodMakesNodesLikeLinux(t *testing.T) {
	k := newHostPipes(t)
	hostFS(t)
	umask = 022
	if _, err := k.call(sysMknod, cstr("/tmp/f"), linux.S_IFIFO|0666, 0); err != 0 {
		t.Fatalf("mknod FIFO: %v", err)
	}
	st := heapVal[linux.Stat_t]()
	k.must("stat", sysStat, cstr("/tmp/f"), addrOf(st))
	if st.Mode != linux.S_IFIFO|0644 {
		t.Errorf("FIFO mode %#o, want %#o (umask applied)", st.Mode, linux.S_IFIFO|0644)
	}
	k.must("mknod reg", sysMknodat, atFDCWD, cstr("/tmp/r"), 0600, 0)
	k.must("stat", sysStat, cstr("/tmp/r"), addrOf(st))
	if st.Mode != linux.S_IFREG|0600 || st.Size != 0 {
		t.Errorf("type 0: mode %#o size %d, want an empty regular file", st.Mode, st.Size)
	}
	k.must("mknod sock", sysMknod, cstr("/tmp/s"), linux.S_IFSOCK|0600, 0)
	if _, err := k.open("/tmp/s", linux.O_RDONLY); err != linux.ENXIO {
		t.Errorf("open of a socket node: %v, want ENXIO", err)
	}
	for _, c := range []struct {
		path string
		mode uint64
		want linux.Errno
	}{
		{"/tmp/f", linux.S_IFIFO | 0600, linux.EEXIST},
		{"/tmp/c", linux.S_IFCHR | 0600, linux.EPERM},
		{"/tmp/f", linux.S_IFBLK | 0600, linux.EEXIST},
		{"/tmp/d", linux.S_IFDIR | 0700, linux.EPERM},
		{"/tmp/l", linux.S_IFLNK | 0700, linux.EINVAL},
		{"/tmp/no/f", linux.S_IFIFO | 0600, linux.ENOENT},
		{"/tmp/r/f", linux.S_IFIFO | 0600, linux.ENOTDIR},
		{"/etc/f", linux.S_IFIFO | 0600, linux.EROFS},
		{"/tmp/x/", linux.S_IFIFO | 0600, linux.ENOENT},
	} {
		if _, err := k.call(sysMknod, cstr(c.path), c.mode, 0); err != c.want {
			t.Errorf("mknod(%s, %#o): %v, want %v", c.path, c.mode, err, c.want)
		}
	}
}

func TestFIFONonBlockingOpensAndEndsLikeLinux(t *testing.T) {
	k := newHostPipes(t)
	hostFS(t)
	k.must("mknod", sysMknod, cstr("/tmp/f"), linux.S_IFIFO|0600, 0)
	free := frames.FreePages()
	if _, err := k.open("/tmp/f", linux.O_WRONLY|linux.O_NONBLOCK); err != linux.ENXIO {
		t.Errorf("O_WRONLY|O_NONBLOCK with no reader: %v, want ENXIO", err)
	}
	if frames.FreePages() != free {
		t.Errorf("a failed open kept a pipe's frames")
	}
	r1, err := k.open("/tmp/f", linux.O_RDONLY|linux.O_NONBLOCK)
	if err != 0 {
		t.Fatalf("O_RDONLY|O_NONBLOCK: %v", err)
	}
	if got := k.ready(r1); got != 0 {
		t.Errorf("reader before any writer: %#x, want nothing (no EPOLLHUP until a writer came)", got)
	}
	if b, err := k.read(r1, 4); len(b) != 0 || err != 0 {
		t.Errorf("read with no writer: (%q, %v), want end of file", b, err)
	}
	w, err := k.open("/tmp/f", linux.O_WRONLY|linux.O_NONBLOCK)
	if err != 0 {
		t.Fatalf("O_WRONLY|O_NONBLOCK with a reader: %v", err)
	}
	r2, err := k.open("/tmp/f", linux.O_RDONLY) // a writer is there: no wait
	if err != 0 {
		t.Fatalf("second reader: %v", err)
	}
	rw, err := k.open("/tmp/f", linux.O_RDWR)
	if err != 0 {
		t.Fatalf("O_RDWR: %v", err)
	}

	// One epoll set watches every file, edge-triggered as Go's netpoller does.
	ep := uint64(k.must("epoll_create1", sysEpollCreate1, 0))
	watched := []uint64{r1, r2, w, rw}
	for _, fd := range watched {
		ev := heapVal[linux.EpollEvent]()
		ev.Events = goNetpoll
		ev.Data[0] = uint32(fd)
		k.must("epoll_ctl", sysEpollCtl, ep, linux.EPOLL_CTL_ADD, fd, addrOf(ev))
	}
	wait := func() map[uint64]uint32 {
		out := heapBuf(12 * 8)
		n := k.must("epoll_wait", sysEpollWait, ep, bufAddr(out), 8, 0)
		m := map[uint64]uint32{}
		for i := 0; i < int(n); i++ {
			ev := (*linux.EpollEvent)(unsafe.Pointer(&out[i*12]))
			m[uint64(ev.Data[0])] = ev.Events
		}
		return m
	}
	wait()
	if got := wait(); len(got) != 0 {
		t.Errorf("no change, yet edge-triggered epoll reported %v", got)
	}
	if n, err := k.write(w, []byte("hello")); n != 5 || err != 0 {
		t.Fatalf("write: (%d, %v)", n, err)
	}
	got := wait()
	for _, fd := range []uint64{r1, r2, rw} {
		if got[fd]&linux.EPOLLIN == 0 {
			t.Errorf("after a write, reader fd %d: %#x, want EPOLLIN (every open file sees the edge)", fd, got[fd])
		}
	}
	if b, _ := k.read(r2, 2); string(b) != "he" {
		t.Errorf("second reader read %q", b)
	}
	if b, _ := k.read(rw, 10); string(b) != "llo" {
		t.Errorf("O_RDWR file read %q", b)
	}
	st := heapVal[linux.Stat_t]()
	k.must("fstat", sysFstat, w, addrOf(st))
	if st.Mode&linux.S_IFMT != linux.S_IFIFO || st.Ino == 0 {
		t.Errorf("fstat of a FIFO fd: mode %#o ino %d, want S_IFIFO and the node's inode", st.Mode, st.Ino)
	}
	if _, err := k.call(sysLseek, w, 0, linux.SEEK_SET); err != linux.ESPIPE {
		t.Errorf("lseek on a FIFO: %v, want ESPIPE", err)
	}

	k.close(w)
	k.close(rw) // the last writer
	if got := k.ready(r1); got&linux.EPOLLHUP == 0 {
		t.Errorf("reader once every writer closed: %#x, want EPOLLHUP", got)
	}
	if _, err := k.open("/tmp/f", linux.O_WRONLY|linux.O_NONBLOCK); err != 0 {
		t.Errorf("writer while readers remain: %v", err)
	}
	k.close(r1)
	k.close(r2)
	k.close(ep)
	// The writer opened last is still open: its pipe, and its frames, remain.
	if frames.FreePages() == free {
		t.Errorf("the pipe's frames went back while a writer was open")
	}
	for fd := uint64(0); fd < maxFDs; fd++ {
		if f, _, err := getFile(fd); err == 0 && (f.Kind == fkPipeR || f.Kind == fkPipeW) {
			k.close(fd)
		}
	}
	if frames.FreePages() != free {
		t.Errorf("after the last close: %d free frames, want %d", frames.FreePages(), free)
	}
	// Data does not outlive the pipe: a new pair starts empty.
	r3, _ := k.open("/tmp/f", linux.O_RDONLY|linux.O_NONBLOCK)
	if b, err := k.read(r3, 10); len(b) != 0 || err != 0 {
		t.Errorf("fresh reader: (%q, %v), want end of file and nothing old", b, err)
	}
}

// fsSetupForTest mounts archive (Go memory standing in for the initrd) as the kernel
// does at boot.
func fsSetupForTest(archive []byte) linux.Errno {
	cwd = fs.RootNode
	return fs.Setup(fsEnv(), uintptr(unsafe.Pointer(&archive[0])), uint64(len(archive)), "/tmp", 4<<20)
}
