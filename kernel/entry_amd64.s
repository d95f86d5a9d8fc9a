#include "textflag.h"

// The PVH boot path: QEMU (or Firecracker) jumps to pvhEntry in 32-bit protected mode with
// paging off and EBX = physical address of hvm_start_info. We build temporary page tables
// that identity-map the first 4 GiB with 2 MiB pages, enter long mode and call kmain.
//
// The 32-bit part is assembled by Go's amd64 assembler, so it must use only encodings that
// mean the same thing in both modes: no REX prefixes (no R8-R15, no 64-bit operand size).
// The assembler writes every symbol reference as RIP-relative (LEA r32, [rip+disp32],
// 6 bytes), which a 32-bit CPU reads as the absolute address disp32. So we learn our own
// address with CALL/POP and add it: for an LEA that ends at address E, sym = disp32 + E.
// Check any change with `objdump -D -m i386`.

#define BOOT_TABLE_PAGES 6   // PML4, PDPT, and four page directories (4 x 1 GiB)
#define bootStackSize 65536

// func pvhEntry() — never returns; the ELF entry point.
TEXT ·pvhEntry(SB), NOSPLIT|NOFRAME, $0
	CLI                                  // no IDT yet
	CLD                                  // string ops count upward

	// Learn where we run. The CALL needs 4 bytes of stack: use the padding at the end of the
	// ELF header page (the image is linked at 0x100000; the headers end well before 0xf00).
	MOVL $0x100ff0, SP
	BYTE $0xE8; LONG $0                  // CALL the next instruction: pushes its address
	POPQ AX                              // 58: EAX = address of this POP ("anchor")
	LEAL ·bootTables(SB), SI             // 8d 35 disp32: ends at anchor+7
	LEAL ·bootJump(SB), DX               // 8d 15 disp32: ends at anchor+13
	LEAL ·start64(SB), CX                // 8d 0d disp32: ends at anchor+19
	LEAL 7(AX)(SI*1), SI
	LEAL 13(AX)(DX*1), DX
	LEAL 19(AX)(CX*1), CX
	MOVL CX, 0(DX)                       // far pointer offset = start64
	MOVW $0x08, 4(DX)                    // far pointer selector = 64-bit kernel code
	MOVL BX, 16(DX)                      // save the start-info address: CPUID clobbers EBX
	MOVL DX, SP                          // park bootJump in SP: no stack is needed from here on

	// Check for long mode before touching 64-bit state: CPUID 0x80000001 EDX bit 29.
	MOVL $0x80000000, AX
	CPUID
	CMPL AX, $0x80000001
	JB   nolm
	MOVL $0x80000001, AX
	CPUID
	BTL  $29, DX
	JCC  nolm


	// SI = the boot page tables, rounded up to a page (Go cannot align data).
	ADDL $4095, SI
	ANDL $0xfffff000, SI

	// Zero the tables.
	MOVL SI, DI
	XORL AX, AX
	MOVL $(BOOT_TABLE_PAGES*1024), CX
	REP; STOSL

	// PML4[0] -> PDPT.
	LEAL 0x1003(SI), AX                  // PDPT | present | writable
	MOVL AX, 0(SI)
	// PDPT[0..3] -> the four page directories.
	LEAL 0x2003(SI), AX
	MOVL AX, 0x1000(SI)
	LEAL 0x3003(SI), AX
	MOVL AX, 0x1008(SI)
	LEAL 0x4003(SI), AX
	MOVL AX, 0x1010(SI)
	LEAL 0x5003(SI), AX
	MOVL AX, 0x1018(SI)
	// 2048 2 MiB leaves covering [0, 4 GiB), VA == PA.
	LEAL 0x2000(SI), DI
	MOVL $0x83, AX                       // present | writable | page size (2 MiB)
	MOVL $2048, CX
