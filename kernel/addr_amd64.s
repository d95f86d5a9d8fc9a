#include "textflag.h"

// Addresses of assembly entry points. A Go func value of an assembly function points at an
// ABI wrapper, not at the code itself, so the addresses come from here.

// func addrVectorStubs() uintptr
TEXT ·addrVectorStubs(SB), NOSPLIT, $0-8
	LEAQ ·vectorStubs(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// func addrSyscallEntry() uintptr
TEXT ·addrSyscallEntry(SB), NOSPLIT, $0-8
	LEAQ ·syscallEntry(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// func addrForkReturn() uintptr
TEXT ·addrForkReturn(SB), NOSPLIT, $0-8
	LEAQ ·forkReturn(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// func addrRuntimeEntry() uintptr
// The Go runtime's own ELF entry point, where the first thread starts.
TEXT ·addrRuntimeEntry(SB), NOSPLIT, $0-8
	LEAQ _rt0_amd64_linux(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// func addrImageEnd() uintptr
// The end of the loaded image (the linker's runtime.end symbol).
TEXT ·addrImageEnd(SB), NOSPLIT, $0-8
	LEAQ runtime·end(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// func addrText() uintptr
TEXT ·addrText(SB), NOSPLIT, $0-8
	LEAQ runtime·text(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// func addrEText() uintptr
TEXT ·addrEText(SB), NOSPLIT, $0-8
	LEAQ runtime·etext(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// func addrBootStack() uintptr
TEXT ·addrBootStack(SB), NOSPLIT, $0-8
	LEAQ ·bootStack(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// func thisCPU() *percpu
// The running CPU's block: GS points at it and its first word is its own address.
TEXT ·thisCPU(SB), NOSPLIT, $0-8
	MOVQ 0(GS), AX
	MOVQ AX, ret+0(FP)
	RET

// func addrAPEntry() uintptr
TEXT ·addrAPEntry(SB), NOSPLIT, $0-8
	LEAQ ·apEntry(SB), AX
	MOVQ AX, ret+0(FP)
	RET
