package kernel

// The kernel lock. Kernel code on any CPU runs holding it: one lock for all kernel state,
// taken on every entry from the application and released on the way out. It is held across
// context switches (the thread switched to releases it when it returns to the application,
// as Linux's rq->lock is released by the task switched to), and dropped only by the idle
// loop around HLT. Holding it across the switch is what keeps a thread that schedule just
// put on a run queue off every other CPU until swtch has saved its stack pointer.
//
// What is per-CPU and what is not (issue 6). The data structures are split so that each
// could take a lock of its own, but today the kernel lock guards all of them:
//
//	run queues      kernel/runq: one FIFO per CPU; wakers push onto other CPUs'
//	                queues, a CPU with an empty queue steals from them
//	futex waiters   kernel/futex: 64 hash buckets; wake and requeue touch only theirs
//	free frames     kernel/mm Frames: a cache per CPU over a global pool; lockKernel
//	                calls frames.SetCPU so Alloc and Free use the lock holder's cache
//	percpu blocks   a CPU's own, except Halted, FlushTLB and PendingIRQs, which other
//	                CPUs write (see percpu.go)
//
// Not done: per-queue, per-bucket and per-cache spinlocks. Splitting them off needs the
// switch to stop depending on the kernel lock (an on-CPU flag that a CPU taking a thread
// from a queue waits on until the previous CPU's swtch has saved its SP), wake-ups from
// interrupt handlers that run without the kernel lock, and every other subsystem (fds,
// sockets, mm) under locks of its own. Until then the per-CPU structures spread the work
// and avoid table scans, but kernel code on different CPUs does not run in parallel.
//
// Lock order, outermost first. Only the kernel lock exists; the rest is the order the
// split structures must follow when they get locks (a futex wake pushes onto a run queue
// while it holds its bucket; the frame locks are leaves):
//
//	kernelLock          lockKernel; spins with interrupts on between attempts
//	  futex bucket      two for a requeue: the lower bucket first
//	    run queue       two for a steal: the lower CPU first; interrupts off
//	  frame cache       its own CPU's; another's only on the out-of-memory path
//	    frame pool
//
// Interrupt handlers that run while their CPU does not hold the kernel lock (an IPI
// arriving while it spins for the lock or halts) touch only that CPU's own block and
// record the rest in PendingIRQs for later (runPendingIRQs); the shootdown IPI is answered
// without any lock, because its sender waits for the answer while holding the kernel lock.

import "github.com/unigo-os/unigo/kernel/mm"

// kernelLock is 0 when free, 1 when held; lockOwner is the holder's CPU ID + 1.
var (
	kernelLock uint32
	lockOwner  uintptr
)

// spinLock takes l, letting interrupts in between attempts so that IPIs (TLB shootdowns)
// are answered while it waits. Returns with interrupts disabled.
func spinLock(l *uint32)

// spinUnlock releases l (a plain store: x86 keeps stores in order).
func spinUnlock(l *uint32)

// lockKernel takes the kernel lock on the running CPU and catches up with what happened
// while it waited. The frame allocator's Alloc and Free use this CPU's cache from now on.
func lockKernel() {
	spinLock(&kernelLock)
	c := thisCPU()
	lockOwner = c.ID + 1
	frames.SetCPU(int(c.ID))
	if c.FlushTLB != 0 {
		flushTLBAck(c)
	}
	runPendingIRQs(c)
}

// unlockKernel releases the kernel lock.
func unlockKernel() {
	lockOwner = 0
	spinUnlock(&kernelLock)
}

// holdsKernel reports whether the running CPU holds the kernel lock.
func holdsKernel() bool { return lockOwner == thisCPU().ID+1 }

// mustHoldKernel stops the machine (bug) if the running CPU does not hold the kernel
// lock; what names the caller and the state it was about to touch.
func mustHoldKernel(what string) {
	if !holdsKernel() {
		bug(what)
	}
}

// Frame caches are per CPU number.
const _ = -uint(mm.MaxCPUs - maxCPUs) // compile-time check: maxCPUs <= mm.MaxCPUs