pdloop:
	MOVL AX, 0(DI)                       // low half of the entry; the high half is zero
	ADDL $0x200000, AX
	ADDL $8, DI
	DECL CX
	JNZ  pdloop

	MOVL SI, AX
	MOVQ AX, CR3                         // 0F 22 D8: mov cr3, eax in 32-bit mode

	MOVQ CR4, AX
	ORL  $0x620, AX                      // PAE | OSFXSR | OSXMMEXCPT (SSE on: Go's ABI needs X15)
	MOVQ AX, CR4

	MOVL $0xC0000080, CX                 // EFER
	RDMSR
	ORL  $0x901, AX                      // LME | NXE | SCE
	WRMSR

	MOVQ CR0, AX
	ANDL $0xfffffffb, AX                 // clear EM: no x87 emulation
	ORL  $0x80010023, AX                 // PG | WP | NE | MP | PE
	MOVQ AX, CR0                         // long mode is now active (compatibility submode)

	LGDT 8(SP)                           // bootJump+8 holds the GDTR
	BYTE $0xFF; BYTE $0x2C; BYTE $0x24   // JMP FAR [ESP]: CS = 0x08 (64-bit code), EIP = start64

nolm:
	// No long mode: say so on COM1 and leave through isa-debug-exit.
	// The message is optional; without our address we can't find it, so print a fixed one.
	MOVL $0x3f8, DX
	MOVL $'N', AX
	OUTB
	MOVL $'O', AX
	OUTB
	MOVL $' ', AX
	OUTB
	MOVL $'L', AX
	OUTB
	MOVL $'M', AX
	OUTB
	MOVL $'\n', AX
	OUTB
	JMP nlmexit
nlmloop:
	MOVB 0(SI), AX
	TESTB AX, AX
	JZ   nlmexit
	MOVL $0x3f8, DX
	OUTB
	INCL SI
	JMP  nlmloop
nlmexit:
	MOVL $0x501, DX
	MOVL $125, AX
	OUTW
	HLT
	JMP nlmexit

// start64 is the first 64-bit code. RBX still holds the start-info address.
TEXT ·start64(SB), NOSPLIT|NOFRAME, $0
	MOVL $0x10, AX                       // kernel data selector
	MOVW AX, DS
	MOVW AX, ES
	MOVW AX, SS
	XORL AX, AX
	MOVW AX, FS
	MOVW AX, GS
	MOVL ·bootJump+16(SB), BX            // the start-info address saved by pvhEntry
	LEAQ ·bootStack(SB), SP
	ADDQ $bootStackSize, SP
	ANDQ $~15, SP
	// The fake g for kernel code: stack bounds = the boot stack, stackguard0 leaves the
	// runtime's usual guard area free below it.
	LEAQ ·bootStack(SB), AX
	LEAQ ·kernelG(SB), CX
	MOVQ AX, 0(CX)                       // stack.lo
	LEAQ bootStackSize(AX), DX
	MOVQ DX, 8(CX)                       // stack.hi
	LEAQ 1024(AX), DX
	MOVQ DX, 16(CX)                      // stackguard0
	MOVQ CX, ·kernelTLS(SB)              // -8(FS) -> kernelG
	// FS base -> the kernel TLS block so Go's ABI wrappers find the kernel g at -8(FS).
	LEAQ ·kernelTLS+8(SB), AX
	MOVQ AX, DX
	SHRQ $32, DX
	MOVL $0xC0000100, CX                 // FS_BASE
	WRMSR
	SUBQ $16, SP
	MOVQ BX, 0(SP)                       // kmain(startInfo)
	CALL ·kmain(SB)
hang:
	CLI
	HLT
	JMP hang

// 6 page-table pages plus a page of slack for rounding.
GLOBL ·bootTables(SB), NOPTR, $((BOOT_TABLE_PAGES+1)*4096)
GLOBL ·bootStack(SB), NOPTR, $bootStackSize

// The boot GDT: null, 64-bit code (0x08), data (0x10). Replaced by the real one in Go.
DATA ·bootGDT+0(SB)/8, $0
DATA ·bootGDT+8(SB)/8, $0x00af9a000000ffff
DATA ·bootGDT+16(SB)/8, $0x00cf92000000ffff
GLOBL ·bootGDT(SB), RODATA|NOPTR, $24

// bootJump: an m16:32 far pointer (offset, selector; filled in by pvhEntry) at 0, the GDT
// pseudo-descriptor (limit, base) at 8, so that one register reaches both, and the saved
// hvm_start_info address at 16.
DATA ·bootJump+8(SB)/2, $23
DATA ·bootJump+10(SB)/8, $·bootGDT(SB)
GLOBL ·bootJump(SB), NOPTR, $24
