package kernel

// The kernel lock. Kernel code on any CPU runs holding it: one lock for all kernel state,
// taken on every entry from the application and released on the way out. It is held across
// context switches (the thread switched to releases it when it returns to the application),
// and dropped only by the idle loop around HLT.
//
// Lock order: the kernel lock is the only lock. Interrupt handlers that run while their
// CPU does not hold it (an IPI arriving while it spins for the lock or halts) touch only
// that CPU's own block and record the rest in PendingIRQs for later (runPendingIRQs).

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
// while it waited.
func lockKernel() {
	spinLock(&kernelLock)
	c := thisCPU()
	lockOwner = c.ID + 1
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
