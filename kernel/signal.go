package kernel

// Signals, delivered as Linux delivers them: a struct rt_sigframe built on the thread's
// stack (or its sigaltstack), the handler entered with (sig, &info, &ucontext), and
// rt_sigreturn restoring the registers, the FPU state and the mask from that frame. The Go
// runtime depends on all of it: SIGURG for async preemption, SIGSEGV/SIGFPE for panics.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/klog"
)

const nsig = 64

// Signal dispositions are per process (CLONE_SIGHAND): one table.
var sigActions [nsig + 1]linux.SigAction

// unblockable signals.
const sigCantMask = 1<<(linux.SIGKILL-1) | 1<<(linux.SIGSTOP-1)

func sigBit(sig int) uint64 { return 1 << uint(sig-1) }

// sendSignal marks sig pending for t and interrupts a blocking call if t would take it.
func sendSignal(t *thread, sig int, code int32, addr uint64) {
	t.SigPending |= sigBit(sig)
	t.pendCode[sig] = code
	t.pendAddr[sig] = addr
	if sigBit(sig)&^t.SigMask == 0 {
		return
	}
	// The pending bit is set before the scheduler lock is taken: a thread about to block
	// looks at it under that lock (blockRelease), a running one on its way out.
	schedLock.lock()
	switch {
	case t.State == stBlocked:
		wakeLocked(t, wakeSignal)
	case t.State == stRunning && uintptr(t.CPU) != thisCPU().ID:
		// Running on another CPU, perhaps in a loop that never enters the kernel (what
		// SIGURG preemption is for): interrupt it so it takes the signal now.
		sendIPI(&cpus[t.CPU], vecWakeIPI)
	}
	schedLock.unlock()
}

// forceSignal delivers a signal caused by the thread's own instruction (a fault). If the
// signal is blocked or has no handler, the process dies, as on Linux.
func forceSignal(t *thread, tf *TrapFrame, sig int, code int32, addr uint64) {
	act := &sigActions[sig]
	if t.SigMask&sigBit(sig) != 0 || act.Handler == linux.SIG_DFL || act.Handler == linux.SIG_IGN {
		fatalSignal(tf, sig, addr)
	}
	sendSignal(t, sig, code, addr)
	t.FaultVector = tf.Vector
	t.FaultErr = tf.ErrCode
}

// fatalSignal ends the process killed by sig, reporting where.
func fatalSignal(tf *TrapFrame, sig int, addr uint64) {
	klog.Str("\nunigo: fatal signal ")
	klog.Dec(int64(sig))
	klog.Str(" at pc ")
	klog.Hex(tf.RIP)
	klog.Str(" addr ")
	klog.Hex(addr)
	klog.Str("\n")
	dumpRegs(tf)
	exitProcess(128 + sig)
}

// deliverSignals runs on the way back to the application: if a pending signal is not
// blocked, rewrite tf so the thread enters its handler. It also settles a system call that
// a signal interrupted (t.Restart, from ERESTARTSYS), as Linux does: the call fails with
// EINTR if a handler without SA_RESTART runs now; otherwise (a handler with SA_RESTART, a
// signal ignored, or none deliverable) it runs again once the thread is back.
func deliverSignals(t *thread, tf *TrapFrame) {
	restart := t.Restart
	t.Restart = 0
	ready := t.SigPending &^ t.SigMask
	if ready == 0 {
		restartSyscall(tf, restart)
		return
	}
	sig := 1
	for ready&1 == 0 {
		ready >>= 1
		sig++
	}
	t.SigPending &^= sigBit(sig)
	act := &sigActions[sig]
	switch act.Handler {
	case linux.SIG_IGN:
		restartSyscall(tf, restart)
		return
	case linux.SIG_DFL:
		switch sig {
		case linux.SIGCHLD, linux.SIGURG, linux.SIGWINCH, linux.SIGCONT:
			restartSyscall(tf, restart)
			return // default action: ignore
		}
		fatalSignal(tf, sig, t.pendAddr[sig])
	}
	if act.Flags&linux.SA_RESTART != 0 {
		restartSyscall(tf, restart) // before setupFrame: the handler's return lands on SYSCALL again
	} else if restart != 0 {
		tf.RAX = uint64(linux.EINTR.Ret())
	}
	setupFrame(t, tf, sig, act)
}

// restartSyscall makes the thread execute its SYSCALL instruction again (2 bytes, 0F 05,
// just before tf.RIP) with call number restart-1 in RAX; the arguments are still in their
// registers. restart 0 means no call to restart.
func restartSyscall(tf *TrapFrame, restart uint64) {
	if restart == 0 {
		return
	}
	tf.RAX = restart - 1
	tf.RIP -= 2
}

