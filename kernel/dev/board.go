package dev

// The machine: QEMU's microvm (default, `-M microvm,acpi=off`) and the PC machines
// (`-M pc`, `-M q35`). Every fixed address and port the kernel relies on lives here.
//
// Physical address space (identity-mapped, VA == PA):
//
//	0x0000_0000 +---------------------------+
//	            | page 0 (unmapped)         |
//	0x0000_1000 +---------------------------+
//	            | low RAM                   |  pc/q35: 0xA0000-0xFFFFF is VGA/BIOS
//	0x0010_0000 +---------------------------+
//	            | kernel image (ELF, PVH)   |  headers at 0x100000, text at 0x101000
//	            | RAM ...                   |  extent from the PVH e820 map
//	            ~                           ~
//	0xFE00_0000 +---------------------------+  start of the uncached MMIO window
//	            | ...                       |
//	0xFEA0_0000 | microvm ACPI GED (acpi=on)|  sleep control at +0x200
//	0xFEB0_0000 | virtio-mmio slots         |  microvm only, 512 bytes each
//	0xFEC0_0000 | IOAPIC                    |
//	0xFEE0_0000 | local APIC (this CPU)     |
//	            | ...                       |
//	0xFFFF_FFFF +---------------------------+  end of the MMIO window (BIOS ROM on pc)
//
// I/O ports:
//
//	0x020-0x021  8259 PIC master         (pc/q35; microvm has one unless pic=off)
//	0x040-0x043  8254 PIT                (absent on microvm with pit=off and on Firecracker)
//	0x070-0x071  MC146818 CMOS RTC       (microvm: present unless rtc=off)
//	0x0A0-0x0A1  8259 PIC slave
//	0x3F8-0x3FF  COM1 16550 UART         (the lead's console)
//	0x501-0x502  isa-debug-exit          (only with -device isa-debug-exit,iobase=0x501,iosize=2)
//	0x600-0x63F  ACPI PM registers       (pc/q35, base programmed by SeaBIOS)
const (
	// COM1 is the first 16550 UART's base port.
	COM1 = 0x3F8

	// DebugExitPort is QEMU's isa-debug-exit device; QEMU exits with (v<<1)|1.
	DebugExitPort = 0x501

	// PIT (Intel 8254) ports.
	PITChannel0 = 0x40
	PITCommand  = 0x43

	// CMOS/RTC (MC146818) index and data ports.
	CMOSIndex = 0x70
	CMOSData  = 0x71

	// 8259A PIC command and data ports.
	PIC1Command = 0x20
	PIC1Data    = 0x21
	PIC2Command = 0xA0
	PIC2Data    = 0xA1

	// ACPIPM1aControl is PM1a_CNT on pc (PIIX4) and q35 (ICH9) as SeaBIOS sets it up.
	ACPIPM1aControl = 0x604
	// BochsPM1aControl is PM1a_CNT on old QEMU/Bochs machine types.
	BochsPM1aControl = 0xB004
)

// MMIO addresses. All lie inside the identity-mapped uncached window.
const (
	MMIOWindowBase = 0xFE000000
	MMIOWindowEnd  = 0xFFFFFFFF // inclusive

	// LAPICBase is the architectural default local APIC base (IA32_APIC_BASE reset value).
	LAPICBase = 0xFEE00000
	// IOAPICBase is where QEMU places the (first) IOAPIC on every machine type.
	IOAPICBase = 0xFEC00000

	// VirtioMMIOBase is the first virtio-mmio slot on microvm (hw/i386/microvm.c,
	// VIRTIO_MMIO_BASE); slots are VirtioMMIOSlotSize apart. The real list comes from
	// the kernel command line (virtio_mmio.device=<size>@<base>:<irq>).
	VirtioMMIOBase     = 0xFEB00000
	VirtioMMIOSlotSize = 0x200

	// MicrovmGEDRegs is the microvm ACPI generic event device's register block
	// (GED_MMIO_BASE_REGS); it only exists when ACPI is on.
	MicrovmGEDRegs = 0xFEA00200
)

// Fixed clock rates.
const (
	// PITHz is the 8254 input clock: 105/88 MHz, i.e. the NTSC colour burst divided by 3.
	PITHz = 1193182
)
