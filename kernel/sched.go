package kernel

// The scheduler: one FIFO run queue per CPU (kernel/runq), under schedLock. Kernel code is
// never preempted (interrupts are off in the kernel). A thread gives up its CPU by
// blocking, by yielding (sched_yield, or a timer interrupt ending its slice while others
// wait in this CPU's queue: it goes to the back), or by exiting. A thread that becomes
// runnable joins the queue of a CPU its affinity allows (the one it last ran on if idle,
// else the least loaded); a halted CPU gets a wake-up IPI, a busy one whose queue was empty
// gets one too so that it arms its slice timer. A CPU whose queue is empty steals the
// oldest allowed thread of the longest other queue before it sits in its idle loop
// (Current == 0) and halts until an interrupt.
//
// No lock is held across a context switch. switchTo drops schedLock (and the kernel lock,
// if the thread held it) before swtch, so a thread just put on a run queue can be taken
// by another CPU before this one has saved its stack pointer: the taker waits for the
// thread's OnCPU flag, which swtch clears once SavedSP is written and SP is off the
// thread's stack.

import (
	"github.com/unigo-os/unigo/kernel/arch/amd64"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/runq"
)

const timeSlice = 4_000_000 // ns; the Go runtime's sysmon preempts goroutines after 10 ms

// liveThreads counts threads that have not exited; programStarted is set once the first
// one exists. Guarded by schedLock.
var (
	liveThreads    int
	programStarted bool
)

// runQ holds every runnable thread, in the queue of the CPU it waits for (kernel/runq).
// A thread is on it exactly while its state is stRunnable. Guarded by schedLock.
var runQ runq.Queues

const (
	_ = uint(runq.MaxThreads - maxThreads) // compile-time checks: thread slots and CPU
	_ = uint(runq.MaxCPUs - maxCPUs)       // numbers fit the run queues
)

// anyRunnable reports whether the running thread's time slice must end: a thread waits in
// this CPU's queue, or the running thread's affinity no longer allows this CPU (it moves
// when the slice ends; see kickIdleCPU).
func anyRunnable() bool {
	c := thisCPU()
	return runQ.Len(int(c.ID)) > 0 || c.Current != 0 && threads[c.Current].Affinity&(1<<c.ID) == 0
}

// pickNext takes the next thread to run on this CPU off the run queues: the front of its
// own, or else one stolen from the longest other queue that has a thread allowed here;
// 0 (idle) if there is none.
func pickNext() uintptr {
	mustHold(&schedLock, "pickNext: run queues without the scheduler lock")
	me := int(thisCPU().ID)
	next := runQ.Pop(me)
	if next == 0 {
		return steal(1)
	}
	if threads[next].State != stRunnable {
		bug("pickNext: a queued thread is not runnable")
	}
	return uintptr(next)
}

// steal takes a thread for this CPU from the longest other queue that holds at least min
// threads and one allowed here (runq.Steal), or returns 0.
func steal(min int) uintptr {
	next := runQ.Steal(int(thisCPU().ID), min)
	if next != 0 && threads[next].State != stRunnable {
		bug("steal: a queued thread is not runnable")
	}
	return uintptr(next)
}

// enqueue puts runnable thread i on the run queue of a CPU it may run on (runq.Place: the
// CPU it last ran on if that is idle, else the least loaded; with local set, this CPU when
// allowed) and makes sure that CPU notices.
func enqueue(i uintptr, local bool) {
	mustHold(&schedLock, "enqueue: run queues without the scheduler lock")
	t := &threads[i]
	c := thisCPU()
	me := int(c.ID)
	cpu := me
	if !local || t.Affinity&(1<<c.ID) == 0 {
		var idle uint64
		for k := 0; k < numCPU; k++ {
			if cpus[k].Online != 0 && cpus[k].Current == 0 {
				idle |= 1 << k
			}
		}
		cpu = runQ.Place(t.Affinity, int(t.CPU), me, onlineMask(), idle)
		if cpu < 0 {
			bug("enqueue: thread may run on no online CPU")
		}
	}
	runQ.Push(cpu, int(i), t.Affinity)
	if cpu == me {
		return // this CPU looks at its queue before it leaves the kernel
	}
	o := &cpus[cpu]
	switch {
	case o.Halted != 0:
		o.Halted = 0
		sendIPI(o, vecWakeIPI)
	case o.Current != 0 && runQ.Len(cpu) == 1:
		// Busy in the application, perhaps with no timer armed: the IPI brings it into
		// the kernel, where armTimer ends its slice for the thread now waiting.
		sendIPI(o, vecWakeIPI)
	}
	// Otherwise it is in its idle loop, not halted (it checks its queue before halting),
	// or already has threads waiting (its slice timer is armed).
}

