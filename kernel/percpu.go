package kernel

// percpu is the per-CPU block that GS points at for the kernel's whole life (Go never
// touches GS on linux/amd64). The assembly reaches the fields through go_asm.h offsets.
//
// It holds no Go pointers: kernel code must never store one (see docs/design.md).
type percpu struct {
	Self      uintptr // address of this block
	KStackTop uintptr // current thread: its FPU save area; the TrapFrame lies just below
	UserRSP   uintptr // scratch for syscallEntry
	InKernel  uintptr // nonzero while kernel code runs on this CPU
	KernelFS  uintptr // FS base while in the kernel: &kernelTLS[1]
	UserFS    uintptr // FS base of the current thread, restored on the way out
	Current   uintptr // index of the current thread in threads
	ID        uintptr // CPU number
}

// cpu0 is the boot CPU's block. Code reaches the running CPU's block through thisCPU
// (GS), never through cpu0, so that it stays right when more CPUs start.
var cpu0 percpu

// thisCPU returns the running CPU's block.
func thisCPU() *percpu
