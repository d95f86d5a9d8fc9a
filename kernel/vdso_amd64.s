#include "textflag.h"

// NANOS: AX = monotonic ns since boot, as dev.Nanotime computes it
// ((TSC - base) * mult) >> 32 with the 128-bit product in DX:AX. Clobbers DX.
#define NANOS \
	RDTSC; \
	SHLQ $32, DX; \
	ORQ  DX, AX; \
	SUBQ ·vdsoData+0(SB), AX; \
	MULQ ·vdsoData+8(SB); \
	SHRQ $32, AX; \
	SHLQ $32, DX; \
	ORQ  DX, AX

// vdsoClockGettime is __vdso_clock_gettime, called by the application with the C ABI:
// DI = clock ID, SI = struct timespec *; returns 0 in AX. It may clobber AX, CX, DX, SI,
// DI, R8-R11 and must keep the rest. Clocks it does not know go to the system call.
TEXT ·vdsoClockGettime(SB), NOSPLIT|NOFRAME, $0
	CMPQ DI, $1                          // CLOCK_MONOTONIC
	JEQ  mono
	CMPQ DI, $0                          // CLOCK_REALTIME
	JEQ  real
	CMPQ DI, $4                          // CLOCK_MONOTONIC_RAW
	JEQ  mono
	CMPQ DI, $6                          // CLOCK_MONOTONIC_COARSE
	JEQ  mono
	CMPQ DI, $7                          // CLOCK_BOOTTIME
	JEQ  mono
	CMPQ DI, $5                          // CLOCK_REALTIME_COARSE
	JEQ  real
	MOVL $228, AX                        // SYS_clock_gettime: the kernel knows the rest
	SYSCALL
	RET
real:
	NANOS
	SUBQ ·vdsoData+24(SB), AX            // ns since the RTC was read
	MOVQ ·vdsoData+16(SB), CX            // RTC seconds at boot
	IMULQ $1000000000, CX
	ADDQ CX, AX
	JMP  store
mono:
	NANOS
store:
	XORL DX, DX
	MOVQ $1000000000, CX
	DIVQ CX                              // AX = seconds, DX = nanoseconds
	MOVQ AX, 0(SI)
	MOVQ DX, 8(SI)
	XORL AX, AX
	RET

// func addrVDSOClockGettime() uintptr
TEXT ·addrVDSOClockGettime(SB), NOSPLIT, $0-8
	LEAQ ·vdsoClockGettime(SB), AX
	MOVQ AX, ret+0(FP)
	RET