// schedule switches to the next runnable thread, or to the idle loop. The caller holds
// schedLock and has already set the current thread's state (runnable, blocked or dead);
// schedule releases the lock, whether it switches or not. A runnable thread goes to the
// back of this CPU's queue (another CPU's if its affinity no longer allows this one). A
// CPU about to wait behind others with nothing queued itself first steals from a queue
// with two or more waiting, which evens out the queues.
func schedule() {
	mustHold(&schedLock, "schedule: without the scheduler lock")
	c := thisCPU()
	cur := c.Current
	if cur != 0 && threads[cur].State == stRunnable {
		if runQ.Len(int(c.ID)) == 0 {
			if s := steal(2); s != 0 {
				enqueue(cur, true)
				switchTo(s)
				return
			}
		}
		enqueue(cur, true)
	}
	next := pickNext()
	if next == cur {
		threads[cur].State = stRunning
		schedLock.unlock()
		return
	}
	switchTo(next)
}

// switchTo makes slot next the running thread and continues on its kernel stack (slot 0:
// this CPU's idle loop). The caller holds schedLock; switchTo releases it, and the kernel
// lock too if the calling thread holds it, before the switch, and takes the kernel lock
// back when the calling thread is switched back in (possibly on another CPU).
func switchTo(next uintptr) {
	c := thisCPU()
	cur := c.Current
	if cur != 0 && threads[cur].State == stRunning {
		bug("switchTo: the current thread's state was not set") // it would be lost
	}
	save, done := &c.IdleSP, &c.IdleOnCPU
	if cur != 0 {
		save, done = &threads[cur].SavedSP, &threads[cur].OnCPU
	}
	if next != 0 {
		n := &threads[next]
		n.State = stRunning
		n.CPU = uint32(c.ID)
		c.KStackTop = kstackTop(next)
		c.UserFS = n.FS
		c.SliceEnd = dev.Nanotime() + timeSlice
	}
	c.Current = next
	count(statSwitches)
	schedLock.unlock()
	kernel := holdsKernel()
	if kernel {
		unlockKernel()
	}
	if c.Locks != 0 {
		bug("switchTo: a spinlock is held across the switch")
	}
	to := c.IdleSP
	if next != 0 {
		// next may still be switching out on the CPU it last ran on: wait until that
		// CPU's swtch has written its SavedSP and left its stack.
		n := &threads[next]
		for loadU32(&n.OnCPU) != 0 {
			if c.FlushTLB != 0 {
				flushTLBAck(c) // as lock does: a shootdown may be waiting on this CPU
			}
			amd64.Pause()
		}
		n.OnCPU = 1
		to = n.SavedSP
	}
	// Last, with no call after it but swtch: Go's stack checks now see next's stack.
	if next != 0 {
		setKernelStack(c, kstackTop(next)+fpuSize-kstackSize, kstackTop(next))
	} else {
		setKernelStack(c, c.IdleLo, c.IdleHi)
	}
	swtch(save, to, done)
	// Running again as cur; c may be another CPU's block now.
	if kernel {
		lockKernel()
	}
}

// setKernelStack tells Go's stack checks (through the CPU's kernelG) which stack kernel
// code runs on.
func setKernelStack(c *percpu, lo, hi uintptr) {
	g := &kernelG[c.ID]
	g[0] = lo
	g[1] = hi
	g[2] = lo + 1024
}

// yield puts the current thread at the back of this CPU's queue.
func yield() {
	schedLock.lock()
	threads[thisCPU().Current].State = stRunnable
	schedule()
}

// block puts the current thread to sleep until wake is called for it or the deadline
// (monotonic ns, 0 = none) passes. It returns why it woke.
func block(kind uint32, key uintptr, deadline int64) uint32 {
	return blockRelease(kind, key, deadline, nil)
}

// blockRelease is block for a caller that holds the spinlock release (a futex bucket),
// which guards the condition it sleeps on: the lock is let go only once the thread is
// marked blocked, so a waker that takes it afterwards finds the thread to wake.
func blockRelease(kind uint32, key uintptr, deadline int64, release *spinlock) uint32 {
	t := current()
	schedLock.lock()
	if t.SigPending&^t.SigMask != 0 {
		schedLock.unlock()
		if release != nil {
			release.unlock()
		}
		return wakeSignal
	}
	t.State = stBlocked
	t.WaitKind = kind
	t.WaitKey = key
	t.Deadline = deadline
	t.Woke = wakeNone
	if deadline != 0 { // this CPU times it (armTimer)
		c := thisCPU()
		c.Sleepers++
		if c.Sleepers == 1 || deadline < c.Earliest {
			c.Earliest = deadline
		}
	}
	if release != nil {
		release.unlock()
	}
	schedule()
	t.WaitKind = waitNone
	return t.Woke
}

// wake makes a blocked thread runnable, and wakes a halted CPU to run it.
func wake(t *thread, why uint32) {
	schedLock.lock()
	wakeLocked(t, why)
	schedLock.unlock()
}

// wakeLocked is wake for a caller that holds schedLock. A futex waiter stays on its futex
// queue: it takes itself off when it runs (futexWait), under its bucket's lock, which
// this caller may not take.
func wakeLocked(t *thread, why uint32) {
	if t.State != stBlocked {
		return
	}
	if t.Deadline != 0 { // one sleeper fewer for the CPU it blocked on
		o := &cpus[t.CPU]
		if o.Sleepers--; o.Sleepers == 0 {
			o.Earliest = 0
		}
	}
	t.State = stRunnable
	t.Woke = why
	enqueue(threadIndex(t), false)
}

