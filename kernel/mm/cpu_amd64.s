#include "textflag.h"

// func gsCPU() int
// The kernel's per-CPU block starts at the GS base; its CPU number is at CPUIDOffset (56,
// checked against the kernel's struct at compile time).
TEXT ·gsCPU(SB), NOSPLIT, $0-8
	MOVQ 56(GS), AX
	MOVQ AX, ret+0(FP)
	RET
