package kernel

// Pipes: a fixed ring buffer per pipe, shared by a read end and a write end.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

const (
	maxPipes = 32
	pipeSize = 16 << 10 // bytes buffered before a writer blocks (Linux: 64 KiB)
)

type pipe struct {
	Used             bool
	Readers, Writers int32
	R, W             uint64 // bytes ever read and written; W-R are buffered
	RFile, WFile     int32  // file slots of the two ends, to signal both on a change
	Buf              [pipeSize]byte
}

var pipes [maxPipes]pipe

// sysPipe2 handles pipe2(2).
func sysPipe2(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	flags := uint32(tf.RSI)
	if flags&^(linux.O_NONBLOCK|linux.O_CLOEXEC) != 0 {
		return 0, linux.EINVAL
	}
	pi := -1
	for i := range pipes {
		if !pipes[i].Used {
			pi = i
			break
		}
	}
	if pi < 0 {
		return 0, linux.ENFILE
	}
	cloexec := flags&linux.O_CLOEXEC != 0
	rfd, rf, err := newFD(fkPipeR, linux.O_RDONLY|flags&linux.O_NONBLOCK, cloexec)
	if err != 0 {
		return 0, err
	}
	wfd, wf, err := newFD(fkPipeW, linux.O_WRONLY|flags&linux.O_NONBLOCK, cloexec)
	if err != 0 {
		f := *tf
		f.RDI = uint64(rfd)
		sysClose(t, &f)
		return 0, err
	}
	p := &pipes[pi]
	p.Used, p.Readers, p.Writers, p.R, p.W = true, 1, 1, 0, 0
	p.RFile, p.WFile = fds[rfd].File-1, fds[wfd].File-1
	rf.Pipe, wf.Pipe = int32(pi), int32(pi)
	fdsOut := (*[2]int32)(unsafe.Pointer(uintptr(tf.RDI)))
	fdsOut[0], fdsOut[1] = int32(rfd), int32(wfd)
	return 0, 0
}

// pipeChanged bumps both ends and wakes anyone waiting on them.
func pipeChanged(p *pipe) {
	files[p.RFile].Gen++
	files[p.WFile].Gen++
	wakeEpollWaiters()
}

func pipeClose(f *file) {
	p := &pipes[f.Pipe]
	if f.Kind == fkPipeR {
		p.Readers--
	} else {
		p.Writers--
	}
	pipeChanged(p)
	if p.Readers == 0 && p.Writers == 0 {
		p.Used = false
	}
}

func pipeReadiness(f *file) uint32 {
	p := &pipes[f.Pipe]
	var r uint32
	if f.Kind == fkPipeR {
		if p.W > p.R {
			r |= linux.EPOLLIN
		}
		if p.Writers == 0 {
			r |= linux.EPOLLHUP
		}
		return r
	}
	if p.W-p.R < pipeSize {
		r |= linux.EPOLLOUT
	}
	if p.Readers == 0 {
		r |= linux.EPOLLERR
	}
	return r
}

func pipeRead(f *file, dst, n uintptr) (uintptr, linux.Errno) {
	p := &pipes[f.Pipe]
	for p.W == p.R {
		if p.Writers == 0 || n == 0 {
			return 0, 0 // end of file
		}
		if f.Flags&linux.O_NONBLOCK != 0 {
			return 0, linux.EAGAIN
		}
		if block(waitPipe, 0, 0) == wakeSignal {
			return 0, linux.EINTR
		}
	}
	var done uintptr
	for done < n && p.R < p.W {
		off := p.R % pipeSize
		chunk := uintptr(pipeSize - off)
		if avail := uintptr(p.W - p.R); chunk > avail {
			chunk = avail
		}
		if chunk > n-done {
			chunk = n - done
		}
		copyBytes(dst+done, uintptr(unsafe.Pointer(&p.Buf[off])), chunk)
		p.R += uint64(chunk)
		done += chunk
	}
	pipeChanged(p)
	return done, 0
}

func pipeWrite(f *file, src, n uintptr) (uintptr, linux.Errno) {
	p := &pipes[f.Pipe]
	var done uintptr
	for done < n {
		if p.Readers == 0 {
			if done > 0 {
				return done, 0
			}
			return 0, linux.EPIPE // Linux also raises SIGPIPE; Go only acts on it for stdout
		}
		space := uintptr(pipeSize - (p.W - p.R))
		if space == 0 {
			if f.Flags&linux.O_NONBLOCK != 0 {
				if done > 0 {
					return done, 0
				}
				return 0, linux.EAGAIN
			}
			if block(waitPipe, 0, 0) == wakeSignal {
				if done > 0 {
					return done, 0
				}
				return 0, linux.EINTR
			}
			continue
		}
		off := p.W % pipeSize
		chunk := uintptr(pipeSize - off)
		if chunk > space {
			chunk = space
		}
		if chunk > n-done {
			chunk = n - done
		}
		copyBytes(uintptr(unsafe.Pointer(&p.Buf[off])), src+done, chunk)
		p.W += uint64(chunk)
		done += chunk
		pipeChanged(p)
	}
	return done, 0
}