// wakeWaiting wakes every thread blocked in one of kinds (a set of 1<<waitX bits) on key,
// or on any key if anyKey. The caller holds the kernel lock, as did every such sleeper
// until it was marked blocked, so a first pass without schedLock sees them all; the lock
// is taken only when there is someone to wake.
func wakeWaiting(kinds uint32, key uintptr, anyKey bool) {
	if !anyWaiting(kinds, key, anyKey) {
		return
	}
	schedLock.lock()
	for i := 1; i < usedSlots(); i++ {
		if t := &threads[i]; waitingFor(t, kinds, key, anyKey) {
			wakeLocked(t, wakeNormal)
		}
	}
	schedLock.unlock()
}

// anyWaiting reports whether some thread is blocked as wakeWaiting's arguments describe.
func anyWaiting(kinds uint32, key uintptr, anyKey bool) bool {
	for i := 1; i < usedSlots(); i++ {
		if waitingFor(&threads[i], kinds, key, anyKey) {
			return true
		}
	}
	return false
}

// waitingFor reports whether t is blocked in one of kinds on key (any key if anyKey).
func waitingFor(t *thread, kinds uint32, key uintptr, anyKey bool) bool {
	return t.State == stBlocked && kinds&(1<<t.WaitKind) != 0 && (anyKey || t.WaitKey == key)
}

// kickIdleCPU is called when t's affinity changed: if t waits in the queue of a CPU it
// may no longer run on, it moves to one it may (and that CPU is woken). If it runs on
// another CPU it may no longer use, that CPU gets an IPI: its armTimer then ends the
// slice (anyRunnable), and schedule moves the thread. The caller handles a thread that
// runs here; a blocked one moves when it wakes. The caller holds schedLock.
func kickIdleCPU(t *thread) {
	i := threadIndex(t)
	if t.State == stRunning && uintptr(t.CPU) != thisCPU().ID && t.Affinity&(1<<t.CPU) == 0 {
		sendIPI(&cpus[t.CPU], vecWakeIPI)
		return
	}
	if cpu, ok := runQ.On(int(i)); ok && t.Affinity&(1<<cpu) == 0 {
		runQ.Remove(int(i))
		enqueue(i, false)
	} else if ok {
		runQ.Remove(int(i)) // same queue, new mask for Steal (it goes to the back)
		runQ.Push(cpu, int(i), t.Affinity)
	}
}

// timerInterrupt wakes the threads whose deadlines have passed, and sets every CPU's
// Earliest to its exact value again (a wake before the deadline leaves it too early, which
// costs one early interrupt, here).
func timerInterrupt() {
	count(statTimerIRQs)
	thisCPU().TimerArmed = 0
	schedLock.lock()
	now := dev.Nanotime()
	var earliest [maxCPUs]int64
	var sleepers [maxCPUs]uint32
	for i := 1; i < usedSlots(); i++ {
		t := &threads[i]
		if t.State != stBlocked || t.Deadline == 0 {
			continue
		}
		if t.Deadline <= now {
			wakeLocked(t, wakeTimeout)
			continue
		}
		if k := t.CPU; sleepers[k] == 0 || t.Deadline < earliest[k] {
			earliest[k] = t.Deadline
		}
		sleepers[t.CPU]++
	}
	for k := 0; k < numCPU; k++ {
		if cpus[k].Sleepers != sleepers[k] {
			bug("timerInterrupt: a CPU's sleeper count is wrong")
		}
		cpus[k].Earliest = earliest[k]
	}
	schedLock.unlock()
}

// armTimer programs this CPU's LAPIC timer for the earliest deadline: that of a sleeper
// that blocked on this CPU (each CPU times its own sleepers, so one deadline does not
// interrupt every CPU), or the end of the running thread's slice when it must end
// (anyRunnable). A blocked thread stays where it blocked (t.CPU) until it wakes.
//
// It takes no lock. Sleepers and Earliest grow only on this CPU (a thread that blocks
// here); other CPUs only take sleepers away or recompute Earliest exactly, so a stale
// read arms the timer too early, never too late. A thread pushed onto this CPU's queue
// by another CPU comes with a wake-up IPI, whose exit runs armTimer again.
func armTimer() {
	c := thisCPU()
	var next int64
	if c.Sleepers != 0 {
		next = c.Earliest
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
// to runnable threads, handles the interrupts that woke it, and halts when there is
// nothing to do. It holds no lock while it halts.
func idleLoop() {
	c := thisCPU()
	for {
		if liveThreads == 0 && programStarted {
			bug("idleLoop: no threads left")
		}
		runPendingIRQs(c)
		schedLock.lock()
		if next := pickNext(); next != 0 {
			switchTo(next) // releases schedLock
			continue
		}
		armTimer()
		c.Halted = 1
		schedLock.unlock()
		amd64.Hlt() // STI; HLT; CLI: a wake-up IPI sent since the unlock ends it at once
		c.Halted = 0
	}
}
