#include "textflag.h"
#include "go_asm.h"

// Trap entry and exit. Everything here runs with interrupts disabled.
//
// Two ways in: SYSCALL (syscallEntry) and the IDT (vectorStubs -> intrCommon). Whatever the
// way, an entry from application code ends on the current thread's kernel stack with a
// TrapFrame at its top and the FPU state saved just above it (percpu.KStackTop). An
// interrupt or fault that arrives while kernel code runs (percpu.InKernel != 0: the idle loop,
// or a demand fault on application memory touched by a syscall) is handled on its IST stack
// and returns straight back, without ever switching threads.

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define VEC_SYSCALL 256
#define IST_SIZE (16<<10) // istSize in desc.go
#define FPU_SIZE 1024      // fpuSize in thread.go: room for the XSAVE area of x87, SSE and AVX

// The general registers in TrapFrame order (the last pushed, R15, is the first field).
#define PUSH_GPRS PUSHQ AX; PUSHQ BX; PUSHQ CX; PUSHQ DX; PUSHQ SI; PUSHQ DI; PUSHQ BP; PUSHQ R8; PUSHQ R9; PUSHQ R10; PUSHQ R11; PUSHQ R12; PUSHQ R13; PUSHQ R14; PUSHQ R15
#define POP_GPRS POPQ R15; POPQ R14; POPQ R13; POPQ R12; POPQ R11; POPQ R10; POPQ R9; POPQ R8; POPQ BP; POPQ DI; POPQ SI; POPQ DX; POPQ CX; POPQ BX; POPQ AX

// XSAVE64 (CX) and XRSTOR64 (CX), which the Go assembler does not know: REX.W 0F AE /4 and /5.
// EDX:EAX selects the state components; all ones means every component XCR0 enables.
#define XSAVE64_CX BYTE $0x48; BYTE $0x0F; BYTE $0xAE; BYTE $0x21
#define XRSTOR64_CX BYTE $0x48; BYTE $0x0F; BYTE $0xAE; BYTE $0x29

// Exceptions that push an error code: 8, 10-14, 17, 21, 29, 30.
#define ERRCODE_MASK 0x60227D00

// func syscallEntry()
// Entered by SYSCALL: RCX = return RIP, R11 = RFLAGS, RFLAGS masked by FMASK (IF=0, DF=0),
// RSP still the caller's. Never write below the caller's SP.
TEXT ·syscallEntry(SB), NOSPLIT|NOFRAME, $0
	MOVQ SP, percpu_UserRSP(GS)          // scratch: the caller's SP
	MOVQ percpu_KStackTop(GS), SP        // this thread's kernel stack
	PUSHQ $SEL_DATA                      // build the same frame an interrupt would: SS
	PUSHQ percpu_UserRSP(GS)             // RSP
	PUSHQ R11                            // RFLAGS
	PUSHQ $SEL_CODE                      // CS
	PUSHQ CX                             // RIP
	PUSHQ $0                             // error code
	PUSHQ $VEC_SYSCALL                   // vector
	JMP ·commonEntry(SB)

// func commonEntry()
// SP points at [vector][error][RIP][CS][RFLAGS][RSP][SS] on the thread's kernel stack.
TEXT ·commonEntry(SB), NOSPLIT|NOFRAME, $0
	PUSH_GPRS                            // push order = TrapFrame field order, reversed
	MOVQ $1, percpu_InKernel(GS)
	// The application's x87/SSE/AVX state, before any Go code runs.
	MOVQ percpu_KStackTop(GS), CX
	CMPB ·useXSAVE(SB), $0
	JEQ  entryfx
	MOVL $-1, AX
	MOVL $-1, DX
	XSAVE64_CX
	JMP  entrysaved
entryfx:
	FXSAVE64 (CX)
entrysaved:
	MOVQ percpu_KernelFS(GS), AX         // FS -> kernel TLS: Go code finds kernelG at -8(FS)
	MOVQ AX, DX
	SHRQ $32, DX
	MOVL $0xC0000100, CX                 // MSR_FS_BASE
	WRMSR
	MOVQ SP, AX
	SUBQ $16, SP
	MOVQ AX, 0(SP)                       // trap(tf *TrapFrame)
	CALL ·trap(SB)
	ADDQ $16, SP
	JMP ·trapReturn(SB)

