package kernel

// eventfd and epoll: what the Go runtime's netpoller is built on. Readiness is computed
// from the files' state when asked; a thread waiting in epoll_wait sleeps until some file
// changes state (wakeEpollWaiters) or its timeout passes.
//
// epoll_wait does not look at every watched descriptor, which would make each wait of a
// server with thousands of idle connections cost thousands of readiness checks. Each set
// keeps a check list: the entries whose file changed state since they were last looked at
// (every change bumps the file's generation, and notify puts its watchers on their lists),
// entries just added or modified, and level-triggered entries that were ready when last
// reported (they stay ready until something is read, as Linux's do). A wait examines the
// check list alone.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/dev"
)

const (
	maxEpolls   = 4      // the Go runtime uses one; each costs maxInterest entries of memory
	maxInterest = maxFDs // every descriptor a process may have: the Go netpoller registers them all in one set
)

type interest struct {
	FD     int32  // -1 = unused
	Events uint32 // as registered, plus EPOLLERR|EPOLLHUP (as Linux adds them); flags only once a one-shot fired
	Data   [2]uint32
	Seen   uint32 // the file's Gen when last reported (edge-triggered entries)

	Key    int32  // what it watches (watchKey), while FD >= 0
	NextW  uint32 // next interest watching Key, as interestID+1; 0 = last
	NextC  uint32 // next slot on its set's check list, plus 1; 0 = last
	OnList bool   // on its set's check list (it may stay there after FD becomes -1)
}

// epollAlways are reported whether asked for or not (epoll_ctl(2)).
const epollAlways = linux.EPOLLERR | linux.EPOLLHUP

// epollFlags are the input flags of an interest, not events.
const epollFlags = linux.EPOLLET | linux.EPOLLONESHOT | linux.EPOLLEXCLUSIVE | linux.EPOLLWAKEUP

// arm sets in to watch events on descriptor fd, whose file is at generation gen. The
// entry starts unseen, so whatever holds now is reported once even when edge-triggered,
// as Linux's ep_insert and ep_modify queue a ready file at once.
func (in *interest) arm(fd int32, events uint32, data [2]uint32, gen uint32) {
	in.FD, in.Events, in.Data, in.Seen = fd, events|epollAlways, data, gen-1
}

// report decides what in reports now for a file with readiness ready at generation gen:
// the events to hand out, or 0. Level-triggered entries report while anything they ask
// for holds. Edge-triggered ones (EPOLLET, the Go netpoller's mode) report once per
// generation: every state change of the file (a new edge, files[].Gen++) makes them
// report again, even if the same bits were reported before. A one-shot entry is
// disarmed after one report until EPOLL_CTL_MOD.
func (in *interest) report(ready, gen uint32) uint32 {
	ready &= in.Events &^ epollFlags
	if ready == 0 || in.Events&linux.EPOLLET != 0 && in.Seen == gen {
		return 0
	}
	in.Seen = gen
	if in.Events&linux.EPOLLONESHOT != 0 {
		in.Events &= epollFlags
	}
	return ready
}

type epollSet struct {
	Used       bool
	N          int32  // entries [0, N) of List are in use or free (FD -1); the rest are unused
	Free       int32  // no free entry below it
	Head, Tail uint32 // the check list: slots plus 1, oldest first; 0 = empty
	List       [maxInterest]interest
	Index      [maxFDs]uint16 // descriptor -> the slot of its entry plus 1; 0 = not watched
}

const _ = uint(1<<16 - 1 - maxInterest) // compile-time check: Index holds every slot plus 1

// drop ends the entry at slot of set i: it stops watching its file and its descriptor,
// and the list is trimmed.
func (e *epollSet) drop(i, slot int32) {
	unwatch(i, slot)
	e.Index[e.List[slot].FD] = 0
	e.List[slot].FD = -1
	e.Free = min(e.Free, slot)
	e.trim()
}

// entries returns the part of e's list that scans look at.
func (e *epollSet) entries() []interest { return e.List[:e.N] }

// trim drops free entries at the end of the list, so that scans stay as short as the
// list of descriptors now watched.
func (e *epollSet) trim() {
	for e.N > 0 && e.List[e.N-1].FD < 0 {
		e.N--
	}
}

