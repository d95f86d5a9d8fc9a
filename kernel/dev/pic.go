package dev

import "github.com/unigo-os/unigo/kernel/arch/amd64"

// The legacy 8259A PIC pair. We never use it, but after reset it delivers IRQ0-7 on
// vectors 8-15, the CPU's exception vectors: a stray interrupt would look like a double
// fault. So we remap it to 0x20-0x2F first and then mask every line.
//
// Initialization command words (Intel 8259A data sheet, "Programming the 8259A").
const (
	picICW1Init = 0x11 // ICW1: edge triggered, cascade mode, ICW4 follows
	picICW4x86  = 0x01 // ICW4: 8086/8088 mode
	picMaskAll  = 0xFF // OCW1: mask IRQ0-7

	picMasterVector  = 0x20   // ICW2: IRQ0-7 -> vectors 0x20-0x27
	picSlaveVector   = 0x28   // ICW2: IRQ8-15 -> vectors 0x28-0x2F
	picMasterCascade = 1 << 2 // ICW3 (master): a slave sits on IR2
	picSlaveCascade  = 2      // ICW3 (slave): its cascade identity is 2
)

// PICDisable remaps both 8259s out of the exception vectors and masks all their lines.
// microvm may have no PIC (pic=off): writes to absent ports are ignored, so this is safe
// everywhere. QEMU's emulated PICs need none of the I/O delays real ones did.
func PICDisable() {
	amd64.Outb(PIC1Command, picICW1Init)
	amd64.Outb(PIC2Command, picICW1Init)
	amd64.Outb(PIC1Data, picMasterVector)
	amd64.Outb(PIC2Data, picSlaveVector)
	amd64.Outb(PIC1Data, picMasterCascade)
	amd64.Outb(PIC2Data, picSlaveCascade)
	amd64.Outb(PIC1Data, picICW4x86)
	amd64.Outb(PIC2Data, picICW4x86)
	amd64.Outb(PIC1Data, picMaskAll)
	amd64.Outb(PIC2Data, picMaskAll)
}