// func trapReturn()
// SP points at the TrapFrame of the thread to resume (the current one; it may differ from
// the one that entered, after a context switch). Restore it and IRETQ. IRETQ from ring 0 to
// ring 0 still pops RSP and SS, so it restores the application's stack exactly.
TEXT ·trapReturn(SB), NOSPLIT|NOFRAME, $0
	MOVQ percpu_UserFS(GS), AX           // FS -> the thread's TLS
	MOVQ AX, DX
	SHRQ $32, DX
	MOVL $0xC0000100, CX
	WRMSR
	MOVQ percpu_KStackTop(GS), CX
	CMPB ·useXSAVE(SB), $0
	JEQ  exitfx
	MOVL $-1, AX
	MOVL $-1, DX
	XRSTOR64_CX
	JMP  exitrestored
exitfx:
	FXRSTOR64 (CX)
exitrestored:
	MOVQ $0, percpu_InKernel(GS)
	POP_GPRS
	ADDQ $16, SP                         // vector and error code
	IRETQ

// func forkReturn()
// Where a new thread's first context switch lands: SP is its TrapFrame. switchTo let go
// of every lock before the switch, so there is nothing to release.
TEXT ·forkReturn(SB), NOSPLIT|NOFRAME, $0
	JMP ·trapReturn(SB)

// func intrCommon()
// Reached by CALL from a vector stub, on an IST stack:
// [stub return][error code, if the CPU pushed one][RIP][CS][RFLAGS][RSP][SS].
TEXT ·intrCommon(SB), NOSPLIT|NOFRAME, $0
	PUSHQ AX
	PUSHQ BX
	MOVQ 16(SP), AX                      // the stub's return address
	LEAQ ·vectorStubs(SB), BX
	SUBQ BX, AX
	SHRQ $3, AX                          // stub v returns to vectorStubs+8v+5: v
	CMPQ AX, $32
	JAE  noerr
	MOVL $ERRCODE_MASK, BX
	BTQ  AX, BX
	JCC  noerr
	MOVQ AX, 16(SP)                      // [BX][AX][vector][error]...
	POPQ BX
	POPQ AX
	JMP  normal
noerr:
	MOVQ $0, 16(SP)                      // the return slot becomes error code 0
	POPQ BX
	XCHGQ AX, 0(SP)                      // AX restored; [vector][0]...
normal:
	// SP -> [vector][error][RIP][CS][RFLAGS][RSP][SS]
	CMPQ percpu_InKernel(GS), $0
	JNE  inkernel
	// From application code: move the frame to the thread's kernel stack and go on there,
	// so that the thread can be switched out and this IST stack reused.
	PUSHQ AX
	PUSHQ BX
	MOVQ percpu_KStackTop(GS), AX
	MOVQ 64(SP), BX
	MOVQ BX, -8(AX)                      // SS
	MOVQ 56(SP), BX
	MOVQ BX, -16(AX)                     // RSP
	MOVQ 48(SP), BX
	MOVQ BX, -24(AX)                     // RFLAGS
	MOVQ 40(SP), BX
	MOVQ BX, -32(AX)                     // CS
	MOVQ 32(SP), BX
	MOVQ BX, -40(AX)                     // RIP
	MOVQ 24(SP), BX
	MOVQ BX, -48(AX)                     // error code
	MOVQ 16(SP), BX
	MOVQ BX, -56(AX)                     // vector
	POPQ BX
	LEAQ -56(AX), AX
	XCHGQ AX, 0(SP)                      // AX restored; 0(SP) = the new frame address
	MOVQ 0(SP), SP
	JMP  ·commonEntry(SB)

inkernel:
	// Kernel code was interrupted: handle it here on the IST stack and go straight back.
	// FS is already the kernel's. The interrupted code may hold live vector registers (a
	// demand fault in the middle of a memmove into application memory), so they are saved
	// like the general ones.
	PUSH_GPRS
	MOVQ SP, BX                          // the TrapFrame
	SUBQ $(FPU_SIZE+64), SP
	ANDQ $~63, SP                        // a 64-byte aligned save area at SP
	MOVQ BX, FPU_SIZE(SP)                // and the TrapFrame address just above it
	MOVQ SP, CX
	CMPB ·useXSAVE(SB), $0
	JEQ  kfx
	MOVL $-1, AX
	MOVL $-1, DX
	XSAVE64_CX
	JMP  ksaved
