package kernel

// The scheduler: round robin over the thread table, one CPU, kernel code never preempted
// (interrupts are off in the kernel). A thread gives up the CPU by blocking, by yielding on a
// timer interrupt when others are runnable, or by exiting. When nothing is runnable the idle
// thread (slot 0, the boot stack) halts until an interrupt.

import (
	"github.com/unigo-os/unigo/kernel/arch/amd64"
	"github.com/unigo-os/unigo/kernel/dev"
)

const timeSlice = 4_000_000 // ns; the Go runtime's sysmon preempts goroutines after 10 ms

var (
	liveThreads int
	sliceEnd    int64 // when the running thread's slice ends
	timerArmed  int64 // deadline the LAPIC timer is set for, 0 = none
)

// anyRunnable reports whether another thread is waiting for the CPU.
func anyRunnable() bool {
	for i := 1; i < maxThreads; i++ {
		if threads[i].State == stRunnable {
			return true
		}
	}
	return false
}

// pickNext returns the next runnable slot after the current one, or 0 (idle).
func pickNext() uintptr {
	cur := thisCPU().Current
	for n := uintptr(1); n <= maxThreads; n++ {
		i := (cur + n) % maxThreads
		if i != 0 && threads[i].State == stRunnable {
			return i
		}
	}
	return 0
}

// schedule switches to the next runnable thread, or to the idle loop. The caller has
// already set the current thread's state (runnable, blocked or dead).
func schedule() {
	next := pickNext()
	cur := thisCPU().Current
	if next == cur {
		threads[cur].State = stRunning
		return
	}
	switchTo(next)
}

// switchTo makes slot next the running thread and continues on its kernel stack. Returns
// when the calling thread is switched back in.
func switchTo(next uintptr) {
	cur := thisCPU().Current
	if cur != 0 && threads[cur].State == stRunning {
		threads[cur].State = stRunnable
	}
	n := &threads[next]
	if next != 0 {
		n.State = stRunning
		thisCPU().KStackTop = kstackTop(next)
		thisCPU().UserFS = n.FS
		sliceEnd = dev.Nanotime() + timeSlice
		setKernelStack(kstackTop(next)+fpuSize-kstackSize, kstackTop(next))
	} else {
		setKernelStack(bootStackLo(), bootStackLo()+bootStackSize)
	}
	thisCPU().Current = next
	nSwitches++
	swtch(&threads[cur].SavedSP, n.SavedSP)
}

// setKernelStack tells Go's stack checks (through kernelG) which stack kernel code runs on.
func setKernelStack(lo, hi uintptr) {
	kernelG[0] = lo
	kernelG[1] = hi
	kernelG[2] = lo + 1024
}

// yield puts the current thread at the back of the queue.
func yield() {
	threads[thisCPU().Current].State = stRunnable
	schedule()
}

// block puts the current thread to sleep until wake is called for it or the deadline
// (monotonic ns, 0 = none) passes. It returns why it woke.
func block(kind uint32, key uintptr, deadline int64) uint32 {
	t := current()
	if t.SigPending&^t.SigMask != 0 {
		return wakeSignal
	}
	t.State = stBlocked
	t.WaitKind = kind
	t.WaitKey = key
	t.Deadline = deadline
	t.Woke = wakeNone
	schedule()
	t.WaitKind = waitNone
	return t.Woke
}

// wake makes a blocked thread runnable.
func wake(t *thread, why uint32) {
	if t.State != stBlocked {
		return
	}
	t.State = stRunnable
	t.Woke = why
}

// timerInterrupt wakes the threads whose deadlines have passed.
func timerInterrupt() {
	nTimerIRQs++
	timerArmed = 0
	eoi()
	now := dev.Nanotime()
	for i := 1; i < maxThreads; i++ {
		t := &threads[i]
		if t.State == stBlocked && t.Deadline != 0 && t.Deadline <= now {
			wake(t, wakeTimeout)
		}
	}
}

// armTimer programs the LAPIC timer for the earliest deadline: a sleeper's, or the end of
// the running thread's slice when others wait for the CPU.
func armTimer() {
	var next int64
	for i := 1; i < maxThreads; i++ {
		t := &threads[i]
		if t.State == stBlocked && t.Deadline != 0 && (next == 0 || t.Deadline < next) {
			next = t.Deadline
		}
	}
	if thisCPU().Current != 0 && anyRunnable() && (next == 0 || sliceEnd < next) {
		next = sliceEnd
	}
	if next == 0 {
		if timerArmed != 0 {
			dev.LAPICTimerStop()
			timerArmed = 0
		}
		return
	}
	if next == timerArmed {
		return
	}
	timerArmed = next
	dev.LAPICTimerOneShot(next - dev.Nanotime())
}

func eoi() { dev.LAPICEOI() }

// idleLoop runs on the boot stack once the first thread exists, for the life of the
// kernel: it hands the CPU to runnable threads and halts when there are none.
func idleLoop() {
	for {
		if liveThreads == 0 {
			bug("idleLoop: no threads left")
		}
		if next := pickNext(); next != 0 {
			switchTo(next)
			continue
		}
		armTimer()
		amd64.Hlt()
	}
}