var epolls [maxEpolls]epollSet

// freeEpoll ends set i: its entries stop watching their files.
func freeEpoll(i int32) {
	e := &epolls[i]
	for j := range e.entries() {
		if e.List[j].FD >= 0 {
			e.drop(i, int32(j))
		}
	}
	e.Used = false
}

// An interest's id names it across sets: set*maxInterest + slot.
func interestID(set, slot int32) uint32 { return uint32(set)*maxInterest + uint32(slot) }

// interestAt returns the set and slot of the interest with id.
func interestAt(id uint32) (set, slot int32) {
	return int32(id / maxInterest), int32(id % maxInterest)
}

// watchers[key] is the first interest watching key, as interestID+1 (0 = none); the rest
// follow through NextW. A key is a file slot, or maxFiles plus a pipe's index for the
// files of a pipe, which share the pipe's state (fileGen).
var watchers [maxFiles + maxPipes]uint32

// watchKey is the key of file slot fi (file f).
func watchKey(f *file, fi int32) int32 {
	if f.Kind == fkPipeR || f.Kind == fkPipeW {
		return maxFiles + f.Pipe
	}
	return fi
}

// watch makes the entry at slot of set a watcher of key.
func watch(set, slot, key int32) {
	in := &epolls[set].List[slot]
	in.Key = key
	in.NextW = watchers[key]
	watchers[key] = interestID(set, slot) + 1
}

// unwatch takes the entry at slot of set off its key's watchers.
func unwatch(set, slot int32) {
	in := &epolls[set].List[slot]
	id := interestID(set, slot) + 1
	p := &watchers[in.Key]
	for *p != 0 && *p != id {
		set, slot := interestAt(*p - 1)
		p = &epolls[set].List[slot].NextW
	}
	if *p == 0 {
		bug("unwatch: an epoll entry is not among its file's watchers")
	}
	*p = in.NextW
}

// notify puts the watchers of key on their sets' check lists: its state changed.
func notify(key int32) {
	for id := watchers[key]; id != 0; {
		set, slot := interestAt(id - 1)
		check(&epolls[set], slot)
		id = epolls[set].List[slot].NextW
	}
}

// check puts the entry at slot on e's check list, unless it is there already.
func check(e *epollSet, slot int32) {
	in := &e.List[slot]
	if in.OnList {
		return
	}
	in.OnList, in.NextC = true, 0
	if e.Tail != 0 {
		e.List[e.Tail-1].NextC = uint32(slot) + 1
	} else {
		e.Head = uint32(slot) + 1
	}
	e.Tail = uint32(slot) + 1
}

// stayOnList reports whether an entry on a file of f's kind must be looked at on every
// wait: devices, which are always ready and never change.
func stayOnList(f *file) bool { return f.Kind == fkDevice }

// epollForget drops a closed descriptor from every interest list, as Linux does when the
// last reference goes.
func epollForget(fd int) {
	for i := range epolls {
		if !epolls[i].Used {
			continue
		}
		if s := epolls[i].Index[fd]; s != 0 {
			epolls[i].drop(int32(i), int32(s-1))
		}
	}
}

// readiness returns the EPOLL* bits that hold for f now.
func readiness(f *file) uint32 {
	switch f.Kind {
	case fkConsole:
		return linux.EPOLLOUT
	case fkDevice:
		return linux.EPOLLIN | linux.EPOLLOUT // null, zero, random... never wait
	case fkPipeR, fkPipeW:
		return pipeReadiness(f)
	case fkSocket:
		return sockReadiness(f)
	case fkNetCtl:
		return netCtlReadiness()
	case fkEventfd:
		r := uint32(0)
		if f.Count > 0 {
			r |= linux.EPOLLIN
		}
		if f.Count < ^uint64(0)-1 {
			r |= linux.EPOLLOUT
		}
		return r
	}
	return 0
}

