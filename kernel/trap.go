package kernel

// This file runs in trap context: it must not allocate, must not write Go pointers to
// memory, and runs with interrupts disabled on a kernel or IST stack.

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/arch/amd64"
	"github.com/unigo-os/unigo/kernel/klog"
)

// TrapFrame is what the entry code saves: the general registers (pushed by commonEntry in
// reverse order), then the vector, the error code and the CPU's interrupt frame.
type TrapFrame struct {
	R15, R14, R13, R12, R11, R10, R9, R8 uint64
	RBP, RDI, RSI, RDX, RCX, RBX, RAX    uint64
	Vector, ErrCode                      uint64
	RIP, CS, RFLAGS, RSP, SS             uint64
}

// Interrupt vectors.
const (
	vecDivide     = 0
	vecDebug      = 1
	vecBreakpoint = 3
	vecInvalidOp  = 6
	vecDoubleFlt  = 8
	vecGP         = 13
	vecPageFault  = 14
	vecX87        = 16
	vecSIMD       = 19
	vecTimer      = 32
	vecWakeIPI    = 0xF0 // another CPU made a thread runnable: leave HLT and look
	vecShootdown  = 0xF1 // another CPU changed mappings: flush the TLB and acknowledge
	vecSpurious   = 255
	vecSyscall    = 256
)

// Page-fault error code bits.
const (
	pfPresent = 1 << 0
	pfWrite   = 1 << 1
	pfFetch   = 1 << 4
)

// trap handles every entry from application code, on the current thread's kernel stack.
// Which locks it takes depends on the entry: see lock.go.
//
//go:nosplit
func trap(tf *TrapFrame) {
	switch tf.Vector {
	case vecShootdown:
		flushTLBAck(thisCPU())
		eoi()
		return
	case vecSpurious:
		return
	}
	// Interrupts are acknowledged first: while the wake-up IPI is in service, the LAPIC
	// holds back the shootdown IPI (same priority class) that another CPU may wait on.
	if tf.Vector >= 32 && tf.Vector != vecSyscall {
		eoi()
	}
	t := current()
	switch {
	case tf.Vector == vecSyscall:
		doSyscall(t, tf)
	case tf.Vector == vecPageFault:
		// Demand paging runs under spaceLock alone; only a fault that becomes a signal
		// (or runs out of memory) needs the kernel lock.
		cr2 := amd64.ReadCR2()
		if r := fault(cr2, tf.ErrCode&pfWrite != 0); r != faultMapped {
			lockKernel()
			pageFaultFailed(t, tf, r, cr2)
			unlockKernel()
		}
	case tf.Vector < 32:
		lockKernel()
		appException(t, tf)
		unlockKernel()
	default:
		// The wake-up IPI needs nothing here: it brought this CPU into the kernel so that
		// leaveKernel looks at its signals and timer.
		interrupt(tf.Vector)
		// A device may have woken a thread (a frame arrived): let it run now.
		if (tf.Vector == vecTimer || tf.Vector >= vecDeviceFirst && tf.Vector <= vecDeviceLast) && anyRunnable() {
			yield()
		}
	}
	leaveKernel(t, tf)
}

// leaveKernel is the last step of every trap back to the application: it delivers a
// pending signal and sets this CPU's timer. The CPU holds no lock when it returns.
func leaveKernel(t *thread, tf *TrapFrame) {
	if t.SigPending&^t.SigMask != 0 || t.Restart != 0 {
		lockKernel()
		deliverSignals(t, tf)
		unlockKernel()
	}
	armTimer()
	if thisCPU().Locks != 0 {
		bug("leaveKernel: returning to the application holding a spinlock")
	}
}

// interrupt handles a timer or device interrupt; the caller has sent the EOI and holds no
// lock. Device handlers run under the kernel lock (driver and file state).
func interrupt(v uint64) {
	switch {
	case v == vecTimer:
		timerInterrupt()
	case v >= vecDeviceFirst && v <= vecDeviceLast:
		took := !holdsKernel()
		if took {
			lockKernel()
		}
		deviceInterrupt(v) // devices.go
		if took {
			unlockKernel()
		}
	}
}

// kernelTrap handles an interrupt or exception that arrived while kernel code was running
// (the idle loop's HLT, or a fault on application memory in a syscall), on the IST stack.
// It never switches threads and never takes a lock for an interrupt: the interrupted code
// may hold one.
//
//go:nosplit
func kernelTrap(tf *TrapFrame) {
	c := thisCPU()
	switch tf.Vector {
	case vecPageFault:
		cr2 := amd64.ReadCR2()
		if c.FaultFixup != 0 {
			tf.RIP = uint64(c.FaultFixup) // loadUserU32: report the fault instead
			c.FaultFixup = 0
			return
		}
		// Kernel code may touch application memory that was never used (syscall buffers):
		// that is an ordinary demand fault, under spaceLock, which the faulting code may
		// not hold already, nor any spinlock but the kernel lock above it. A fault among
		// the kernel stacks is none of that: a stack ran into its guard page.
		if !inKStacks(cr2) && (c.Locks == 0 || c.Locks == 1 && holdsKernel()) {
			if demandFault(cr2, tf.ErrCode&pfWrite != 0) {
				return
			}
			if badUserPointer(c, cr2) {
				abortSyscall(c, tf) // syscallAborted lets go of the kernel lock if held
				return
			}
		}
		kernelFault(tf, cr2)
	case vecShootdown:
		flushTLBAck(c)
		eoi()
		return
	case vecWakeIPI:
		eoi()
		return
	case vecSpurious:
		return
	}
	if tf.Vector < 32 {
		kernelFault(tf, amd64.ReadCR2())
	}
	eoi()
	// Handled once the interrupted code is done: the idle loop after HLT (the only place
	// kernel code runs with interrupts on), or the boot path's device wait.
	c.PendingIRQs[tf.Vector/64] |= 1 << (tf.Vector % 64)
}

