package kernel

// Pipes: a byte ring over frames from the frame allocator, shared by the files of its
// ends. pipe2(2) makes an anonymous pipe with one read file and one write file; a named
// pipe (a FIFO node, fifo.go) gets its pipe on its first open and may have any number of
// read, write and read-write files at once. The ring's pages are taken when the pipe is
// made and returned when its last end closes (data left in a FIFO's pipe is lost then,
// as on Linux).
//
// Every function here runs under the kernel lock.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs"
	"github.com/unigo-os/unigo/kernel/mm"
)

const (
	maxPipes  = 256                     // pipes in the system (ENFILE); os tests hold 100 at once
	pipeSize  = 64 << 10                // bytes buffered before a writer blocks, as on Linux
	pipePages = pipeSize / ringPageSize // frames per pipe, taken while it exists
	pipeBuf   = 4096                    // PIPE_BUF: writes up to this size are never split
)

// The ring has room for pipePages pages.
var _ [sockRingPages - pipePages]struct{}

// A pipe's files: an fkPipeR file reads, an fkPipeW file writes, and an fkPipeR file
// whose access mode is O_RDWR (a FIFO opened O_RDWR) does both. file.Pipe names the pipe.
type pipe struct {
	Used             bool
	Fifo             bool     // a named pipe: Node's (fifoFind)
	Node             fs.Node  // Fifo: its S_IFIFO file, held by an fs.Ref while the pipe exists
	Readers, Writers int32    // files of each end, plus FIFO opens waiting for a partner
	ROpens, WOpens   uint32   // opens of each end ever: a waiting FIFO open watches the other's
	Gen              uint32   // bumped on every change: the epoll edge of all its files (fileGen)
	Ring             sockRing // the bytes buffered: pipePages frames, the same ring as sockets'
}

var pipes [maxPipes]pipe

// pipeReads reports whether pipe file f holds the read end.
func pipeReads(f *file) bool { return f.Kind == fkPipeR }

// pipeWrites reports whether pipe file f holds the write end.
func pipeWrites(f *file) bool {
	return f.Kind == fkPipeW || f.Flags&linux.O_ACCMODE == linux.O_RDWR
}

// pipeAlloc takes a free pipe with no ends and its ring's frames: ENFILE when every pipe
// is in use, ENOMEM when the frames run out (none is kept then).
func pipeAlloc() (int32, linux.Errno) {
	for i := range pipes {
		p := &pipes[i]
		if p.Used {
			continue
		}
		gen := p.Gen // never reset: an old watcher's Seen must not match a new pipe's edge
		*p = pipe{Gen: gen}
		for p.Ring.N < pipePages {
			pa, ok := frames.Alloc(mm.Identity{})
			if !ok {
				pipeFreeRing(p)
				return 0, linux.ENOMEM
			}
			p.Ring.Pages[p.Ring.N] = uintptr(pa)
			p.Ring.N++
		}
		p.Used = true
		return int32(i), 0
	}
	return 0, linux.ENFILE
}

func pipeFreeRing(p *pipe) {
	for i := uint32(0); i < p.Ring.N; i++ {
		frames.Free(uint64(p.Ring.Pages[i]), mm.Identity{})
		p.Ring.Pages[i] = 0
	}
	p.Ring.N = 0
}

// pipeDrop removes an end (reads, writes or both) from pipe pi: a file closing or a FIFO
// open giving up. The last end frees the ring, and a FIFO's node.
func pipeDrop(pi int32, reads, writes bool) {
	p := &pipes[pi]
	if reads {
		p.Readers--
	}
	if writes {
		p.Writers--
	}
	if p.Readers < 0 || p.Writers < 0 {
		bug("pipeDrop: negative end count")
	}
	pipeChanged(p)
	if p.Readers == 0 && p.Writers == 0 {
		pipeFreeRing(p)
		fifo, n := p.Fifo, p.Node
		p.Used, p.Fifo = false, false
		if fifo {
			// Last: releasing a removed node of a volume may sleep on the disk, and an
			// open of the FIFO meanwhile must not find this pipe.
			fs.Release(fsEnv(), n)
		}
	}
}

