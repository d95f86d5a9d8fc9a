package kernel

// The scheduler: round robin over the thread table, shared by every CPU under the kernel
// lock. Kernel code is never preempted (interrupts are off in the kernel). A thread gives up
// its CPU by blocking, by yielding on a timer interrupt when others are runnable, or by
// exiting. A CPU with nothing to run sits in its idle loop (Current == 0) and halts until an
// interrupt; waking a thread sends a halted CPU an IPI so the thread runs at once.

import (
	"github.com/unigo-os/unigo/kernel/arch/amd64"
	"github.com/unigo-os/unigo/kernel/dev"
)

const timeSlice = 4_000_000 // ns; the Go runtime's sysmon preempts goroutines after 10 ms

// liveThreads counts threads that have not exited; programStarted is set once the first
// one exists. Guarded by the kernel lock.
var (
	liveThreads    int
	programStarted bool
)

// schedGen changes whenever something armTimer depends on changes: a thread starts to
// sleep or wakes, a CPU switches threads, a thread is created or exits. armTimer skips its
// scan when nothing did since it last ran on this CPU. Guarded by the kernel lock.
var schedGen uint64

// schedChanged records such a change.
func schedChanged() { schedGen++ }

// anyRunnable reports whether another thread is waiting for the CPU.
func anyRunnable() bool {
	for i := 1; i < maxThreads; i++ {
		if threads[i].State == stRunnable {
			return true
		}
	}
	return false
}

// pickNext returns the next runnable slot after the current one that may run on this CPU
// (its affinity mask), or 0 (idle).
func pickNext() uintptr {
	c := thisCPU()
	cur := c.Current
	me := uint64(1) << c.ID
	for n := uintptr(1); n <= maxThreads; n++ {
		i := (cur + n) % maxThreads
		if i != 0 && threads[i].State == stRunnable && threads[i].Affinity&me != 0 {
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

// switchTo makes slot next the running thread and continues on its kernel stack (slot 0:
// this CPU's idle loop). Returns when the calling thread is switched back in, possibly on
// another CPU. The kernel lock stays held across the switch.
func switchTo(next uintptr) {
	c := thisCPU()
	cur := c.Current
	if cur != 0 && threads[cur].State == stRunning {
		threads[cur].State = stRunnable
	}
	save := &c.IdleSP
	if cur != 0 {
		save = &threads[cur].SavedSP
	}
	to := c.IdleSP
	if next != 0 {
		n := &threads[next]
		n.State = stRunning
		n.CPU = uint32(c.ID)
		c.KStackTop = kstackTop(next)
		c.UserFS = n.FS
		c.SliceEnd = dev.Nanotime() + timeSlice
		setKernelStack(c, kstackTop(next)+fpuSize-kstackSize, kstackTop(next))
		to = n.SavedSP
	} else {
		setKernelStack(c, c.IdleLo, c.IdleHi)
	}
	c.Current = next
	nSwitches++
	schedChanged()
	swtch(save, to)
}

// setKernelStack tells Go's stack checks (through the CPU's kernelG) which stack kernel
// code runs on.
func setKernelStack(c *percpu, lo, hi uintptr) {
	g := &kernelG[c.ID]
	g[0] = lo
	g[1] = hi
	g[2] = lo + 1024
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
	schedChanged()
	t.WaitKind = kind
	t.WaitKey = key
	t.Deadline = deadline
	t.Woke = wakeNone
	schedule()
	t.WaitKind = waitNone
	return t.Woke
}

// wake makes a blocked thread runnable, and wakes a halted CPU to run it.
func wake(t *thread, why uint32) {
	if t.State != stBlocked {
		return
	}
	if t.WaitKind == waitFutex {
		futexQ.Remove(int(threadIndex(t))) // a timeout or a signal: off its futex queue
	}
	t.State = stRunnable
	t.Woke = why
	schedChanged()
	kickIdleCPU(t)
}

// kickIdleCPU makes sure a CPU that t may run on will look at the run queue soon: a halted
// one gets the wake-up IPI. If none is halted and this CPU may not run t, a busy one that
// may gets the IPI too: on its way back to the application it arms its time-slice timer,
// since a thread now waits for it (otherwise a thread pinned to a busy CPU could wait
// until that CPU happened to enter the kernel).
func kickIdleCPU(t *thread) {
	me := thisCPU().ID
	busy := -1
	for i := 0; i < numCPU; i++ {
		c := &cpus[i]
		if c.ID == me || c.Online == 0 || t.Affinity&(1<<c.ID) == 0 {
			continue
		}
		if c.Halted != 0 {
			c.Halted = 0
			sendIPI(c, vecWakeIPI)
			return
		}
		if busy < 0 {
			busy = i
		}
	}
	if busy >= 0 && t.Affinity&(1<<me) == 0 {
		sendIPI(&cpus[busy], vecWakeIPI)
	}
}

// timerInterrupt wakes the threads whose deadlines have passed.
func timerInterrupt() {
	nTimerIRQs++
	thisCPU().TimerArmed = 0
	schedChanged()
	now := dev.Nanotime()
	for i := 1; i < maxThreads; i++ {
		t := &threads[i]
		if t.State == stBlocked && t.Deadline != 0 && t.Deadline <= now {
			wake(t, wakeTimeout)
		}
	}
}

// armTimer programs this CPU's LAPIC timer for the earliest deadline: a sleeper's, or the
// end of the running thread's slice when others wait for a CPU.
func armTimer() {
	c := thisCPU()
	if c.ArmedGen == schedGen {
		return // nothing it depends on changed (a timer firing is a change)
	}
	c.ArmedGen = schedGen
	var next int64
	for i := 1; i < maxThreads; i++ {
		t := &threads[i]
		if t.State == stBlocked && t.Deadline != 0 && (next == 0 || t.Deadline < next) {
			next = t.Deadline
		}
	}
	if c.Current != 0 && anyRunnable() && (next == 0 || c.SliceEnd < next) {
		next = c.SliceEnd
	}
	if next == 0 {
		if c.TimerArmed != 0 {
			dev.LAPICTimerStop()
			c.TimerArmed = 0
		}
		return
	}
	if next == c.TimerArmed {
		return
	}
	c.TimerArmed = next
	dev.LAPICTimerOneShot(next - dev.Nanotime())
}

func eoi() { dev.LAPICEOI() }

// idleLoop is each CPU's home once it is up, for the life of the kernel: it hands the CPU
// to runnable threads and halts when there are none. It holds the kernel lock except
// while halted.
func idleLoop() {
	c := thisCPU()
	for {
		if liveThreads == 0 && programStarted {
			bug("idleLoop: no threads left")
		}
		if next := pickNext(); next != 0 {
			switchTo(next)
			continue
		}
		armTimer()
		c.Halted = 1
		unlockKernel()
		amd64.Hlt()
		lockKernel()
		c.Halted = 0
	}
}
