package virtio

import "github.com/unigo-os/unigo/kernel/dev"

// virtio-pci, modern interface (§4.1). The device's structures live in memory BARs and are
// found through vendor-specific capabilities (§4.1.4). QEMU's virtio-*-pci devices on pc
// are transitional (legacy I/O BAR plus the modern capabilities); we use only the modern
// part. Interrupts: MSI-X when the function has the capability and the kernel has vectors
// for it (msix.go); otherwise INTx on the line the firmware wrote into Interrupt Line,
// read through the ISR (§4.1.4.5).

const (
	pciVendorVirtio      = 0x1AF4
	pciDeviceModernBase  = 0x1040 // + device type (§4.1.2.1)
	pciDeviceTransFirst  = 0x1000 // transitional devices: the type is the subsystem ID
	pciDeviceTransLast   = 0x103F
	pciCapVendorSpecific = 0x09

	// struct virtio_pci_cap (§4.1.4): cap_vndr, cap_next, cap_len, cfg_type, bar, id,
	// padding[2], le32 offset, le32 length; the notify capability adds
	// le32 notify_off_multiplier.
	pciCapCfgType  = 3
	pciCapBar      = 4
	pciCapOffset   = 8
	pciCapNotifyMu = 16

	pciCapCommonCfg = 1 // VIRTIO_PCI_CAP_COMMON_CFG
	pciCapNotifyCfg = 2 // VIRTIO_PCI_CAP_NOTIFY_CFG
	pciCapISRCfg    = 3 // VIRTIO_PCI_CAP_ISR_CFG
	pciCapDeviceCfg = 4 // VIRTIO_PCI_CAP_DEVICE_CFG
)

// struct virtio_pci_common_cfg offsets (§4.1.4.3).
const (
	pcDeviceFeatureSelect = 0x00 // le32
	pcDeviceFeature       = 0x04 // le32
	pcDriverFeatureSelect = 0x08 // le32
	pcDriverFeature       = 0x0C // le32
	pcMSIXConfig          = 0x10 // le16
	pcNumQueues           = 0x12 // le16
	pcDeviceStatus        = 0x14 // u8
	pcConfigGeneration    = 0x15 // u8
	pcQueueSelect         = 0x16 // le16
	pcQueueSize           = 0x18 // le16
	pcQueueMSIXVector     = 0x1A // le16
	pcQueueEnable         = 0x1C // le16
	pcQueueNotifyOff      = 0x1E // le16
	pcQueueDesc           = 0x20 // le64
	pcQueueDriver         = 0x28 // le64
	pcQueueDevice         = 0x30 // le64

	pciNoVector = 0xFFFF // VIRTIO_MSI_NO_VECTOR
)

// PCI probe results beyond ProbeOK/ProbeNotVirtio.
const (
	ProbeNoCaps     = 10 + iota // a virtio function without the modern capabilities
	ProbeBAROutside             // a BAR outside the identity-mapped MMIO window
)

// PCIDeviceType returns the virtio device type of the function with this vendor, device
// and subsystem ID, or 0 if it is not a virtio device.
func PCIDeviceType(vendor, device, subsys uint16) uint32 {
	switch {
	case vendor != pciVendorVirtio:
		return 0
	case device >= pciDeviceModernBase && device < pciDeviceModernBase+0x40:
		return uint32(device - pciDeviceModernBase)
	case device >= pciDeviceTransFirst && device <= pciDeviceTransLast:
		return uint32(subsys)
	}
	return 0
}