// runPendingIRQs handles the interrupts kernelTrap recorded. The caller holds no spinlock
// but perhaps the kernel lock.
func runPendingIRQs(c *percpu) {
	for w := range c.PendingIRQs {
		for c.PendingIRQs[w] != 0 {
			b := uint64(0)
			for c.PendingIRQs[w]&(1<<b) == 0 {
				b++
			}
			c.PendingIRQs[w] &^= 1 << b
			interrupt(uint64(w)*64 + b)
		}
	}
}

// appException turns a CPU exception raised by application code (other than a page fault
// demand paging resolved) into a signal, as Linux does.
func appException(t *thread, tf *TrapFrame) {
	switch tf.Vector {
	case vecDivide:
		forceSignal(t, tf, linux.SIGFPE, linux.FPE_INTDIV, tf.RIP)
	case vecX87, vecSIMD:
		forceSignal(t, tf, linux.SIGFPE, linux.FPE_FLTINV, tf.RIP)
	case vecInvalidOp:
		forceSignal(t, tf, linux.SIGILL, linux.ILL_ILLOPN, tf.RIP)
	case vecGP:
		forceSignal(t, tf, linux.SIGSEGV, linux.SI_KERNEL, 0)
	case vecBreakpoint, vecDebug:
		forceSignal(t, tf, linux.SIGTRAP, linux.SI_KERNEL, tf.RIP)
	default:
		kernelFault(tf, amd64.ReadCR2())
	}
}

// pageFaultFailed raises the signal for an application page fault that fault could not
// resolve (r), or stops the machine when memory ran out.
func pageFaultFailed(t *thread, tf *TrapFrame, r int, cr2 uint64) {
	switch r {
	case faultAccess:
		forceSignal(t, tf, linux.SIGSEGV, linux.SEGV_ACCERR, cr2)
	case faultOOM:
		outOfMemory("page fault", cr2)
	default:
		forceSignal(t, tf, linux.SIGSEGV, linux.SEGV_MAPERR, cr2)
	}
}

var vectorNames = [...]string{
	0: "divide error", 1: "debug", 2: "NMI", 3: "breakpoint", 4: "overflow", 5: "bound range",
	6: "invalid opcode", 7: "device not available", 8: "double fault", 10: "invalid TSS",
	11: "segment not present", 12: "stack fault", 13: "general protection", 14: "page fault",
	16: "x87 error", 17: "alignment check", 18: "machine check", 19: "SIMD error",
}

// kernelFault reports a fault in kernel code and stops the machine. The host CLI
// symbolizes the addresses it prints.
func kernelFault(tf *TrapFrame, cr2 uint64) {
	klog.Str("\nunigo: kernel fault: ")
	if tf.Vector < uint64(len(vectorNames)) && vectorNames[tf.Vector] != "" {
		klog.Str(vectorNames[tf.Vector])
	} else {
		klog.Str("vector ")
		klog.Dec(int64(tf.Vector))
	}
	klog.Str("\n  vector ")
	klog.Dec(int64(tf.Vector))
	klog.Str(" error ")
	klog.Hex(tf.ErrCode)
	klog.Str(" cr2 ")
	klog.Hex(cr2)
	klog.Str("\n")
	if tf.Vector == vecPageFault && inKStacks(cr2) {
		klog.Str("  kernel stack overflow: the address is among the kernel stacks, where only guard pages and unused slots are unmapped\n")
	}
	dumpRegs(tf)
	klog.Str("  stack:\n")
	klog.Str("    pc ")
	klog.Hex(tf.RIP)
	klog.Str("\n")
	walkFrames(tf.RBP)
	haltWithCode(exitKernelFault)
}

func dumpRegs(tf *TrapFrame) {
	reg := func(name string, v uint64) {
		klog.Str("  ")
		klog.Str(name)
		klog.Str(" ")
		klog.Hex(v)
	}
	reg("rip", tf.RIP)
	reg("rsp", tf.RSP)
	reg("rbp", tf.RBP)
	reg("rflags", tf.RFLAGS)
	klog.Str("\n")
	reg("rax", tf.RAX)
	reg("rbx", tf.RBX)
	reg("rcx", tf.RCX)
	reg("rdx", tf.RDX)
	klog.Str("\n")
	reg("rsi", tf.RSI)
	reg("rdi", tf.RDI)
	reg("r8", tf.R8)
	reg("r9", tf.R9)
	klog.Str("\n")
	reg("r10", tf.R10)
	reg("r11", tf.R11)
	reg("r12", tf.R12)
	reg("r13", tf.R13)
	klog.Str("\n")
	reg("r14", tf.R14)
	reg("r15", tf.R15)
	reg("fs", uint64(thisCPU().UserFS))
	reg("thread", uint64(thisCPU().Current))
	reg("vector", tf.Vector)
	reg("error", tf.ErrCode)
	klog.Str("\n")
}

// walkFrames follows the frame-pointer chain (Go keeps frame pointers on amd64) and prints
// each return address, as long as the chain stays inside identity-mapped RAM.
func walkFrames(bp uint64) {
	for i := 0; i < 32 && bp >= 0x1000 && bp < ramTop && bp&7 == 0; i++ {
		ret := readU64(uintptr(bp + 8))
		klog.Str("    pc ")
		klog.Hex(ret)
		klog.Str("\n")
		bp = readU64(uintptr(bp))
	}
}
