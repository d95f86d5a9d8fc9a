package kernel

// Locks. Kernel code runs with interrupts disabled, so a spinlock here is a word taken with
// XCHG and nothing more; no lock is ever held across a context switch (switchTo lets go of
// everything the switching thread holds before swtch, and the thread takes back the kernel
// lock when it runs again).
//
// The locks, outermost first (a CPU holding one may take only those below it):
//
//	kernelLock      the rest of the kernel: files, sockets, pipes, epoll, signals, devices,
//	                and the file mappings. Taken on entry by every syscall not in
//	                noKernelLock, by exceptions that become signals and by device
//	                interrupts; released on the way out and around every context switch
//	                (a sleeper gives it up).
//	  futex bucket  futexLocks[b]: that bucket's waiters (kernel/futex); two for a
//	                requeue, the lower index first. Futex calls never take kernelLock.
//	    schedLock   run queues, thread states and wake-ups, each CPU's Current and Halted,
//	                deadlines, liveThreads; see sched.go.
//	  spaceLock     the address space: regions, page table, needShootdown (mem.go). Page
//	                faults take it alone; mmap and friends inside kernelLock.
//	    frame cache kernel/mm Frames' own leaf locks (kernel/spin): a CPU's cache, then
//	    frame pool  the pool. Any CPU may allocate at any time.
//
// spaceLock and the futex and scheduler locks are never held together.
//
// What runs without the kernel lock: futex, sched_yield, the sleeps, the clocks, getpid
// and gettid, sched_getaffinity, page faults, the timer interrupt, the wake-up and
// shootdown IPIs, and the idle loop. So the Go runtime's own traffic (futex sleeps and
// wakes between Ms, osyield, usleep, heap growth) runs on every CPU at once; file and
// network calls still queue for the kernel lock.
//
// A CPU waiting for a lock keeps interrupts off and answers TLB shootdown requests itself
// (lock polls its FlushTLB flag): the shootdown's sender may hold the lock it waits for. Interrupt handlers therefore never take a lock in kernel context: kernelTrap records
// timer and device vectors in PendingIRQs, which the idle loop handles after HLT (the only
// place kernel code runs with interrupts on; the boot path's device wait is the other).
//
// Application memory touched under a spinlock (the futex word) is read with faults turned
// into a failure (loadUserU32), never with a demand fault: that takes spaceLock, which a
// CPU holding a futex bucket or schedLock must not wait for (they are not ordered).

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/arch/amd64"
	"github.com/unigo-os/unigo/kernel/mm"
	"github.com/unigo-os/unigo/kernel/spin"
)

// spinlock is a lock word (kernel/spin), its holder's CPU ID + 1, and its rank in the lock
// order.
type spinlock struct {
	word  spin.Lock
	owner uint32
	rank  uint8
}

// Ranks: a CPU may take a lock only if every lock it holds ranks lower (futex buckets:
// or the same, for a requeue's second bucket, which futexRequeue takes in index order).
// lock checks it, so an inversion stops the machine (bug) the first time any test runs
// the path, instead of deadlocking once in a while.
const (
	rankNone   = iota // a lock whose rank was never set: a bug to take
	rankKernel        // kernelLock
	rankSpace         // spaceLock
	rankFutex         // futexLocks[*]
	rankSched         // schedLock
	numRanks
)

var (
	kernelLock = spinlock{rank: rankKernel}
	schedLock  = spinlock{rank: rankSched}
)

// initLockRanks gives the locks that live in arrays their rank (kmain, before any is
// taken).
func initLockRanks() {
	for i := range futexLocks {
		futexLocks[i].rank = rankFutex
	}
}

// lock takes l, after checking the lock order; the running CPU counts the spinlocks it
// holds, by rank.
func (l *spinlock) lock() {
	c := thisCPU()
	if l.rank == rankNone || l.rank >= numRanks {
		bug("lock: a lock without a rank")
	}
	for r := l.rank; r < numRanks; r++ {
		if c.Held[r] != 0 && (r > l.rank || r != rankFutex) {
			bug("lock: lock order violated (see kernel/lock.go)")
		}
	}
	// Unlike spin.Lock, answer shootdown requests while waiting (see above). Interrupts
	// stay off.
	for !l.word.TryLock() {
		for l.word.Locked() {
			if c.FlushTLB != 0 {
				flushTLBAck(c)
			}
			amd64.Pause()
		}
	}
	l.owner = uint32(c.ID) + 1
	c.Locks++
	c.Held[l.rank]++
}

// unlock releases l, which the running CPU holds.
func (l *spinlock) unlock() {
	c := thisCPU()
	if l.owner != uint32(c.ID)+1 {
		bug("unlock: lock not held by this CPU")
	}
	l.owner = 0
	c.Locks--
	c.Held[l.rank]--
	l.word.Unlock()
}

// held reports whether the running CPU holds l.
func (l *spinlock) held() bool { return l.owner == uint32(thisCPU().ID)+1 }

// lockKernel takes the kernel lock on the running CPU and catches up with a shootdown
// asked for while it waited.
func lockKernel() {
	kernelLock.lock()
	c := thisCPU()
	if c.FlushTLB != 0 {
		flushTLBAck(c)
	}
}

// unlockKernel releases the kernel lock.
func unlockKernel() { kernelLock.unlock() }

// holdsKernel reports whether the running CPU holds the kernel lock.
func holdsKernel() bool { return kernelLock.held() }

// mustHold stops the machine (bug) if the running CPU does not hold l; what names the
// caller and the state it was about to touch.
func mustHold(l *spinlock, what string) {
	if !l.held() {
		bug(what)
	}
}

// loadUserU32 reads the application word at addr; ok is false if reading it faulted (it is
// unmapped, or not yet populated), in which case nothing was handled: the caller lets go
// of its spinlocks and calls touchUser.
func loadUserU32(addr uintptr) (v uint32, ok bool)

// loadUserFault is where kernelTrap sends a fault in loadUserU32 (through the CPU's
// FaultFixup): it returns ok = false.
func loadUserFault()

// touchUser makes the application word at addr present (a demand fault, under spaceLock)
// or reports that it cannot be (EFAULT). The caller holds no spinlock but perhaps the
// kernel lock.
func touchUser(addr uintptr) bool {
	if c := thisCPU(); c.Locks > 1 || c.Locks == 1 && !holdsKernel() {
		bug("touchUser: called holding a spinlock")
	}
	return demandFault(uint64(addr), false)
}

// Frame caches are per CPU number, which kernel/mm reads from the per-CPU block.
const (
	_ = uint(mm.MaxCPUs - maxCPUs)                           // compile-time checks: maxCPUs <= mm.MaxCPUs, and
	_ = -uint(unsafe.Offsetof(percpu{}.ID) - mm.CPUIDOffset) // mm.CPUIDOffset is where
	_ = -uint(mm.CPUIDOffset - unsafe.Offsetof(percpu{}.ID)) // percpu keeps the CPU number
)
