#include "textflag.h"

// Only instructions that decode the same in 32-bit and 64-bit mode: no REX
// prefixes, no memory operands relative to SB.

#define PUTC(c) MOVL $(c), AX; OUTB
#define EXIT(n) MOVL $0x501, DX; MOVL $(n), AX; OUTW

// func pvhEntry()
TEXT ·pvhEntry(SB),NOSPLIT|NOFRAME,$0
	CLI
	MOVL 24(BX), SI // hvm_start_info.cmdline_paddr (low half)
	MOVL $0x3f8, DX // COM1 data register
find:
	MOVBLZX (SI), AX
	CMPL AX, $0
	JEQ  hang
	INCL SI
	CMPL AX, $0x23 // '#'
	JNE  find
	MOVBLZX (SI), AX
	CMPL AX, $0x6d // 'm'
	JEQ  marker
	CMPL AX, $0x7a // 'z'
	JEQ  zero
	CMPL AX, $0x6e // 'n'
	JEQ  nomarker
	CMPL AX, $0x72 // 'r'
	JEQ  reset
	CMPL AX, $0x73 // 's'
	JEQ  silentzero
hang:
	PUTC(0x68); PUTC(0x61); PUTC(0x6e); PUTC(0x67); PUTC(0x0a)
halt:
	HLT
	JMP halt
marker:
	PUTC(0x6f); PUTC(0x75); PUTC(0x74); PUTC(0x3a)
	PUTC(0x1b); PUTC(0x5d); PUTC(0x37); PUTC(0x37); PUTC(0x37); PUTC(0x3b)
	PUTC(0x75); PUTC(0x6e); PUTC(0x69); PUTC(0x67); PUTC(0x6f); PUTC(0x2d)
	PUTC(0x65); PUTC(0x78); PUTC(0x69); PUTC(0x74); PUTC(0x3d); PUTC(0x37); PUTC(0x07)
	PUTC(0x0a)
	EXIT(7)
	JMP halt
zero:
	PUTC(0x7a); PUTC(0x65); PUTC(0x72); PUTC(0x6f); PUTC(0x0a)
	PUTC(0x1b); PUTC(0x5d); PUTC(0x37); PUTC(0x37); PUTC(0x37); PUTC(0x3b)
	PUTC(0x75); PUTC(0x6e); PUTC(0x69); PUTC(0x67); PUTC(0x6f); PUTC(0x2d)
	PUTC(0x65); PUTC(0x78); PUTC(0x69); PUTC(0x74); PUTC(0x3d); PUTC(0x30); PUTC(0x07)
	EXIT(0)
	JMP halt
nomarker:
	PUTC(0x6e); PUTC(0x6f); PUTC(0x6d); PUTC(0x61); PUTC(0x72); PUTC(0x6b); PUTC(0x65); PUTC(0x72); PUTC(0x0a)
	EXIT(5)
	JMP halt
silentzero:
	PUTC(0x73); PUTC(0x0a)
	EXIT(0)
	JMP halt
reset:
	MOVL $0, SP
	INT $3
	JMP halt