// setupFrame builds the rt_sigframe and points the thread at the handler.
func setupFrame(t *thread, tf *TrapFrame, sig int, act *linux.SigAction) {
	sp := tf.RSP - linux.RedZoneSize
	onAlt := t.AltSize != 0 && tf.RSP > uint64(t.AltSP) && tf.RSP-uint64(t.AltSP) <= uint64(t.AltSize)
	if act.Flags&linux.SA_ONSTACK != 0 && t.AltSize != 0 && t.AltFlags&linux.SS_DISABLE == 0 && !onAlt {
		sp = uint64(t.AltSP + t.AltSize)
	}
	fpstate, frame := linux.RtSigframeLayout(sp, fpuSize)

	copyBytes(uintptr(fpstate), thisCPU().KStackTop, fpuSize)

	uc := (*linux.UContext)(unsafe.Pointer(uintptr(frame + linux.RtSigframeUContextOff)))
	*(*uint64)(unsafe.Pointer(uintptr(frame))) = act.Restorer
	*uc = linux.UContext{}
	uc.Stack.Sp = uint64(t.AltSP)
	uc.Stack.Size = uint64(t.AltSize)
	uc.Stack.Flags = t.AltFlags
	if onAlt {
		uc.Stack.Flags |= linux.SS_ONSTACK
	}
	mc := &uc.Mcontext
	mc.R8, mc.R9, mc.R10, mc.R11 = tf.R8, tf.R9, tf.R10, tf.R11
	mc.R12, mc.R13, mc.R14, mc.R15 = tf.R12, tf.R13, tf.R14, tf.R15
	mc.Rdi, mc.Rsi, mc.Rbp, mc.Rbx = tf.RDI, tf.RSI, tf.RBP, tf.RBX
	mc.Rdx, mc.Rax, mc.Rcx, mc.Rsp = tf.RDX, tf.RAX, tf.RCX, tf.RSP
	mc.Rip, mc.Eflags = tf.RIP, tf.RFLAGS
	mc.Cs, mc.Ss = uint16(tf.CS), uint16(tf.SS)
	mc.Oldmask = t.SigMask
	mc.Fpstate = fpstate
	if t.pendCode[sig] > 0 { // raised by a fault (forceSignal), not sent by a thread
		mc.Trapno, mc.Err = t.FaultVector, t.FaultErr
		if tf := t.FaultVector; tf == vecPageFault {
			mc.Cr2 = t.pendAddr[sig]
		}
	}
	uc.Sigmask = linux.SigSet(t.SigMask)

	info := (*linux.SigInfo)(unsafe.Pointer(uintptr(frame + linux.RtSigframeInfoOff)))
	*info = linux.SigInfo{}
	info.Reset(int32(sig), 0, t.pendCode[sig])
	if t.pendCode[sig] <= 0 { // sent by a process (tgkill): si_pid, si_uid
		info.SetPid(int32(t.pendAddr[sig]))
	} else {
		info.SetAddr(t.pendAddr[sig])
	}

	if act.Flags&linux.SA_NODEFER == 0 {
		t.SigMask |= sigBit(sig)
	}
	t.SigMask |= uint64(act.Mask) &^ sigCantMask
	if act.Flags&linux.SA_RESETHAND != 0 {
		act.Handler = linux.SIG_DFL
	}

	tf.RSP = frame
	tf.RIP = act.Handler
	tf.RDI = uint64(sig)
	tf.RSI = frame + linux.RtSigframeInfoOff
	tf.RDX = frame + linux.RtSigframeUContextOff
	tf.RAX = 0
	tf.RFLAGS &^= 1<<8 | 1<<10 // TF, DF: handlers start with a clear direction flag
}

// sysRtSigreturn handles rt_sigreturn(2): the handler returned into sa_restorer, which
// popped the return address, so the ucontext sits at the stack pointer.
func sysRtSigreturn(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	frame := tf.RSP - 8
	uc := (*linux.UContext)(unsafe.Pointer(uintptr(frame + linux.RtSigframeUContextOff)))
	mc := &uc.Mcontext
	tf.R8, tf.R9, tf.R10, tf.R11 = mc.R8, mc.R9, mc.R10, mc.R11
	tf.R12, tf.R13, tf.R14, tf.R15 = mc.R12, mc.R13, mc.R14, mc.R15
	tf.RDI, tf.RSI, tf.RBP, tf.RBX = mc.Rdi, mc.Rsi, mc.Rbp, mc.Rbx
	tf.RDX, tf.RAX, tf.RCX, tf.RSP = mc.Rdx, mc.Rax, mc.Rcx, mc.Rsp
	tf.RIP = mc.Rip
	// Only the arithmetic and direction flags come back from the frame, as on Linux;
	// interrupts stay enabled in the application.
	const userFlags = 0xCD5 | 1<<10
	tf.RFLAGS = tf.RFLAGS&^userFlags | mc.Eflags&userFlags | 1<<9
	if mc.Fpstate != 0 {
		copyBytes(thisCPU().KStackTop, uintptr(mc.Fpstate), fpuSize)
	}
	t.SigMask = uint64(uc.Sigmask) &^ sigCantMask
	return uintptr(tf.RAX), 0
}

