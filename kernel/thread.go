package kernel

// Threads. Each Linux thread the Go runtime clones is a slot in the fixed table threads;
// slot 0 is the idle thread (the boot stack). All fields are plain integers: kernel code
// runs while the garbage collector may be marking, and must never store a Go pointer.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

const (
	// maxThreads bounds the threads alive at once, the idle slot included. The Go runtime
	// needs a thread for every goroutine blocked in a system call it does not poll (a read
	// of a pipe or a volume file, for instance); past the limit clone fails with EAGAIN
	// and the runtime stops with "failed to create new OS thread".
	maxThreads = 1024
	kstackSize = 16 << 10 // kstack.go
	fpuSize    = 1024     // FXSAVE or XSAVE (x87, SSE, AVX: 832 bytes) area at the top of each kernel stack
)

// Thread states. Legal transitions:
//
//	free -> runnable            (allocThread, initThread, startThread)
//	runnable <-> running        (schedule)
//	running -> blocked          (block)
//	blocked -> runnable         (wake)
//	running -> dead             (exitThread); dead -> free once another thread runs
const (
	stFree = iota
	stRunnable
	stRunning
	stBlocked
	stDead
)

// Why a blocked thread woke up.
const (
	wakeNone = iota
	wakeNormal
	wakeTimeout
	wakeSignal
)

// What a blocked thread waits for.
const (
	waitNone = iota
	waitFutex
	waitSleep
	waitEpoll
	waitPipe
)

type thread struct {
	State    uint32
	TID      int32
	CPU      uint32  // the CPU it runs on while stRunning, else the one it last ran on
	Affinity uint64  // CPUs it may run on (sched_setaffinity); bit i = CPU i
	SavedSP  uintptr // kernel SP saved by swtch while not running
	OnCPU    uint32  // 1 from when a CPU switches to it until swtch has saved SavedSP
	FS       uintptr // the thread's FS base (TLS)

	// Blocking.
	WaitKind uint32
	WaitKey  uintptr // futex address or epoll fd
	Deadline int64   // monotonic ns, 0 = none
	Woke     uint32
	VolLocks uint8  // bit i: holds volume i's sleeping lock (blk.go)
	Restart  uint64 // a call that returned ERESTARTSYS: its number plus 1, settled by deliverSignals

	// Signals.
	SigMask     uint64
	SigPending  uint64
	AltSP       uintptr
	AltSize     uintptr
	AltFlags    int32
	pendCode    [65]int32 // si_code of a pending signal (> 0: raised by a fault)
	FaultVector uint64    // the exception behind the last fault signal, for sigcontext
	FaultErr    uint64
	pendAddr    [65]uint64 // si_addr (faults) or sender pid
}

var (
	threads [maxThreads]thread
	nextTID int32 = 2 // TID 1 is the first application thread (also the PID)
	// slotsUsed is one more than the highest slot ever claimed: every slot from it up is
	// free, so scans of the table stop there. It only grows (under schedLock); a reader
	// without the lock may miss a slot just claimed, which is stDead until startThread.
	slotsUsed uint32 = 1
)

// current returns the running thread.
func current() *thread { return &threads[thisCPU().Current] }

func threadIndex(t *thread) uintptr {
	return (uintptr(unsafe.Pointer(t)) - uintptr(unsafe.Pointer(&threads[0]))) / unsafe.Sizeof(threads[0])
}

// usedSlots returns slotsUsed, the end of every scan of threads.
func usedSlots() int { return int(loadU32(&slotsUsed)) }

// allocThread finds a free slot, reaping dead threads whose last switch has finished
// (OnCPU clear: no CPU is still on their stacks), and makes sure it has a kernel stack.
// The slot is claimed (stDead) until the caller's startThread. It fails when every slot
// is taken or memory for a new stack ran out.
func allocThread() (uintptr, bool) {
	schedLock.lock()
	for i := uintptr(1); i < maxThreads; i++ {
		t := &threads[i]
		if t.State == stDead && loadU32(&t.OnCPU) == 0 {
			t.State = stFree
		}
		if t.State != stFree {
			continue
		}
		t.State = stDead // claimed; initThread keeps it out of every scan
		if uint32(i) >= slotsUsed {
			slotsUsed = uint32(i) + 1
		}
		schedLock.unlock()
		if !mapKStack(i) {
			schedLock.lock()
			t.State = stFree
			schedLock.unlock()
			return 0, false
		}
		return i, true
	}
	schedLock.unlock()
	return 0, false
}

