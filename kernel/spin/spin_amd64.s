#include "textflag.h"

// func xchg(w *uint32, v uint32) uint32
TEXT ·xchg(SB), NOSPLIT, $0-20
	MOVQ w+0(FP), BX
	MOVL v+8(FP), AX
	XCHGL AX, 0(BX)                      // atomic (XCHG with memory always locks): AX = old
	MOVL AX, ret+16(FP)
	RET

// func load32(w *uint32) uint32
TEXT ·load32(SB), NOSPLIT, $0-12
	MOVQ w+0(FP), BX
	MOVL 0(BX), AX                       // in assembly, so the compiler cannot keep it in a register
	MOVL AX, ret+8(FP)
	RET

// func store32(w *uint32, v uint32)
TEXT ·store32(SB), NOSPLIT, $0-12
	MOVQ w+0(FP), BX
	MOVL v+8(FP), AX
	MOVL AX, 0(BX)                       // x86 keeps stores in order: a plain store releases
	RET

// func pause()
TEXT ·pause(SB), NOSPLIT, $0-0
	PAUSE                                // tell the CPU (and a hypervisor) that this is a spin loop
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