// ProbePCI fills t from the capabilities of virtio function a (whose type PCIDeviceType
// gave), including the MSI-X capability if it has one, enables its memory decoding and bus
// mastering, and leaves INTx enabled (PCIEnableMSIX switches to MSI-X).
func ProbePCI(t *Transport, a dev.PCIAddr, deviceType uint32) int {
	*t = Transport{Kind: KindPCI, PCI: uint32(a), DeviceID: deviceType}
	if dev.PCIRead16(a, dev.PCIStatus)&dev.PCIStatusCapList == 0 {
		return ProbeNoCaps
	}
	off := uint32(dev.PCIRead8(a, dev.PCICapabilities)) &^ 3
	for n := 0; off != 0 && n < 48; n++ {
		if dev.PCIRead8(a, off) == pciCapVendorSpecific {
			bar := uint32(dev.PCIRead8(a, off+pciCapBar))
			if bar > 5 {
				off = uint32(dev.PCIRead8(a, off+1)) &^ 3
				continue
			}
			base := dev.PCIBAR(a, bar)
			addr := base + uint64(dev.PCIRead32(a, off+pciCapOffset))
			if base != 0 && (addr < dev.MMIOWindowBase || addr > dev.MMIOWindowEnd) {
				return ProbeBAROutside
			}
			switch dev.PCIRead8(a, off+pciCapCfgType) {
			case pciCapCommonCfg:
				if t.Common == 0 {
					t.Common = uintptr(addr)
				}
			case pciCapNotifyCfg:
				if t.NotifyBase == 0 {
					t.NotifyBase = uintptr(addr)
					t.NotifyMult = dev.PCIRead32(a, off+pciCapNotifyMu)
				}
			case pciCapISRCfg:
				if t.ISR == 0 {
					t.ISR = uintptr(addr)
				}
			case pciCapDeviceCfg:
				if t.DeviceCfg == 0 {
					t.DeviceCfg = uintptr(addr)
				}
			}
		}
		off = uint32(dev.PCIRead8(a, off+1)) &^ 3
	}
	if t.Common == 0 || t.NotifyBase == 0 || t.ISR == 0 {
		return ProbeNoCaps
	}
	var cfg ConfigSpace
	ReadConfigSpace(&cfg, a)
	if m, ok := FindMSIX(&cfg); ok {
		base := cfg.BAR(uint32(m.TableBAR))
		addr := base + uint64(m.TableOff)
		end := addr + uint64(m.Size)*msixEntrySize - 1
		t.MSIXCap = m.Off
		if m.TableBAR <= 5 && base != 0 && addr >= dev.MMIOWindowBase && end <= dev.MMIOWindowEnd && end > addr {
			t.MSIXTable, t.MSIXSize = uintptr(addr), m.Size
		}
	}
	cmd := dev.PCIRead16(a, dev.PCICommand)
	cmd |= dev.PCICommandMemory | dev.PCICommandBusMaster
	cmd &^= dev.PCICommandIntxDisable
	dev.PCIWrite16(a, dev.PCICommand, cmd)
	t.IRQ = uint32(dev.PCIRead8(a, dev.PCIInterruptLine))
	return ProbeOK
}

func pciStatus(t *Transport) uint8       { return dev.Read8(t.Common + pcDeviceStatus) }
func pciSetStatus(t *Transport, s uint8) { dev.Write8(t.Common+pcDeviceStatus, s) }

func pciConfigGeneration(t *Transport) uint32 {
	return uint32(dev.Read8(t.Common + pcConfigGeneration))
}

func pciFeatures(t *Transport) uint64 {
	dev.Write32(t.Common+pcDeviceFeatureSelect, 0)
	lo := dev.Read32(t.Common + pcDeviceFeature)
	dev.Write32(t.Common+pcDeviceFeatureSelect, 1)
	hi := dev.Read32(t.Common + pcDeviceFeature)
	return uint64(hi)<<32 | uint64(lo)
}

func pciSetFeatures(t *Transport, f uint64) {
	dev.Write32(t.Common+pcDriverFeatureSelect, 0)
	dev.Write32(t.Common+pcDriverFeature, uint32(f))
	dev.Write32(t.Common+pcDriverFeatureSelect, 1)
	dev.Write32(t.Common+pcDriverFeature, uint32(f>>32))
}

func pciQueueMax(t *Transport, i uint16) uint16 {
	if i >= dev.Read16(t.Common+pcNumQueues) {
		return 0
	}
	dev.Write16(t.Common+pcQueueSelect, i)
	max := dev.Read16(t.Common + pcQueueSize)
	if max > MaxQueueSize {
		max = MaxQueueSize
	}
	return max
}

// pciEnableQueue follows §4.1.5.1.3: select, size, the queue's MSI-X table entry (none
// with INTx; the configuration's too), the three addresses, then queue_enable; the notify
// address comes from queue_notify_off (§4.1.4.4).
func pciEnableQueue(t *Transport, q *Queue) {
	c := t.Common
	dev.Write16(c+pcQueueSelect, q.Index)
	dev.Write16(c+pcQueueSize, q.Size)
	if t.MSIXVectors != 0 {
		dev.Write16(c+pcMSIXConfig, 0)
	}
	dev.Write16(c+pcQueueMSIXVector, msixEntryFor(t, q.Index))
	write64(c+pcQueueDesc, q.Desc)
	write64(c+pcQueueDriver, q.Avail)
	write64(c+pcQueueDevice, q.Used)
	q.NotifyAddr = t.NotifyBase + uintptr(dev.Read16(c+pcQueueNotifyOff))*uintptr(t.NotifyMult)
	dev.Write16(c+pcQueueEnable, 1)
}

// pciNotify writes the queue index to its notification address (§4.1.5.2).
func pciNotify(q *Queue) { dev.Write16(q.NotifyAddr, q.Index) }

// pciAckInterrupt reads the ISR status, which clears it and drops INTx (§4.1.4.5).
func pciAckInterrupt(t *Transport) uint32 { return uint32(dev.Read8(t.ISR)) }

// write64 writes a 64-bit field of the common configuration as two 32-bit halves, low
// first (§4.1.3.1 allows that for 64-bit fields).
func write64(addr uintptr, v uint64) {
	dev.Write32(addr, uint32(v))
	dev.Write32(addr+4, uint32(v>>32))
}

func read8(addr uintptr) uint8   { return dev.Read8(addr) }
func read16(addr uintptr) uint16 { return dev.Read16(addr) }