kfx:
	FXSAVE64 (CX)
ksaved:
	MOVQ BX, AX
	// Go's stack checks compare SP with kernelG's stackguard0, which describes the
	// interrupted kernel stack, not this IST stack: point it here for the handler.
	MOVQ percpu_KernelG(GS), CX
	MOVQ 16(CX), BX
	PUSHQ BX
	LEAQ -(IST_SIZE-3072)(SP), BX
	MOVQ BX, 16(CX)
	SUBQ $16, SP
	MOVQ AX, 0(SP)                       // kernelTrap(tf *TrapFrame)
	CALL ·kernelTrap(SB)
	ADDQ $16, SP
	POPQ BX
	MOVQ percpu_KernelG(GS), CX
	MOVQ BX, 16(CX)
	MOVQ SP, CX
	CMPB ·useXSAVE(SB), $0
	JEQ  krfx
	MOVL $-1, AX
	MOVL $-1, DX
	XRSTOR64_CX
	JMP  krestored
krfx:
	FXRSTOR64 (CX)
krestored:
	MOVQ FPU_SIZE(SP), SP                // back to the TrapFrame
	POP_GPRS
	ADDQ $16, SP
	IRETQ

#define STUB CALL ·intrCommon(SB); BYTE $0x0F; BYTE $0x1F; BYTE $0x00
#define STUB4 STUB; STUB; STUB; STUB
#define STUB16 STUB4; STUB4; STUB4; STUB4

// func vectorStubs()
// 256 stubs of 8 bytes each: a 5-byte CALL to intrCommon and a 3-byte NOP. The IDT entry
// for vector v points at vectorStubs+8*v; intrCommon recovers v from the return address.
TEXT ·vectorStubs(SB), NOSPLIT|NOFRAME, $0
	STUB16; STUB16; STUB16; STUB16
	STUB16; STUB16; STUB16; STUB16
	STUB16; STUB16; STUB16; STUB16
	STUB16; STUB16; STUB16; STUB16

// func swtch(save *uintptr, next uintptr, done *uint32)
// Saves the current kernel stack pointer in *save, continues on the stack next, which was
// saved by an earlier swtch (or built by newThread to land in forkReturn), and then clears
// *done, the switched-out thread's OnCPU flag: from then on another CPU may run it. Go's
// ABI treats every register but SP and BP as clobbered by a call, so BP is all we keep
// (the ABI wrapper reloads g from FS after the call).
TEXT ·swtch(SB), NOSPLIT, $0-24
	MOVQ save+0(FP), AX
	MOVQ next+8(FP), BX
	MOVQ done+16(FP), CX                 // read before SP leaves this stack
	PUSHQ BP
	MOVQ SP, 0(AX)
	MOVQ BX, SP                          // off the old stack for good
	MOVL $0, 0(CX)                       // the old thread may now run elsewhere
	POPQ BP
	// The thread switched to may have last run on another CPU: point FS at this CPU's
	// kernel TLS, so that the ABI wrapper we return through loads this CPU's kernel g.
	MOVQ percpu_KernelFS(GS), AX
	MOVQ AX, DX
	SHRQ $32, DX
	MOVL $0xC0000100, CX                 // MSR_FS_BASE
	WRMSR
	RET

// func syscallFaultReturn()
// Where a syscall continues after its handler faulted on an application pointer (see
// efault.go): SP is the thread's TrapFrame, the kernel lock is held.
TEXT ·syscallFaultReturn(SB), NOSPLIT|NOFRAME, $0
	MOVQ SP, AX
	SUBQ $16, SP
	MOVQ AX, 0(SP)                       // syscallAborted(tf *TrapFrame)
	CALL ·syscallAborted(SB)
	ADDQ $16, SP
	JMP ·trapReturn(SB)

// func addrSyscallFaultReturn() uintptr
TEXT ·addrSyscallFaultReturn(SB), NOSPLIT, $0-8
	LEAQ ·syscallFaultReturn(SB), AX
	MOVQ AX, ret+0(FP)
	RET
