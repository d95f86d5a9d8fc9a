#include "textflag.h"
#include "go_asm.h"

// func spinLock(l *uint32)
TEXT ·spinLock(SB), NOSPLIT, $0-8
	MOVQ l+0(FP), BX
retry:
	MOVL $1, AX
	XCHGL AX, 0(BX)                      // atomic: AX = old value, lock word = 1
	TESTL AX, AX
	JZ   done
wait:
	PAUSE
	CMPL percpu_FlushTLB(GS), $0         // a shootdown asked for while we wait?
	JEQ  nowflush
	MOVQ CR3, AX                         // answer it: flush the TLB...
	MOVQ AX, CR3
	MOVL $0, percpu_FlushTLB(GS)         // ...then acknowledge (the sender spins on this)
nowflush:
	CMPL 0(BX), $0
	JNE  wait                            // read-only spin until the word looks free
	JMP  retry
done:
	RET

// func spinUnlock(l *uint32)
TEXT ·spinUnlock(SB), NOSPLIT, $0-8
	MOVQ l+0(FP), BX
	MOVL $0, 0(BX)
	RET

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
