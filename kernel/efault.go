package kernel

// EFAULT. Syscall handlers read and write application memory directly (one address space).
// A pointer into memory the application never mapped faults in kernel code; rather than
// stopping the machine, the syscall ends with EFAULT, as on Linux. The handler's kernel
// stack is abandoned: kernelTrap makes the IST return land in syscallFaultReturn on the
// thread's TrapFrame, which finishes the syscall as trap() would.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

func syscallFaultReturn()
func addrSyscallFaultReturn() uintptr

// badUserPointer reports whether a kernel-mode fault at addr is a syscall touching memory
// the application passed but does not have: the CPU runs a thread that is in a syscall and
// the address is not kernel memory.
func badUserPointer(c *percpu, addr uint64) bool {
	if c.Current == 0 || frameOf(c.Current).Vector != vecSyscall {
		return false
	}
	image := uint64(addrText())
	return addr < image || addr >= ramTop // below the image (page 0, nil) or beyond RAM
}

// abortSyscall rewrites the interrupted kernel context (the IST frame tf) so that the
// return from the fault continues in syscallFaultReturn on the thread's TrapFrame.
func abortSyscall(c *percpu, tf *TrapFrame) {
	nEFAULT++
	tf.RIP = uint64(addrSyscallFaultReturn())
	tf.RSP = uint64(uintptr(unsafe.Pointer(frameOf(c.Current))))
	tf.RFLAGS &^= 1 << 9 // interrupts stay off: kernel code
}

// nEFAULT counts syscalls ended by a bad pointer.
var nEFAULT uint64

// syscallAborted finishes a syscall whose handler faulted on an application pointer. It
// holds the kernel lock if the syscall does, and no other spinlock (kernelTrap checked).
func syscallAborted(tf *TrapFrame) {
	tf.RAX = uint64(linux.EFAULT.Ret())
	t := current()
	if holdsKernel() {
		releaseVolumeLocks(t) // the handler may have been inside a file system operation
		unlockKernel()
	}
	leaveKernel(t, tf)
}
