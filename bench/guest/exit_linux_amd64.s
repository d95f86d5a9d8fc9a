#include "textflag.h"

// func outw(port uint16, v uint16)
TEXT ·outw(SB), NOSPLIT, $0-4
	MOVW port+0(FP), DX
	MOVW v+2(FP), AX
	OUTW                 // out(DX) = AX
	RET