// fileGen is f's generation for edge-triggered epoll. A pipe's files share their pipe's
// (pipe.Gen): a FIFO may have many readers and writers, and each must see every change.
func fileGen(f *file) uint32 {
	if f.Kind == fkPipeR || f.Kind == fkPipeW {
		return pipes[f.Pipe].Gen
	}
	return f.Gen
}

// changed records that f's state changed (a new edge for edge-triggered watchers, which
// go on their check lists) and wakes every thread sleeping in epoll_wait or in a
// blocking read or write. f is not a pipe's file (see pipeChanged).
func changed(f *file) {
	bump(fileIndex(f))
	wakeEpollWaiters()
}

// bump gives file slot fi a new generation (an edge) and puts its watchers on their
// check lists; the caller wakes the waiters.
func bump(fi int32) {
	files[fi].Gen++
	notify(fi)
}

// wakeEpollWaiters wakes the threads that wait for some file to change state.
func wakeEpollWaiters() { wakeWaiting(1<<waitEpoll|1<<waitPipe, 0, true) }

// sysEventfd2 handles eventfd2(2).
func sysEventfd2(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	flags := tf.RSI
	if flags&^(linux.EFD_SEMAPHORE|linux.EFD_CLOEXEC|linux.EFD_NONBLOCK) != 0 {
		return 0, linux.EINVAL
	}
	fd, f, err := newFD(fkEventfd, linux.O_RDWR|uint32(flags&linux.EFD_NONBLOCK), flags&linux.EFD_CLOEXEC != 0)
	if err != 0 {
		return 0, err
	}
	f.Count = uint64(uint32(tf.RDI))
	f.Semaphore = flags&linux.EFD_SEMAPHORE != 0
	return uintptr(fd), 0
}

func eventfdRead(f *file, p, n uintptr) (uintptr, linux.Errno) {
	if n < 8 {
		return 0, linux.EINVAL
	}
	for f.Count == 0 {
		if f.Flags&linux.O_NONBLOCK != 0 {
			return 0, linux.EAGAIN
		}
		if block(waitEpoll, 0, 0) == wakeSignal {
			return 0, linux.EINTR
		}
	}
	v := f.Count
	if f.Semaphore {
		v = 1
	}
	f.Count -= v
	*(*uint64)(unsafe.Pointer(p)) = v
	changed(f)
	return 8, 0
}

func eventfdWrite(f *file, p, n uintptr) (uintptr, linux.Errno) {
	if n < 8 {
		return 0, linux.EINVAL
	}
	v := *(*uint64)(unsafe.Pointer(p))
	if v == ^uint64(0) {
		return 0, linux.EINVAL
	}
	if f.Count+v < f.Count || f.Count+v == ^uint64(0) {
		return 0, linux.EAGAIN
	}
	f.Count += v
	changed(f)
	return 8, 0
}

// sysEpollCreate1 handles epoll_create1(2).
func sysEpollCreate1(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if tf.RDI&^linux.EPOLL_CLOEXEC != 0 {
		return 0, linux.EINVAL
	}
	ep := int32(-1)
	for i := range epolls {
		if !epolls[i].Used {
			ep = int32(i)
			break
		}
	}
	if ep < 0 {
		return 0, linux.ENOMEM
	}
	fd, f, err := newFD(fkEpoll, linux.O_RDWR, tf.RDI&linux.EPOLL_CLOEXEC != 0)
	if err != 0 {
		return 0, err
	}
	f.Ep = ep
	e := &epolls[ep]
	e.Used = true
	e.N, e.Free, e.Head, e.Tail = 0, 0, 0, 0
	for i := range e.List {
		e.List[i].OnList = false // a list left over from the set's last use
	}
	e.Index = [maxFDs]uint16{}
	return uintptr(fd), 0
}

