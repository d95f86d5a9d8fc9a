// Package amd64 holds the x86-64 instructions the kernel needs that Go cannot express:
// port and MSR access, control registers, descriptor tables, CPUID, TSC and RDRAND.
//
// Every function here is a leaf written in assembly (cpu_amd64.s) and safe to call in trap
// context: none allocates, touches the heap or grows the stack.
package amd64

// Inb reads a byte from an I/O port.
func Inb(port uint16) uint8

// Outb writes a byte to an I/O port.
func Outb(port uint16, v uint8)

// Inw reads a 16-bit word from an I/O port.
func Inw(port uint16) uint16

// Outw writes a 16-bit word to an I/O port.
func Outw(port uint16, v uint16)

// Inl reads a 32-bit word from an I/O port.
func Inl(port uint16) uint32

// Outl writes a 32-bit word to an I/O port.
func Outl(port uint16, v uint32)

// Rdmsr reads a model-specific register.
func Rdmsr(msr uint32) uint64

// Wrmsr writes a model-specific register.
func Wrmsr(msr uint32, v uint64)

// Cpuid executes CPUID with the given leaf and subleaf.
func Cpuid(leaf, subleaf uint32) (eax, ebx, ecx, edx uint32)

// Rdtsc reads the time-stamp counter.
func Rdtsc() uint64

// Rdrand returns a hardware random number; ok is false if the CPU had none ready.
func Rdrand() (v uint64, ok bool)

// ReadCR0, ReadCR2, ReadCR3 and ReadCR4 read control registers.
func ReadCR0() uint64
func ReadCR2() uint64
func ReadCR3() uint64
func ReadCR4() uint64

// WriteCR0, WriteCR3 and WriteCR4 write control registers. Writing CR3 flushes the TLB.
func WriteCR0(v uint64)
func WriteCR3(v uint64)
func WriteCR4(v uint64)

// Invlpg drops the TLB entry for one virtual address.
func Invlpg(va uintptr)

// Lgdt loads the GDT register from a 10-byte pseudo-descriptor at desc.
func Lgdt(desc uintptr)

// Lidt loads the IDT register from a 10-byte pseudo-descriptor at desc.
func Lidt(desc uintptr)

// Ltr loads the task register with a TSS selector.
func Ltr(sel uint16)

// Hlt enables interrupts and halts until the next one arrives, then disables them again.
// STI takes effect after the following instruction, so no interrupt can slip in between
// the decision to sleep and the HLT.
func Hlt()

// Cli disables interrupts; Sti enables them.
func Cli()
func Sti()

// Pause hints a spin-wait loop.
func Pause()

// Fxsave saves the x87/SSE state to a 16-byte aligned 512-byte area; Fxrstor restores it.
func Fxsave(area uintptr)
func Fxrstor(area uintptr)

// MSR numbers used by the kernel (Intel SDM vol. 4).
const (
	MSR_EFER           = 0xC0000080
	MSR_STAR           = 0xC0000081
	MSR_LSTAR          = 0xC0000082
	MSR_FMASK          = 0xC0000084
	MSR_FS_BASE        = 0xC0000100
	MSR_GS_BASE        = 0xC0000101
	MSR_KERNEL_GS_BASE = 0xC0000102
	MSR_TSC_DEADLINE   = 0x6E0
	MSR_APIC_BASE      = 0x1B
)

// EFER bits.
const (
	EFER_SCE = 1 << 0
	EFER_LME = 1 << 8
	EFER_NXE = 1 << 11
)

// RFLAGS bits.
const (
	RFLAGS_TF = 1 << 8
	RFLAGS_IF = 1 << 9
	RFLAGS_DF = 1 << 10
	RFLAGS_AC = 1 << 18
)

// Xsetbv writes an extended control register (XCR0 selects the XSAVE state components).
// Needs CR4.OSXSAVE.
func Xsetbv(reg uint32, v uint64)
