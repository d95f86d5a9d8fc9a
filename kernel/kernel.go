// Package kernel is the unigo guest kernel. The unigo CLI links it into the user's program
// (through an overlay that adds `import _ "github.com/unigo-os/unigo/kernel"`), and the
// image's entry point is pvhEntry, not the Go runtime's.
//
// Boot order: pvhEntry (32-bit asm) -> start64 -> kmain (Go, before the runtime exists) ->
// first "user" thread enters the runtime at _rt0_amd64_linux with a Linux process stack.
package kernel

func pvhEntry()
func start64()

// kernelTLS is the FS block used while in the kernel: word 0 (at -8 from the FS base) holds
// the address of kernelG, the fake g whose stack bounds describe the current kernel stack.
var kernelTLS [4]uintptr

// kernelG stands in for a runtime g while kernel code runs: Go's function prologues compare
// SP with word 2 (stackguard0). Words 0 and 1 are stack.lo and stack.hi.
var kernelG [32]uintptr
