package dev

import "github.com/unigo-os/unigo/kernel/arch/amd64"

// Ending the VM.

const (
	// acpiSleepS5 is PM1a_CNT with SLP_EN (bit 13) and SLP_TYP 0, which QEMU's PIIX4 and
	// ICH9 power management treat as soft-off (hw/acpi/core.c, acpi_pm1_cnt_write).
	acpiSleepS5 = 1 << 13

	// gedSleepS5 is the microvm GED sleep control value: SLP_EN (bit 5) | SLP_TYP 5 << 2
	// (hw/acpi/generic_event_device.c, ACPI_GED_REG_SLEEP_CTL).
	gedSleepS5 = 1<<5 | 5<<2
)

// Exit stops the VM with the given exit code. With isa-debug-exit present QEMU exits
// with status (code<<1)|1. Without it, it tries QEMU's ACPI soft-off (pc/q35 at
// 0x604, old machine types at 0xB004, microvm with ACPI via its GED), where the code is
// lost. If the VM is still running after that, it halts forever with interrupts off.
func Exit(code uint8) {
	amd64.Outw(DebugExitPort, uint16(code))
	amd64.Outw(ACPIPM1aControl, acpiSleepS5)
	amd64.Outw(BochsPM1aControl, acpiSleepS5)
	// With acpi=off nothing decodes this address and QEMU ignores the write.
	Write8(MicrovmGEDRegs, gedSleepS5)
	haltForever()
}

// haltForever disables interrupts and halts; an NMI only wakes it to halt again.
// It is in assembly because amd64.Hlt re-enables interrupts.
func haltForever()
