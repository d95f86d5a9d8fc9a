#include "textflag.h"

// func lock(w *uint32)
TEXT ·lock(SB), NOSPLIT, $0-8
	MOVQ w+0(FP), BX
retry:
	MOVL $1, AX
	XCHGL AX, 0(BX)                      // atomic: AX = old value, word = 1
	TESTL AX, AX
	JZ   done
wait:
	PAUSE
	CMPL 0(BX), $0
	JNE  wait                            // read-only spin until the word looks free
	JMP  retry
done:
	RET

// func unlock(w *uint32)
TEXT ·unlock(SB), NOSPLIT, $0-8
	MOVQ w+0(FP), BX
	MOVL $0, 0(BX)                       // x86 keeps stores in order: a plain store releases
	RET

// func Xor64(p *uint64, v uint64)
TEXT ·Xor64(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), BX
	MOVQ v+8(FP), AX
	LOCK
	XORQ AX, 0(BX)
	RET

// func Add64(p *uint64, d int64) uint64
TEXT ·Add64(SB), NOSPLIT, $0-24
	MOVQ p+0(FP), BX
	MOVQ d+8(FP), AX
	MOVQ AX, CX
	LOCK
	XADDQ AX, 0(BX)                      // AX = old value
	ADDQ CX, AX
	MOVQ AX, ret+16(FP)
	RET

// func Load64(p *uint64) uint64
TEXT ·Load64(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), BX
	MOVQ 0(BX), AX                       // in assembly, so the compiler cannot keep it in a register
	MOVQ AX, ret+8(FP)
	RET

// func Fence()
TEXT ·Fence(SB), NOSPLIT, $0-0
	MFENCE
	RET
