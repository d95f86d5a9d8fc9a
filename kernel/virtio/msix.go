package virtio

import "github.com/unigo-os/unigo/kernel/dev"

// MSI-X for virtio-pci (PCI 3.0 6.8.2; virtio §4.1.4.3, §4.1.5.1.2). A function with the
// capability gets one message per virtqueue plus one for configuration changes when its
// table is big enough (entry 0: configuration, entry 1+i: queue i), else one shared
// message (entry 0 for everything). The device then signals by writing the message to the
// local APIC, never through INTx, and the ISR status is not read: the vector names the
// device and queue (MSIXInterrupt).

const (
	pciCapMSIX = 0x11

	// The capability: cap ID, next, le16 Message Control, le32 Table Offset/BIR, le32
	// PBA Offset/BIR.
	msixCtrl        = 2
	msixTableReg    = 4
	msixPBAReg      = 8
	msixCtrlEnable  = 1 << 15
	msixCtrlMask    = 1 << 14 // function mask
	msixCtrlSizeMsk = 0x7FF   // table size - 1
	msixBIRMask     = 7

	// A table entry: le32 address low, le32 address high, le32 data, le32 vector control.
	msixEntrySize   = 16
	msixEntryAddrLo = 0
	msixEntryAddrHi = 4
	msixEntryData   = 8
	msixEntryCtrl   = 12
	msixEntryMasked = 1

	// The message address (SDM 11.11.1): 0xFEE, destination APIC ID in bits 19:12,
	// physical destination mode, no redirection hint. Data: the vector, fixed delivery,
	// edge-triggered.
	msiAddrBase = 0xFEE00000
)

// ConfigSpace is a snapshot of a function's 256 bytes of configuration space, as dwords.
type ConfigSpace [64]uint32

// ReadConfigSpace reads function a's configuration space.
func ReadConfigSpace(c *ConfigSpace, a dev.PCIAddr) {
	for i := range c {
		c[i] = dev.PCIRead32(a, uint32(i)*4)
	}
}

func (c *ConfigSpace) read8(off uint32) uint8 { return uint8(c[off>>2&63] >> (8 * (off & 3))) }
func (c *ConfigSpace) read16(off uint32) uint16 {
	return uint16(c[off>>2&63] >> (8 * (off & 2)))
}
func (c *ConfigSpace) read32(off uint32) uint32 { return c[off>>2&63] }

// BAR returns the memory address BAR i decodes (a 64-bit BAR takes i and i+1), or 0 for
// an I/O or unassigned BAR, as dev.PCIBAR does on the function itself.
func (c *ConfigSpace) BAR(i uint32) uint64 {
	if i > 5 {
		return 0
	}
	lo := c.read32(dev.PCIBAR0 + 4*i)
	if lo&dev.PCIBARIO != 0 {
		return 0
	}
	addr := uint64(lo & dev.PCIBARMemMask)
	if lo&dev.PCIBARTypeMsk == dev.PCIBARType64 && i < 5 {
		addr |= uint64(c.read32(dev.PCIBAR0+4*(i+1))) << 32
	}
	return addr
}

// MSIXCap is what a function's MSI-X capability says.
type MSIXCap struct {
	Off      uint32 // the capability's offset in configuration space
	Size     uint16 // table entries
	TableBAR uint8
	TableOff uint32
	PBABAR   uint8
	PBAOff   uint32
}

// FindMSIX walks c's capability list for the MSI-X capability.
func FindMSIX(c *ConfigSpace) (MSIXCap, bool) {
	if c.read16(dev.PCIStatus)&dev.PCIStatusCapList == 0 {
		return MSIXCap{}, false
	}
	off := uint32(c.read8(dev.PCICapabilities)) &^ 3
	for n := 0; off >= 0x40 && n < 48; n++ {
		if c.read8(off) == pciCapMSIX {
			t := c.read32(off + msixTableReg)
			p := c.read32(off + msixPBAReg)
			return MSIXCap{
				Off:      off,
				Size:     c.read16(off+msixCtrl)&msixCtrlSizeMsk + 1,
				TableBAR: uint8(t & msixBIRMask),
				TableOff: t &^ msixBIRMask,
				PBABAR:   uint8(p & msixBIRMask),
				PBAOff:   p &^ msixBIRMask,
			}, true
		}
		off = uint32(c.read8(off+1)) &^ 3
	}
	return MSIXCap{}, false
}