// sysEpollCtl handles epoll_ctl(2).
func sysEpollCtl(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	epf, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	target, ti, err := getFile(tf.RDX)
	if err != 0 {
		return 0, err
	}
	if epf.Kind != fkEpoll || tf.RDI == tf.RDX {
		return 0, linux.EINVAL
	}
	if target.Kind == fkConsole || target.Kind == fkFSFile {
		return 0, linux.EPERM // not pollable, like a regular file: Go falls back to blocking I/O
	}
	e := &epolls[epf.Ep]
	fd := int32(tf.RDX)
	slot := int(e.Index[fd]) - 1
	switch tf.RSI {
	case linux.EPOLL_CTL_ADD:
		if slot >= 0 {
			return 0, linux.EEXIST
		}
		for i := e.Free; i < e.N; i++ {
			if e.List[i].FD < 0 {
				slot = int(i)
				break
			}
		}
		if slot < 0 && e.N < maxInterest {
			slot = int(e.N)
			e.N++
		}
		if slot < 0 {
			return 0, linux.ENOSPC
		}
		e.Free = int32(slot) + 1
		e.Index[fd] = uint16(slot) + 1
		watch(epf.Ep, int32(slot), watchKey(target, ti))
		fallthrough
	case linux.EPOLL_CTL_MOD:
		if slot < 0 {
			return 0, linux.ENOENT
		}
		ev := (*linux.EpollEvent)(unsafe.Pointer(uintptr(tf.R10)))
		e.List[slot].arm(fd, ev.Events, ev.Data, fileGen(target))
		check(e, int32(slot))
	case linux.EPOLL_CTL_DEL:
		if slot < 0 {
			return 0, linux.ENOENT
		}
		e.drop(epf.Ep, int32(slot))
	default:
		return 0, linux.EINVAL
	}
	return 0, 0
}

// collect writes up to max ready events and returns how many. It looks at the entries on
// e's check list, in order, and leaves there those it had no room for, the level-triggered
// ones it reported (still ready, perhaps), and those on devices.
func collect(e *epollSet, out uintptr, max int) int {
	n := 0
	next := e.Head
	e.Head, e.Tail = 0, 0
	for next != 0 {
		slot := int32(next - 1)
		in := &e.List[slot]
		next, in.OnList = in.NextC, false
		if in.FD < 0 {
			continue
		}
		if n == max {
			check(e, slot)
			continue
		}
		f, _, err := getFile(uint64(in.FD))
		if err != 0 {
			continue
		}
		ready := in.report(readiness(f), fileGen(f))
		if ready != 0 && in.Events&linux.EPOLLET == 0 && in.Events&^epollFlags != 0 || stayOnList(f) {
			check(e, slot) // level-triggered and armed: reported again while it stays ready
		}
		if ready == 0 {
			continue
		}
		ev := (*linux.EpollEvent)(unsafe.Pointer(out + uintptr(n)*12))
		ev.Events = ready
		ev.Data = in.Data
		n++
	}
	return n
}

// epollWait is epoll_wait with a timeout in ms (-1 = forever).
func epollWait(epfd uint64, out uintptr, max int, timeoutMS int64) (uintptr, linux.Errno) {
	f, _, err := getFile(epfd)
	if err != 0 {
		return 0, err
	}
	if f.Kind != fkEpoll || max <= 0 {
		return 0, linux.EINVAL
	}
	e := &epolls[f.Ep]
	var deadline int64
	if timeoutMS > 0 {
		deadline = dev.Nanotime() + timeoutMS*1e6
	}
	for {
		if n := collect(e, out, max); n > 0 || timeoutMS == 0 {
			return uintptr(n), 0
		}
		if deadline != 0 && dev.Nanotime() >= deadline {
			return 0, 0
		}
		if block(waitEpoll, uintptr(epfd), deadline) == wakeSignal {
			return 0, linux.EINTR
		}
	}
}

// sysEpollWait handles epoll_wait(2).
func sysEpollWait(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	return epollWait(tf.RDI, uintptr(tf.RSI), int(int32(tf.RDX)), int64(int32(tf.R10)))
}

// sysEpollPwait handles epoll_pwait(2). The signal mask argument is applied for the wait.
func sysEpollPwait(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	old := t.SigMask
	if tf.R8 != 0 {
		t.SigMask = *(*uint64)(unsafe.Pointer(uintptr(tf.R8))) &^ sigCantMask
	}
	n, err := epollWait(tf.RDI, uintptr(tf.RSI), int(int32(tf.RDX)), int64(int32(tf.R10)))
	t.SigMask = old
	return n, err
}
