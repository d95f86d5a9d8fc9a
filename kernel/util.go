package kernel

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/arch/amd64"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/klog"
)

// Exit codes for deaths that are the kernel's, not the program's.
const (
	exitKernelFault = 125
	exitOOM         = 126
)

func copyBytes(dst, src, n uintptr) {
	copy(unsafe.Slice((*byte)(unsafe.Pointer(dst)), n), unsafe.Slice((*byte)(unsafe.Pointer(src)), n))
}

func zeroBytes(p, n uintptr) {
	b := unsafe.Slice((*byte)(unsafe.Pointer(p)), n)
	for i := range b {
		b[i] = 0
	}
}

func copyString(dst uintptr, s string) {
	copy(unsafe.Slice((*byte)(unsafe.Pointer(dst)), len(s)), s)
}

func readU64(p uintptr) uint64 { return *(*uint64)(unsafe.Pointer(p)) }

// bug reports a broken kernel invariant and stops the machine.
func bug(msg string) {
	klog.Str("\nunigo: kernel bug: ")
	klog.Str(msg)
	klog.Str("\n")
	haltWithCode(exitKernelFault)
}

// exitProcess ends the program with status code: the console marker carries the exact
// code to the host (docs/design.md, "Exit codes"), then isa-debug-exit powers off.
func exitProcess(code int) {
	if statsOn {
		printStats()
	}
	klog.Str("\x1b]777;unigo-exit=")
	klog.Dec(int64(code))
	klog.Str("\x07")
	dev.Exit(uint8(code))
	for {
		amd64.Cli()
		amd64.Hlt()
	}
}

// haltWithCode ends the machine after a kernel-side failure.
func haltWithCode(code int) { exitProcess(code) }

// statsOn is set by the kernel option unigo.stats: the counters are printed at exit.
var statsOn bool

// Event counters. Each CPU counts in its own block (percpu.Count), with plain increments
// no other CPU races with; printStats adds them up.
const (
	statSyscalls = iota
	statFaults
	statTimerIRQs
	statSwitches
	numStats
)

// count adds one to the running CPU's counter k.
//
//go:nosplit
func count(k int) { thisCPU().Count[k]++ }

// total sums counter k over the CPUs.
func total(k int) int64 {
	var n uint64
	for i := range cpus {
		n += cpus[i].Count[k]
	}
	return int64(n)
}

func printStats() {
	klog.Str("unigo: stats: uptime ")
	klog.Dec(dev.Nanotime() / 1000)
	klog.Str(" us, syscalls ")
	klog.Dec(total(statSyscalls))
	klog.Str(", page faults ")
	klog.Dec(total(statFaults))
	klog.Str(", timer interrupts ")
	klog.Dec(total(statTimerIRQs))
	klog.Str(", context switches ")
	klog.Dec(total(statSwitches))
	klog.Str(", frames in use ")
	klog.Dec(int64(frames.TotalPages() - frames.FreePages()))
	klog.Str("\n")
}
