package kernel

import "unsafe"

// maxCPUs bounds the CPUs the kernel will start.
const maxCPUs = 64 // affinity masks are one uint64

// percpu is the per-CPU block that GS points at for the kernel's whole life (Go never
// touches GS on linux/amd64). The assembly reaches the fields through go_asm.h offsets.
//
// It holds no Go pointers: kernel code must never store one (see docs/design.md). Fields
// other CPUs read or write are marked; the rest belong to the CPU itself.
type percpu struct {
	Self      uintptr // address of this block
	KStackTop uintptr // current thread: its FPU save area; the TrapFrame lies just below
	UserRSP   uintptr // scratch for syscallEntry
	InKernel  uintptr // nonzero while kernel code runs on this CPU
	KernelFS  uintptr // FS base while in the kernel: &kernelTLS[id][1]
	UserFS    uintptr // FS base of the current thread, restored on the way out
	Current   uintptr // index of the current thread in threads; 0 = this CPU's idle loop
	ID        uintptr // CPU number (index in cpus)
	KernelG   uintptr // &kernelG[id]: the fake g whose stack bounds Go's prologues check

	IdleSP         uintptr // the idle loop's kernel SP while a thread runs
	IdleLo, IdleHi uintptr // the idle loop's stack
	LAPICID        uint32
	Online         uint32 // set by the CPU once it runs the idle loop (read by others)

	SliceEnd   int64 // when the running thread's time slice ends
	TimerArmed int64 // deadline the LAPIC timer is set for, 0 = none

	Locks      uint32          // spinlocks this CPU holds (lock.go); 0 whenever it switches threads
	Held       [numRanks]uint8 // of those, how many of each rank (the lock-order check)
	FaultFixup uintptr         // where a fault in loadUserU32 continues; 0 = none armed
	IdleOnCPU  uint32          // swtch's "switched out" flag for the idle loop (nobody waits on it)

	PendingIRQs [4]uint64        // timer and device vectors taken in kernel context, not yet handled
	Count       [numStats]uint64 // event counters (util.go), summed over CPUs by printStats

	// Written by other CPUs, under the scheduler lock or atomically.
	Halted   uint32 // in the idle loop's HLT: new work needs a wake-up IPI
	FlushTLB uint32 // another CPU changed mappings: flush, then clear (the ack)
	Sleepers uint32 // threads blocked on this CPU with a deadline (armTimer)
	Earliest int64  // no later than the earliest of their deadlines; 0 with no sleepers
}

// cpus holds every CPU's block; cpus[0] is the boot CPU. Code reaches the running CPU's
// block through thisCPU (GS), so that it is right on every CPU.
var cpus [maxCPUs]percpu

// thisCPU returns the running CPU's block.
func thisCPU() *percpu

// initPerCPU fills in the fixed fields of CPU id's block.
func initPerCPU(id int, lo, hi uintptr) *percpu {
	c := &cpus[id]
	c.Self = uintptr(unsafe.Pointer(c))
	c.ID = uintptr(id)
	c.KernelFS = uintptr(unsafe.Pointer(&kernelTLS[id][1]))
	c.KernelG = uintptr(unsafe.Pointer(&kernelG[id]))
	c.InKernel = 1
	c.IdleLo, c.IdleHi = lo, hi
	kernelTLS[id][0] = c.KernelG
	return c
}
