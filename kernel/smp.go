package kernel

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/arch/amd64"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/klog"
)

// numCPU is the number of CPUs the kernel runs on (reported to the Go runtime through
// sched_getaffinity).
var numCPU = 1

// needShootdown records that a change under spaceLock removed or restricted mappings that
// other CPUs may have cached. Guarded by spaceLock.
var needShootdown bool

// flushTLBAck flushes this CPU's TLB and acknowledges the shootdown request.
func flushTLBAck(c *percpu) {
	amd64.WriteCR3(amd64.ReadCR3())
	c.FlushTLB = 0
}

// shootdown makes every other CPU drop its cached translations, and waits until they have:
// a frame freed by munmap must not stay reachable through a stale TLB entry. The caller holds
// spaceLock; the other CPUs answer from interrupt handlers, or from their spin loops if
// they wait for a lock (spinlock.lock), and need no lock to do it.
func shootdown() {
	if !needShootdown {
		return
	}
	needShootdown = false
	me := thisCPU().ID
	for i := 0; i < numCPU; i++ {
		c := &cpus[i]
		if c.ID == me || c.Online == 0 {
			continue
		}
		c.FlushTLB = 1
		sendIPI(c, vecShootdown)
	}
	for i := 0; i < numCPU; i++ {
		for cpus[i].ID != me && cpus[i].Online != 0 && loadU32(&cpus[i].FlushTLB) != 0 {
			amd64.Pause()
		}
	}
}

// sendIPI interrupts CPU c on vector.
func sendIPI(c *percpu, vector uint8) { dev.LAPICSendIPI(c.LAPICID, vector) }

// loadU32 reads a word another CPU writes. The call keeps the compiler from caching it.
//
//go:noinline
func loadU32(p *uint32) uint32 { return *p }

// apStackSize is the size of an application processor's idle-loop stack (kstack.go).
const apStackSize = 32 << 10

func apEntry()
func addrAPEntry() uintptr

// startAPs starts CPUs 1..n-1 one at a time with INIT and STARTUP IPIs. QEMU numbers APIC
// IDs 0..n-1. Each AP checks in by setting its Online flag under the kernel lock, which the
// boot CPU holds while it waits, so the wait lets go of it.
func startAPs(n int) {
	if n > maxCPUs {
		klog.Str("unigo: ")
		klog.Dec(int64(n))
		klog.Str(" CPUs requested; starting ")
		klog.Dec(maxCPUs)
		klog.Str("\n")
		n = maxCPUs
	}
	cr3 := amd64.ReadCR3()
	if cr3 >= 1<<32 {
		klog.Str("unigo: page table above 4 GiB, cannot start other CPUs\n")
		return
	}
	copyBytes(trampolineBase, uintptr(unsafe.Pointer(&trampoline[0])), trampolineLength)
	for id := 1; id < n; id++ {
		if !mapCPUStacks(id) {
			klog.Str("unigo: out of memory for the stacks of CPU ")
			klog.Dec(int64(id))
			klog.Str("; running on ")
			klog.Dec(int64(id))
			klog.Str("\n")
			return
		}
		lo, hi := cpuIdleStack(id)
		c := initPerCPU(id, lo, hi)
		c.LAPICID = uint32(id)
		setKernelStack(c, lo, hi)
		*(*uint64)(unsafe.Pointer(uintptr(trampolineBase + trampCR3Off))) = cr3
		*(*uint64)(unsafe.Pointer(uintptr(trampolineBase + trampStackOff))) = uint64(hi)
		*(*uint64)(unsafe.Pointer(uintptr(trampolineBase + trampPerCPUOff))) = uint64(c.Self)
		*(*uint64)(unsafe.Pointer(uintptr(trampolineBase + trampEntryOff))) = uint64(addrAPEntry())
		numCPU = id + 1 // the AP takes the lock and enters the idle loop as one of these

		dev.LAPICSendInit(c.LAPICID)
		spinFor(10_000)
		dev.LAPICSendStartup(c.LAPICID, trampolineBase>>12)
		if !waitOnline(c, 10_000_000) {
			dev.LAPICSendStartup(c.LAPICID, trampolineBase>>12) // the SDM's second SIPI
			// Generous: under TCG a vCPU is a host thread, which a loaded host may not run
			// for a while.
			if !waitOnline(c, 5_000_000_000) {
				klog.Str("unigo: CPU ")
				klog.Dec(int64(id))
				klog.Str(" did not start\n")
				numCPU = id
				return
			}
		}
	}
}

// waitOnline waits up to ns for CPU c to check in, letting go of the kernel lock meanwhile.
func waitOnline(c *percpu, ns int64) bool {
	deadline := dev.Nanotime() + ns
	for dev.Nanotime() < deadline {
		unlockKernel()
		spinFor(1000)
		lockKernel()
		if c.Online != 0 {
			return true
		}
	}
	return false
}

// spinFor busy-waits ns nanoseconds (boot only).
func spinFor(ns int64) {
	end := dev.Nanotime() + ns
	for dev.Nanotime() < end {
		amd64.Pause()
	}
}

// apMain is where an application processor's Go code starts, on its boot stack, with GS
// and FS set by apEntry.
//
//go:nosplit
func apMain() {
	c := thisCPU()
	setupCPU(int(c.ID))
	setupFPU()
	dev.LAPICInit(vecTimer, vecSpurious)
	lockKernel()
	c.Online = 1
	unlockKernel()
	idleLoop()
}
