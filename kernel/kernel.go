// Package kernel is the unigo guest kernel. The unigo CLI links it into the user's program
// (through an overlay that adds `import _ "github.com/unigo-os/unigo/kernel"`), and the
// image's entry point is pvhEntry, not the Go runtime's.
//
// Boot order: pvhEntry (32-bit asm) -> start64 -> kmain (Go, before the runtime exists) ->
// first "user" thread enters the runtime at _rt0_amd64_linux with a Linux process stack.
package kernel

func pvhEntry()
func start64()

// kernelTLS[cpu] is the FS block used while in the kernel: word 0 (at -8 from the FS base)
// holds the address of kernelG[cpu], the fake g whose stack bounds describe the kernel stack
// that CPU runs on.
var kernelTLS [maxCPUs][4]uintptr

// kernelG[cpu] stands in for a runtime g while kernel code runs: Go's function prologues
// compare SP with word 2 (stackguard0). Words 0 and 1 are stack.lo and stack.hi. The boot
// CPU's is set up by start64 before any Go code runs.
var kernelG [maxCPUs][32]uintptr
