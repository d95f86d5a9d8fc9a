#include "textflag.h"

// func spinLock(l *uint32)
TEXT ·spinLock(SB), NOSPLIT, $0-8
	MOVQ l+0(FP), BX
retry:
	MOVL $1, AX
	XCHGL AX, 0(BX)                      // atomic: AX = old value, lock word = 1
	TESTL AX, AX
	JZ   done
	STI                                  // wait with interrupts on: IPIs must get through
wait:
	PAUSE
	CMPL 0(BX), $0
	JNE  wait                            // (under TCG, interrupts are taken at this back edge)
	CLI
	JMP  retry
done:
	RET

// func spinUnlock(l *uint32)
TEXT ·spinUnlock(SB), NOSPLIT, $0-8
	MOVQ l+0(FP), BX
	MOVL $0, 0(BX)
	RET