// startThread makes the new thread in slot i runnable: it joins a run queue and counts
// as live.
func startThread(i uintptr) {
	schedLock.lock()
	threads[i].State = stRunnable
	liveThreads++
	enqueue(i, false)
	schedLock.unlock()
}

// initThread fills in slot i with a copy of tf as its saved application state, so that its
// first switch-in lands in forkReturn and returns to the application from there. The slot
// stays claimed (stDead, which every scan skips) until the caller calls startThread.
func initThread(i uintptr, tf *TrapFrame, fpu uintptr) *thread {
	t := &threads[i]
	*t = thread{State: stDead}
	t.TID = nextTID
	nextTID++
	top := kstackTop(i)
	if fpu != 0 {
		copyBytes(top, fpu, fpuSize)
	} else {
		zeroBytes(top, fpuSize)
		initFPU(top)
	}
	frame := (*TrapFrame)(unsafe.Pointer(top - unsafe.Sizeof(TrapFrame{})))
	*frame = *tf
	// Below the frame: what swtch pops: saved BP, then the return address.
	sp := uintptr(unsafe.Pointer(frame)) - 16
	*(*uintptr)(unsafe.Pointer(sp)) = 0
	*(*uintptr)(unsafe.Pointer(sp + 8)) = addrForkReturn()
	t.SavedSP = sp
	t.Affinity = ^uint64(0)      // every CPU; clone copies the parent's
	t.CPU = uint32(thisCPU().ID) // where it "last ran", for placement: its creator's CPU
	return t
}

// initFPU writes the power-on x87/SSE control words into a zeroed FXSAVE image: x87 control
// word 0x37F and MXCSR 0x1F80 (all exceptions masked), as Linux starts a process.
func initFPU(area uintptr) {
	*(*uint16)(unsafe.Pointer(area)) = 0x37f
	*(*uint32)(unsafe.Pointer(area + 24)) = 0x1f80
}

// frameOf returns the saved application TrapFrame of slot i.
func frameOf(i uintptr) *TrapFrame {
	return (*TrapFrame)(unsafe.Pointer(kstackTop(i) - unsafe.Sizeof(TrapFrame{})))
}

func findTID(tid int32) *thread {
	for i := range usedSlots() {
		t := &threads[i]
		if t.TID == tid && t.State != stFree && t.State != stDead && i != 0 {
			return t
		}
	}
	return nil
}

// sysClone handles clone(2) for the thread flags the Go runtime uses.
func sysClone(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	flags := tf.RDI
	const need = linux.CLONE_VM | linux.CLONE_THREAD | linux.CLONE_SIGHAND
	if flags&need != need {
		return 0, linux.EINVAL // no processes: only threads of this one
	}
	i, ok := allocThread()
	if !ok {
		return 0, linux.EAGAIN
	}
	var child TrapFrame = *tf
	child.RAX = 0
	if tf.RSI != 0 {
		child.RSP = tf.RSI
	}
	c := initThread(i, &child, thisCPU().KStackTop)
	c.FS = t.FS
	if flags&linux.CLONE_SETTLS != 0 {
		c.FS = uintptr(tf.R8)
	}
	c.SigMask = t.SigMask
	c.Affinity = t.Affinity
	if flags&linux.CLONE_PARENT_SETTID != 0 && tf.RDX != 0 {
		// Before the child can run (on another CPU at once), as Linux does. A bad pointer
		// ends the call with EFAULT and leaves the slot claimed but dead: reusable.
		*(*int32)(unsafe.Pointer(uintptr(tf.RDX))) = c.TID
	}
	startThread(i)
	return uintptr(c.TID), 0
}

// sysExit handles exit(2): the thread ends; the process goes on.
func sysExit(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	schedLock.lock()
	t.State = stDead
	liveThreads--
	schedule()
	bug("sysExit: dead thread scheduled")
	return 0, 0
}
