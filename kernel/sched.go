package kernel

// The scheduler: one FIFO run queue per CPU (kernel/runq), all under the kernel lock.
// Kernel code is never preempted (interrupts are off in the kernel). A thread gives up its
// CPU by blocking, by yielding (sched_yield, or a timer interrupt ending its slice while
// others wait in this CPU's queue: it goes to the back), or by exiting. A thread that
// becomes runnable joins the queue of a CPU its affinity allows (the one it last ran on if
// idle, else the least loaded); a halted CPU gets a wake-up IPI, a busy one whose queue
// was empty gets one too so that it arms its slice timer. A CPU whose queue is empty
// steals the oldest allowed thread of the longest other queue before it sits in its idle
// loop (Current == 0) and halts until an interrupt.

import (
	"github.com/unigo-os/unigo/kernel/arch/amd64"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/runq"
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

// runQ holds every runnable thread, in the queue of the CPU it waits for (kernel/runq).
// A thread is on it exactly while its state is stRunnable. Guarded by the kernel lock.
var runQ runq.Queues

const (
	_ = -uint(runq.MaxThreads - maxThreads) // compile-time checks: thread slots and CPU
	_ = -uint(runq.MaxCPUs - maxCPUs)       // numbers fit the run queues
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
	mustHoldKernel("pickNext: run queues without the kernel lock")
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
	mustHoldKernel("enqueue: run queues without the kernel lock")
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

// schedule switches to the next runnable thread, or to the idle loop. The caller has
// already set the current thread's state (runnable, blocked or dead); a runnable one goes
// to the back of this CPU's queue (another CPU's if its affinity no longer allows this
// one). A CPU about to wait behind others with nothing queued itself first steals from a
// queue with two or more waiting, which evens out the queues.
func schedule() {
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
		bug("switchTo: the current thread's state was not set") // it would be lost
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

// yield puts the current thread at the back of this CPU's queue.
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
	enqueue(threadIndex(t), false)
}

// kickIdleCPU is called when t's affinity changed: if t waits in the queue of a CPU it
// may no longer run on, it moves to one it may (and that CPU is woken). If it runs on
// another CPU it may no longer use, that CPU gets an IPI: its armTimer then ends the
// slice (anyRunnable), and schedule moves the thread. The caller handles a thread that
// runs here; a blocked one moves when it wakes.
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

// armTimer programs this CPU's LAPIC timer for the earliest deadline: that of a sleeper
// that blocked on this CPU (each CPU times its own sleepers, so one deadline does not
// interrupt every CPU), or the end of the running thread's slice when it must end
// (anyRunnable). A blocked thread stays where it blocked (t.CPU) until it wakes.
func armTimer() {
	c := thisCPU()
	if c.ArmedGen == schedGen {
		return // nothing it depends on changed (a timer firing is a change)
	}
	c.ArmedGen = schedGen
	var next int64
	for i := 1; i < maxThreads; i++ {
		t := &threads[i]
		if t.State == stBlocked && t.Deadline != 0 && uintptr(t.CPU) == c.ID && (next == 0 || t.Deadline < next) {
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
