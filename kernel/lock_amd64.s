#include "textflag.h"
#include "go_asm.h"

// func loadUserU32(addr uintptr) (v uint32, ok bool)
// A fault on the load continues at loadUserFault with SP unchanged (kernelTrap reads
// FaultFixup), so both functions see the same argument frame.
TEXT ·loadUserU32(SB), NOSPLIT|NOFRAME, $0-13
	MOVQ addr+0(FP), AX
	LEAQ ·loadUserFault(SB), BX
	MOVQ BX, percpu_FaultFixup(GS)       // arm the fixup for the one load below
	MOVL 0(AX), CX                       // may fault
	MOVQ $0, percpu_FaultFixup(GS)
	MOVL CX, v+8(FP)
	MOVB $1, ok+12(FP)
	RET

// func loadUserFault()
// SP is loadUserU32's: the return address, then its arguments (addr at 8, v at 16, ok at
// 20 from SP).
TEXT ·loadUserFault(SB), NOSPLIT|NOFRAME, $0
	MOVQ $0, percpu_FaultFixup(GS)
	MOVL $0, 16(SP)                      // v = 0
	MOVB $0, 20(SP)                      // ok = false
	RET
