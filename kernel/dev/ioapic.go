package dev

// The I/O APIC (Intel 82093AA): routes device interrupt lines (GSIs) to vectors on a local
// APIC. QEMU puts one at IOAPICBase on microvm, pc and q35, with 24 inputs. The kernel uses
// it for virtio: microvm's virtio-mmio slots raise GSIs 5-12; PCI INTx lines arrive on the
// GSI that the firmware wrote into each function's Interrupt Line register (pc: 10/11).
//
// Every line the kernel routes is edge-triggered, active high. The kernel sends the LAPIC
// EOI before it services a device (the interrupt may have to wait for the kernel lock), and
// a level-triggered input would be re-delivered at once, over and over, while the line
// stays high. With edge triggering nothing is lost as long as the handler reads and
// acknowledges every device's interrupt status before looking at its queues, and repeats
// until all read zero: QEMU's I/O APIC delivers each assertion of an edge input, and a
// line that stayed high through the acknowledgements has a device whose status the next
// pass reads.

// Register access: write the register index to IOREGSEL, then read or write IOWIN
// (82093AA data sheet, 3.0 "Register Description").
const (
	ioapicRegSel = 0x00
	ioapicWin    = 0x10

	ioapicRegVersion  = 0x01 // bits 16-23: maximum redirection entry (entries - 1)
	ioapicRegRedirTbl = 0x10 // entry n: low dword at 0x10+2n, high dword at 0x11+2n
)

// Redirection table entry bits (82093AA 3.2.4).
const (
	redirMasked       = 1 << 16
	redirEdge         = 0 << 15 // trigger mode: 0 edge, 1 level
	redirActiveHigh   = 0 << 13 // polarity: 0 high, 1 low
	redirDestPhysical = 0 << 11
	redirFixed        = 0 << 8
	redirDestShift    = 24 // in the high dword: the destination APIC ID
)

// ioapic is written only by IOAPICInit.
var ioapic struct {
	entries uint32 // redirection entries; 0 until IOAPICInit
}

// IOAPICInit masks every input of the I/O APIC.
//
// Preconditions:
//   - interrupts disabled
func IOAPICInit() {
	n := (ioapicRead(ioapicRegVersion)>>16)&0xFF + 1
	ioapic.entries = n
	for i := uint32(0); i < n; i++ {
		ioapicWrite(ioapicRegRedirTbl+2*i, redirMasked)
		ioapicWrite(ioapicRegRedirTbl+2*i+1, 0)
	}
}

// IOAPICEntries returns the number of inputs (GSIs) the I/O APIC has, 0 before IOAPICInit.
func IOAPICEntries() uint32 { return ioapic.entries }

// IOAPICRoute delivers GSI gsi, edge-triggered and active high, as vector on the local
// APIC with ID apicID, and unmasks it. It reports false for a GSI the I/O APIC lacks.
func IOAPICRoute(gsi uint32, vector uint8, apicID uint32) bool {
	if gsi >= ioapic.entries {
		return false
	}
	// Write the high half (destination) first, while the entry is still masked.
	ioapicWrite(ioapicRegRedirTbl+2*gsi+1, apicID<<redirDestShift)
	ioapicWrite(ioapicRegRedirTbl+2*gsi, redirFixed|redirDestPhysical|redirEdge|redirActiveHigh|uint32(vector))
	return true
}

// IOAPICMask stops GSI gsi from interrupting.
func IOAPICMask(gsi uint32) {
	if gsi < ioapic.entries {
		ioapicWrite(ioapicRegRedirTbl+2*gsi, redirMasked)
	}
}

func ioapicRead(reg uint32) uint32 {
	Write32(IOAPICBase+ioapicRegSel, reg)
	return Read32(IOAPICBase + ioapicWin)
}

func ioapicWrite(reg, v uint32) {
	Write32(IOAPICBase+ioapicRegSel, reg)
	Write32(IOAPICBase+ioapicWin, v)
}