// MSIXMessage returns the message address and data that deliver vector to the local APIC
// apicID: fixed delivery, edge-triggered, physical destination.
func MSIXMessage(apicID uint32, vector uint8) (addr uint64, data uint32) {
	return msiAddrBase | uint64(apicID&0xFF)<<12, uint32(vector)
}

// MSIXVectorsFor returns how many table entries a device with nq queues wants: one per
// queue plus one for configuration changes if the table has them, else one shared, or 0
// if the table is empty.
func MSIXVectorsFor(nq, tableSize uint16) uint16 {
	switch {
	case tableSize == 0:
		return 0
	case nq+1 <= tableSize:
		return nq + 1
	}
	return 1
}

// msixEntryFor returns the table entry queue q signals on, or pciNoVector without MSI-X.
func msixEntryFor(t *Transport, q uint16) uint16 {
	switch {
	case t.MSIXVectors == 0:
		return pciNoVector
	case t.MSIXVectors > 1 && q+1 < t.MSIXVectors:
		return q + 1
	}
	return 0
}

// MSIXQueueOf returns which queue table entry e signals: the queue, or -1 for
// configuration changes only, or -2 for everything (one shared entry).
func MSIXQueueOf(t *Transport, e uint16) int {
	switch {
	case t.MSIXVectors <= 1:
		return -2
	case e == 0:
		return -1
	}
	return int(e) - 1
}

// PCIEnableMSIX programs table entries 0..n-1 of t's function (ProbePCI found the
// capability) to deliver vectors first..first+n-1 to apicID, enables MSI-X, disables
// INTx, and checks that the device takes a configuration vector and a vector for each of
// its nq queues. On success t signals by message from now on (t.MSIXVectors = n);
// otherwise everything is put back and it reports false.
//
// Preconditions:
//   - 1 <= n <= t.MSIXSize; the device is not yet initialized (Negotiate resets it)
func PCIEnableMSIX(t *Transport, n, nq uint16, first uint8, apicID uint32) bool {
	a := dev.PCIAddr(t.PCI)
	for e := uint16(0); e < n; e++ {
		addr, data := MSIXMessage(apicID, first+uint8(e))
		ent := t.MSIXTable + uintptr(e)*msixEntrySize
		dev.Write32(ent+msixEntryCtrl, msixEntryMasked)
		dev.Write32(ent+msixEntryAddrLo, uint32(addr))
		dev.Write32(ent+msixEntryAddrHi, uint32(addr>>32))
		dev.Write32(ent+msixEntryData, data)
		dev.Write32(ent+msixEntryCtrl, 0)
	}
	ctrl := dev.PCIRead16(a, t.MSIXCap+msixCtrl)
	dev.PCIWrite16(a, t.MSIXCap+msixCtrl, (ctrl|msixCtrlEnable)&^msixCtrlMask)
	t.MSIXVectors = n
	// The device refuses a vector it cannot use by reading back VIRTIO_MSI_NO_VECTOR
	// (§4.1.4.3). Negotiate's reset drops these; pciEnableQueue writes them again.
	ok := true
	t.Reset()
	c := t.Common
	dev.Write16(c+pcMSIXConfig, 0)
	if dev.Read16(c+pcMSIXConfig) != 0 {
		ok = false
	}
	for q := uint16(0); q < nq && ok; q++ {
		dev.Write16(c+pcQueueSelect, q)
		want := msixEntryFor(t, q)
		dev.Write16(c+pcQueueMSIXVector, want)
		if dev.Read16(c+pcQueueMSIXVector) != want {
			ok = false
		}
	}
	t.Reset()
	if !ok {
		PCIDisableMSIX(t)
		return false
	}
	cmd := dev.PCIRead16(a, dev.PCICommand)
	dev.PCIWrite16(a, dev.PCICommand, cmd|dev.PCICommandIntxDisable)
	t.IRQ = NoIRQ // Interrupt (INTx) leaves it alone
	return true
}

