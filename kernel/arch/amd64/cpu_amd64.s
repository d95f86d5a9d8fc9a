#include "textflag.h"

// func Inb(port uint16) uint8
TEXT ·Inb(SB), NOSPLIT, $0-9
	MOVW port+0(FP), DX
	INB                          // AL = in(DX)
	MOVB AX, ret+8(FP)
	RET

// func Outb(port uint16, v uint8)
TEXT ·Outb(SB), NOSPLIT, $0-3
	MOVW port+0(FP), DX
	MOVB v+2(FP), AX
	OUTB                         // out(DX) = AL
	RET

// func Inw(port uint16) uint16
TEXT ·Inw(SB), NOSPLIT, $0-10
	MOVW port+0(FP), DX
	INW
	MOVW AX, ret+8(FP)
	RET

// func Outw(port uint16, v uint16)
TEXT ·Outw(SB), NOSPLIT, $0-4
	MOVW port+0(FP), DX
	MOVW v+2(FP), AX
	OUTW
	RET

// func Inl(port uint16) uint32
TEXT ·Inl(SB), NOSPLIT, $0-12
	MOVW port+0(FP), DX
	INL
	MOVL AX, ret+8(FP)
	RET

// func Outl(port uint16, v uint32)
TEXT ·Outl(SB), NOSPLIT, $0-8
	MOVW port+0(FP), DX
	MOVL v+4(FP), AX
	OUTL
	RET

// func Rdmsr(msr uint32) uint64
TEXT ·Rdmsr(SB), NOSPLIT, $0-16
	MOVL msr+0(FP), CX
	RDMSR                        // EDX:EAX = MSR[ECX]
	SHLQ $32, DX
	ORQ  DX, AX
	MOVQ AX, ret+8(FP)
	RET

// func Wrmsr(msr uint32, v uint64)
TEXT ·Wrmsr(SB), NOSPLIT, $0-16
	MOVL msr+0(FP), CX
	MOVQ v+8(FP), AX
	MOVQ AX, DX
	SHRQ $32, DX                 // EDX = high half, EAX = low half
	WRMSR
	RET

// func Cpuid(leaf, subleaf uint32) (eax, ebx, ecx, edx uint32)
TEXT ·Cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL subleaf+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func Rdtsc() uint64
TEXT ·Rdtsc(SB), NOSPLIT, $0-8
	RDTSC                        // EDX:EAX = TSC
	SHLQ $32, DX
	ORQ  DX, AX
	MOVQ AX, ret+0(FP)
	RET

// func Rdrand() (v uint64, ok bool)
TEXT ·Rdrand(SB), NOSPLIT, $0-9
	MOVL $10, CX                 // the SDM suggests 10 retries before giving up
retry:
	BYTE $0x48; BYTE $0x0F; BYTE $0xC7; BYTE $0xF0 // RDRAND RAX (REX.W 0F C7 /6): CF=1 when RAX holds a random value
	JCS  done
	DECL CX
	JNZ  retry
	MOVQ $0, v+0(FP)
	MOVB $0, ok+8(FP)
	RET
done:
	MOVQ AX, v+0(FP)
	MOVB $1, ok+8(FP)
	RET

// func ReadCR0() uint64
TEXT ·ReadCR0(SB), NOSPLIT, $0-8
	MOVQ CR0, AX
	MOVQ AX, ret+0(FP)
	RET

// func ReadCR2() uint64
TEXT ·ReadCR2(SB), NOSPLIT, $0-8
	MOVQ CR2, AX
	MOVQ AX, ret+0(FP)
	RET

// func ReadCR3() uint64
TEXT ·ReadCR3(SB), NOSPLIT, $0-8
	MOVQ CR3, AX
	MOVQ AX, ret+0(FP)
	RET

// func ReadCR4() uint64
TEXT ·ReadCR4(SB), NOSPLIT, $0-8
	MOVQ CR4, AX
	MOVQ AX, ret+0(FP)
	RET

// func WriteCR0(v uint64)
TEXT ·WriteCR0(SB), NOSPLIT, $0-8
	MOVQ v+0(FP), AX
	MOVQ AX, CR0
	RET

// func WriteCR3(v uint64)
TEXT ·WriteCR3(SB), NOSPLIT, $0-8
	MOVQ v+0(FP), AX
	MOVQ AX, CR3
	RET

// func WriteCR4(v uint64)
TEXT ·WriteCR4(SB), NOSPLIT, $0-8
	MOVQ v+0(FP), AX
	MOVQ AX, CR4
	RET

// func Invlpg(va uintptr)
TEXT ·Invlpg(SB), NOSPLIT, $0-8
	MOVQ va+0(FP), AX
	INVLPG (AX)
	RET

// func Lgdt(desc uintptr)
TEXT ·Lgdt(SB), NOSPLIT, $0-8
	MOVQ desc+0(FP), AX
	LGDT (AX)
	RET

// func Lidt(desc uintptr)
TEXT ·Lidt(SB), NOSPLIT, $0-8
	MOVQ desc+0(FP), AX
	LIDT (AX)
	RET

// func Ltr(sel uint16)
TEXT ·Ltr(SB), NOSPLIT, $0-2
	MOVW sel+0(FP), AX
	LTR  AX
	RET

// func Hlt()
TEXT ·Hlt(SB), NOSPLIT, $0-0
	STI                          // takes effect after HLT starts: no lost wakeup
	HLT
	CLI
	RET

// func Cli()
TEXT ·Cli(SB), NOSPLIT, $0-0
	CLI
	RET

// func Sti()
TEXT ·Sti(SB), NOSPLIT, $0-0
	STI
	RET

// func Pause()
TEXT ·Pause(SB), NOSPLIT, $0-0
	PAUSE
	RET

// func Fxsave(area uintptr)
TEXT ·Fxsave(SB), NOSPLIT, $0-8
	MOVQ area+0(FP), AX
	FXSAVE64 (AX)
	RET

// func Fxrstor(area uintptr)
TEXT ·Fxrstor(SB), NOSPLIT, $0-8
	MOVQ area+0(FP), AX
	FXRSTOR64 (AX)
	RET

// func Xsetbv(reg uint32, v uint64)
TEXT ·Xsetbv(SB), NOSPLIT, $0-16
	MOVL reg+0(FP), CX
	MOVQ v+8(FP), AX
	MOVQ AX, DX
	SHRQ $32, DX                 // EDX:EAX = v
	BYTE $0x0F; BYTE $0x01; BYTE $0xD1 // XSETBV: XCR[ECX] = EDX:EAX
	RET
