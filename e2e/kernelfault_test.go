package e2e

import "testing"

// TestKernelFaultIsReported boots an image with the kernel option that makes kernel code
// touch page 0, and checks the report: vector, error code, CR2, registers, a stack, and the
// kernel-fault exit code (125) carried by the exit marker.
func TestKernelFaultIsReported(t *testing.T) {
	r := bootSelftest(t, "kernel-fault")
	wantContains(t, r, "unigo: kernel fault: page fault")
	wantMatch(t, r, `^  vector 14 error 0x0 cr2 0x8$`)
	wantMatch(t, r, `^  rip 0x[0-9a-f]+  rsp 0x[0-9a-f]+  rbp 0x[0-9a-f]+  rflags 0x[0-9a-f]+$`)
	wantMatch(t, r, `^    pc 0x[0-9a-f]+`)
	wantContains(t, r, exitMarker("125"))
	// isa-debug-exit: QEMU exits with ((125<<1)|1) & 0xff.
	wantExit(t, r, (125<<1|1)&0xff)
}

// TestLockOrderViolationStopsTheMachine boots with the kernel option that takes the
// scheduler lock and then the kernel lock (against the documented order): the order check
// in every lock acquisition must stop the machine with a kernel-bug report and exit 125,
// not let it run on towards a deadlock.
func TestLockOrderViolationStopsTheMachine(t *testing.T) {
	r := bootSelftest(t, "lock-order")
	wantContains(t, r, "unigo: kernel bug: lock: lock order violated")
	wantContains(t, r, exitMarker("125"))
	wantExit(t, r, (125<<1|1)&0xff)
}

// TestKernelStackGuardPageStopsTheMachine boots with the kernel option that reads the
// word just below the first thread's kernel stack: the guard page there must be unmapped,
// and the fault must be reported as a kernel stack overflow (exit 125), not taken for a
// bad pointer of a system call.
func TestKernelStackGuardPageStopsTheMachine(t *testing.T) {
	r := bootSelftest(t, "kstack-guard")
	wantContains(t, r, "unigo: kernel fault: page fault")
	wantMatch(t, r, `^  vector 14 error 0x0 cr2 0x7fffc000[0-9a-f]{4}$`)
	wantContains(t, r, "  kernel stack overflow: ")
	wantExit(t, r, (125<<1|1)&0xff)
}

// bootSelftest boots the hello image straight in QEMU with the kernel option
// unigo.selftest=name.
func bootSelftest(t *testing.T, name string) *result {
	t.Helper()
	requireQEMU(t)
	img := helloImage(t)
	return command(t, opts{}, qemuPath,
		"-M", "microvm,acpi=off", "-kernel", img, "-nodefaults", "-display", "none", "-serial", "stdio",
		"-no-reboot", "-device", "isa-debug-exit,iobase=0x501,iosize=2", "-accel", "tcg",
		"-append", "unigo.selftest="+name+" -- arg=hello")
}

// TestStacksFromRecycledFramesWork boots two CPUs on q35 after filling free frames with
// a pattern (unigo.selftest=poison-frames), so that the second CPU's stacks and the first
// threads' kernel stacks come from frames with stale bytes: the program must run as on a
// fresh machine. (Stacks taken unzeroed made the second CPU's first interrupt fault in
// XRSTOR, whose save area header must read zero.)
func TestStacksFromRecycledFramesWork(t *testing.T) {
	requireQEMU(t)
	img := helloImage(t)
	r := command(t, opts{}, qemuPath,
		"-M", "q35", "-smp", "2", "-cpu", "max", "-kernel", img, "-nodefaults", "-display", "none", "-serial", "stdio",
		"-no-reboot", "-device", "isa-debug-exit,iobase=0x501,iosize=2", "-accel", "tcg",
		"-append", "unigo.selftest=poison-frames unigo.cpus=2 -- arg=hello")
	wantMatch(t, r, `^unigo: selftest: \d+ free frames poisoned$`)
	wantLines(t, r, "Hello from unigo!")
	wantExit(t, r, 1) // exit 0 through isa-debug-exit: ((0<<1)|1)
}