// PCIDisableMSIX turns MSI-X off on t's function and lets it signal INTx again.
func PCIDisableMSIX(t *Transport) {
	a := dev.PCIAddr(t.PCI)
	ctrl := dev.PCIRead16(a, t.MSIXCap+msixCtrl)
	dev.PCIWrite16(a, t.MSIXCap+msixCtrl, ctrl&^msixCtrlEnable)
	cmd := dev.PCIRead16(a, dev.PCICommand)
	dev.PCIWrite16(a, dev.PCICommand, cmd&^dev.PCICommandIntxDisable)
	t.MSIXVectors = 0
	t.IRQ = uint32(dev.PCIRead8(a, dev.PCIInterruptLine))
}

// PCIUseINTx switches the driver's device on function pci (a dev.PCIAddr) from MSI-X back
// to INTx after its Init (the driver keeps its own copy of the Transport).
func PCIUseINTx(pci uint32) {
	if rng.t.Kind == KindPCI && rng.t.PCI == pci && rng.t.MSIXVectors != 0 {
		PCIDisableMSIX(&rng.t)
	}
	if net.t.Kind == KindPCI && net.t.PCI == pci && net.t.MSIXVectors != 0 {
		PCIDisableMSIX(&net.t)
	}
	for i := 0; i < blk.n; i++ {
		if d := &blk.disks[i]; d.t.Kind == KindPCI && d.t.PCI == pci && d.t.MSIXVectors != 0 {
			PCIDisableMSIX(&d.t)
		}
	}
}

// PCIMSIXCheck reports whether t's device still has the vectors PCIEnableMSIX gave it,
// for the configuration and each of its nq queues (read after the driver's Init).
func PCIMSIXCheck(t *Transport, nq uint16) bool {
	c := t.Common
	if dev.Read16(c+pcMSIXConfig) != 0 {
		return false
	}
	for q := uint16(0); q < nq; q++ {
		dev.Write16(c+pcQueueSelect, q)
		if dev.Read16(c+pcQueueMSIXVector) != msixEntryFor(t, q) {
			return false
		}
	}
	return true
}

// MSIXInterrupt services table entry e of the PCI function pci (a dev.PCIAddr) and
// returns what completed. Nothing is acknowledged: a message is an edge, and an event
// that arrives after the queue was looked at sends another.
func MSIXInterrupt(pci uint32, e uint16) uint32 {
	var ev uint32
	if rng.present && rng.t.Kind == KindPCI && rng.t.PCI == pci && rng.t.MSIXVectors != 0 {
		for rngCollect() {
			ev |= EvRng
		}
	}
	if net.present && net.t.Kind == KindPCI && net.t.PCI == pci && net.t.MSIXVectors != 0 {
		net.stats.Interrupts++
		q := MSIXQueueOf(&net.t, e)
		if q == -1 || q == -2 {
			ev |= EvNetConfig // with one shared message: perhaps
		}
		if (q == netRxQueue || q == -2) && net.rx.HasUsed(Phys{}) {
			ev |= EvNetRx
		}
		if (q == netTxQueue || q == -2) && netReclaimTx() {
			ev |= EvNetTx
		}
	}
	for i := 0; i < blk.n; i++ {
		d := &blk.disks[i]
		if d.t.Kind != KindPCI || d.t.PCI != pci || d.t.MSIXVectors == 0 {
			continue
		}
		d.stats.Interrupts++
		if blkReap(Phys{}, i) {
			ev |= EvBlk0 << i
		}
	}
	return ev
}