// sysRtSigaction handles rt_sigaction(2).
func sysRtSigaction(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	sig := int(tf.RDI)
	if sig < 1 || sig > nsig || tf.R10 != linux.SigSetSize {
		return 0, linux.EINVAL
	}
	if tf.RDX != 0 {
		*(*linux.SigAction)(unsafe.Pointer(uintptr(tf.RDX))) = sigActions[sig]
	}
	if tf.RSI != 0 {
		if sig == linux.SIGKILL || sig == linux.SIGSTOP {
			return 0, linux.EINVAL
		}
		sigActions[sig] = *(*linux.SigAction)(unsafe.Pointer(uintptr(tf.RSI)))
	}
	return 0, 0
}

// sysRtSigprocmask handles rt_sigprocmask(2).
func sysRtSigprocmask(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if tf.R10 != linux.SigSetSize {
		return 0, linux.EINVAL
	}
	old := t.SigMask
	if tf.RSI != 0 {
		set := *(*uint64)(unsafe.Pointer(uintptr(tf.RSI)))
		switch tf.RDI {
		case linux.SIG_BLOCK:
			t.SigMask |= set
		case linux.SIG_UNBLOCK:
			t.SigMask &^= set
		case linux.SIG_SETMASK:
			t.SigMask = set
		default:
			return 0, linux.EINVAL
		}
		t.SigMask &^= sigCantMask
	}
	if tf.RDX != 0 {
		*(*uint64)(unsafe.Pointer(uintptr(tf.RDX))) = old
	}
	return 0, 0
}

// sysSigaltstack handles sigaltstack(2).
func sysSigaltstack(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	onAlt := t.AltSize != 0 && tf.RSP > uint64(t.AltSP) && tf.RSP-uint64(t.AltSP) <= uint64(t.AltSize)
	if tf.RSI != 0 {
		old := (*linux.StackT)(unsafe.Pointer(uintptr(tf.RSI)))
		old.Sp = uint64(t.AltSP)
		old.Size = uint64(t.AltSize)
		old.Flags = t.AltFlags
		if t.AltSize == 0 {
			old.Flags = linux.SS_DISABLE
		}
		if onAlt {
			old.Flags = linux.SS_ONSTACK
		}
	}
	if tf.RDI != 0 {
		if onAlt {
			return 0, linux.EPERM
		}
		ss := *(*linux.StackT)(unsafe.Pointer(uintptr(tf.RDI)))
		if ss.Flags&linux.SS_DISABLE != 0 {
			t.AltSP, t.AltSize, t.AltFlags = 0, 0, linux.SS_DISABLE
			return 0, 0
		}
		if ss.Size < linux.MINSIGSTKSZ {
			return 0, linux.ENOMEM
		}
		t.AltSP, t.AltSize, t.AltFlags = uintptr(ss.Sp), uintptr(ss.Size), 0
	}
	return 0, 0
}

// sysTgkill handles tgkill(2) and tkill(2): signals between the program's own threads.
func sysTgkill(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	tid, sig := int32(tf.RSI), int(tf.RDX)
	if tf.Vector == vecSyscall && tf.RAX == linux.SYS_tkill {
		tid, sig = int32(tf.RDI), int(tf.RSI)
	}
	if sig < 0 || sig > nsig {
		return 0, linux.EINVAL
	}
	target := findTID(tid)
	if target == nil {
		return 0, linux.ESRCH
	}
	if sig != 0 {
		sendSignal(target, sig, linux.SI_TKILL, 1)
	}
	return 0, 0
}

// sysKill handles kill(2). There is one process (pid 1), so pid 1, 0 (its group) and -1
// (every process it may signal) all name it, and every other pid is ESRCH. A process-
// directed signal goes to a thread that does not block it, as on Linux, or stays pending
// on the caller when every thread blocks it. Signal 0 only checks that the process exists.
func sysKill(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	pidArg, sig := int32(tf.RDI), int(tf.RSI)
	if sig < 0 || sig > nsig {
		return 0, linux.EINVAL
	}
	if pidArg != pid && pidArg != 0 && pidArg != -1 && pidArg != -pid {
		return 0, linux.ESRCH
	}
	if sig == 0 {
		return 0, 0
	}
	target := t
	if sigBit(sig)&t.SigMask != 0 {
		for i := range usedSlots() {
			if o := &threads[i]; (o.State == stRunnable || o.State == stRunning || o.State == stBlocked) && sigBit(sig)&o.SigMask == 0 {
				target = o
				break
			}
		}
	}
	sendSignal(target, sig, linux.SI_USER, 0)
	return 0, 0
}
