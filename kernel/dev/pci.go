package dev

import "github.com/unigo-os/unigo/kernel/arch/amd64"

// PCI configuration space through configuration mechanism #1 (PCI Local Bus Specification
// 3.0, 3.2.2.3.2): write an address to CONFIG_ADDRESS (0xCF8), then read or write
// CONFIG_DATA (0xCFC). pc (i440FX) and q35 (its ICH9 host bridge also answers at 0xCF8)
// have it; on microvm the ports are absent and every read returns all ones, which looks
// like an empty bus.

const (
	pciConfigAddress = 0xCF8
	pciConfigData    = 0xCFC
	pciEnable        = 1 << 31
)

// Standard configuration header offsets (PCI 3.0, 6.1).
const (
	PCIVendorID      = 0x00 // 16 bits; 0xFFFF: no function
	PCIDeviceID      = 0x02
	PCICommand       = 0x04 // 16 bits
	PCIStatus        = 0x06 // 16 bits
	PCIHeaderType    = 0x0E // 8 bits; bit 7: multi-function device
	PCIBAR0          = 0x10 // six 32-bit BARs
	PCISubsystemID   = 0x2E
	PCICapabilities  = 0x34 // 8 bits: offset of the first capability
	PCIInterruptLine = 0x3C // 8 bits: the IRQ the firmware routed INTx to
	PCIInterruptPin  = 0x3D // 8 bits: 0 none, 1-4 INTA-INTD

	PCICommandMemory      = 1 << 1  // respond to memory BARs
	PCICommandBusMaster   = 1 << 2  // may do DMA
	PCICommandIntxDisable = 1 << 10 // INTx masked
	PCIStatusCapList      = 1 << 4

	PCIBARIO      = 1 << 0 // bit 0 of a BAR: I/O space
	PCIBARType64  = 2 << 1 // bits 2:1 of a memory BAR: 64-bit
	PCIBARTypeMsk = 3 << 1 //
	PCIBARMemMask = ^uint32(0xF)
)

// PCIAddr names a function: bus<<8 | device<<3 | function.
type PCIAddr uint32

// MakePCIAddr returns the address of function fn of device dev on bus.
func MakePCIAddr(bus, dev, fn uint32) PCIAddr { return PCIAddr(bus<<8 | dev<<3 | fn) }

func (a PCIAddr) Bus() uint32      { return uint32(a) >> 8 }
func (a PCIAddr) Device() uint32   { return uint32(a) >> 3 & 31 }
func (a PCIAddr) Function() uint32 { return uint32(a) & 7 }

func (a PCIAddr) select_(off uint32) {
	amd64.Outl(pciConfigAddress, pciEnable|uint32(a)<<8|off&0xFC)
}

// PCIRead32 reads the aligned dword at off.
func PCIRead32(a PCIAddr, off uint32) uint32 {
	a.select_(off)
	return amd64.Inl(pciConfigData)
}

// PCIRead16 reads the 16 bits at off (off even).
func PCIRead16(a PCIAddr, off uint32) uint16 {
	return uint16(PCIRead32(a, off) >> (8 * (off & 2)))
}

// PCIRead8 reads the byte at off.
func PCIRead8(a PCIAddr, off uint32) uint8 {
	return uint8(PCIRead32(a, off) >> (8 * (off & 3)))
}

// PCIWrite32 writes the aligned dword at off.
func PCIWrite32(a PCIAddr, off, v uint32) {
	a.select_(off)
	amd64.Outl(pciConfigData, v)
}

// PCIWrite16 writes the 16 bits at off (off even) with one 16-bit access, so the other
// half of the dword (the Status register next to Command, whose bits clear on write) is
// left alone.
func PCIWrite16(a PCIAddr, off uint32, v uint16) {
	a.select_(off)
	amd64.Outw(pciConfigData+uint16(off&2), v)
}

// PCIBAR returns the memory address BAR i decodes (a 64-bit BAR takes i and i+1), or 0
// for an I/O or unassigned BAR.
func PCIBAR(a PCIAddr, i uint32) uint64 {
	lo := PCIRead32(a, PCIBAR0+4*i)
	if lo&PCIBARIO != 0 {
		return 0
	}
	addr := uint64(lo & PCIBARMemMask)
	if lo&PCIBARTypeMsk == PCIBARType64 && i < 5 {
		addr |= uint64(PCIRead32(a, PCIBAR0+4*(i+1))) << 32
	}
	return addr
}
