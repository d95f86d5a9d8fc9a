#include "textflag.h"
#include "go_asm.h"

// func apEntry()
// The trampoline jumps here in 64-bit mode on the AP's boot stack, with DI = its percpu
// block. Set GS and FS like start64 does for the boot CPU, then call apMain.
TEXT ·apEntry(SB), NOSPLIT|NOFRAME, $0
	XORL AX, AX
	MOVW AX, FS
	MOVW AX, GS
	MOVQ DI, AX                          // GS base -> the percpu block
	MOVQ AX, DX
	SHRQ $32, DX
	MOVL $0xC0000101, CX                 // MSR_GS_BASE
	WRMSR
	MOVQ percpu_KernelFS(DI), AX         // FS base -> this CPU's kernel TLS (kernelG at -8)
	MOVQ AX, DX
	SHRQ $32, DX
	MOVL $0xC0000100, CX                 // MSR_FS_BASE
	WRMSR
	CALL ·apMain(SB)
hang:
	CLI
	HLT
	JMP hang