// sysPipe2 handles pipe2(2).
func sysPipe2(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	flags := uint32(tf.RSI)
	if flags&^(linux.O_NONBLOCK|linux.O_CLOEXEC) != 0 {
		return 0, linux.EINVAL
	}
	if err := fdAvailable(); err != 0 {
		return 0, err
	}
	pi, err := pipeAlloc()
	if err != 0 {
		return 0, err
	}
	p := &pipes[pi]
	cloexec := flags&linux.O_CLOEXEC != 0
	rfd, rf, err := newFD(fkPipeR, linux.O_RDONLY|flags&linux.O_NONBLOCK, cloexec)
	if err != 0 {
		p.Readers = 1
		pipeDrop(pi, true, false)
		return 0, err
	}
	rf.Pipe = pi
	p.Readers, p.ROpens = 1, 1
	wfd, wf, err := newFD(fkPipeW, linux.O_WRONLY|flags&linux.O_NONBLOCK, cloexec)
	if err != 0 {
		closeFD(uint64(rfd)) // the last end: frees the pipe
		return 0, err
	}
	wf.Pipe = pi
	p.Writers, p.WOpens = 1, 1
	fdsOut := (*[2]int32)(unsafe.Pointer(uintptr(tf.RDI)))
	fdsOut[0], fdsOut[1] = int32(rfd), int32(wfd)
	return 0, 0
}

// pipeChanged records a change of p: a new edge for every file of the pipe, and a
// wake-up for threads blocked in its reads, writes and FIFO opens.
func pipeChanged(p *pipe) {
	p.Gen++
	notify(maxFiles + pipeIndex(p))
	wakeEpollWaiters()
}

// pipeIndex returns the index of p in pipes.
func pipeIndex(p *pipe) int32 {
	return int32((uintptr(unsafe.Pointer(p)) - uintptr(unsafe.Pointer(&pipes[0]))) / unsafe.Sizeof(pipes[0]))
}

// pipeClose is the last close of pipe file f.
func pipeClose(f *file) { pipeDrop(f.Pipe, pipeReads(f), pipeWrites(f)) }

// pipeReadiness is readiness for a pipe file. A reader sees EPOLLHUP once no writer is
// left, except a FIFO reader that opened with O_NONBLOCK and no writer: it sees none
// until a writer has come (its PipeW is the WOpens it opened at), as Linux's pipe_poll.
func pipeReadiness(f *file) uint32 {
	p := &pipes[f.Pipe]
	var r uint32
	if pipeReads(f) {
		if !p.Ring.empty() {
			r |= linux.EPOLLIN
		}
		if p.Writers == 0 && p.WOpens != f.PipeW {
			r |= linux.EPOLLHUP
		}
	}
	if pipeWrites(f) {
		if p.Ring.space() > 0 {
			r |= linux.EPOLLOUT
		}
		if p.Readers == 0 {
			r |= linux.EPOLLERR
		}
	}
	return r
}

func pipeRead(f *file, dst, n uintptr) (uintptr, linux.Errno) {
	if !pipeReads(f) {
		return 0, linux.EBADF
	}
	p := &pipes[f.Pipe]
	for p.Ring.empty() {
		if p.Writers == 0 || n == 0 {
			return 0, 0 // end of file
		}
		if err := waitIO(f.Flags&linux.O_NONBLOCK != 0); err != 0 {
			return 0, err
		}
	}
	if u := uintptr(p.Ring.used()); n > u {
		n = u
	}
	p.Ring.copyOut(p.Ring.R, dst, n)
	p.Ring.R += uint64(n)
	pipeChanged(p)
	return n, 0
}

func pipeWrite(f *file, src, n uintptr) (uintptr, linux.Errno) {
	if !pipeWrites(f) {
		return 0, linux.EBADF
	}
	p := &pipes[f.Pipe]
	var done uintptr
	for done < n {
		if p.Readers == 0 {
			return sentOr(done, linux.EPIPE) // Linux also raises SIGPIPE; Go only acts on it for stdout
		}
		space := uintptr(p.Ring.space())
		if space == 0 || n <= pipeBuf && space < n {
			if err := waitIO(f.Flags&linux.O_NONBLOCK != 0); err != 0 {
				return sentOr(done, err)
			}
			continue
		}
		chunk := n - done
		if chunk > space {
			chunk = space
		}
		p.Ring.copyIn(p.Ring.W, src+done, chunk)
		p.Ring.W += uint64(chunk)
		done += chunk
		pipeChanged(p)
	}
	return done, 0
}
