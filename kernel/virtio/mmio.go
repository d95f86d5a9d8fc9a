package virtio

import "github.com/unigo-os/unigo/kernel/dev"

// virtio-mmio version 2 (§4.2.2): one register block per device. QEMU's microvm places
// blocks 512 bytes apart at 0xFEB00000 and lists the populated ones on the kernel command
// line; its blocks are version 1 (legacy) unless -global virtio-mmio.force-legacy=false.

// Register offsets (§4.2.2, Table "MMIO Device Register Layout").
const (
	mmioMagicValue        = 0x000 // "virt"
	mmioVersion           = 0x004 // 2 for a modern device, 1 for legacy
	mmioDeviceID          = 0x008 // 0: empty slot
	mmioVendorID          = 0x00c
	mmioDeviceFeatures    = 0x010
	mmioDeviceFeaturesSel = 0x014
	mmioDriverFeatures    = 0x020
	mmioDriverFeaturesSel = 0x024
	mmioQueueSel          = 0x030
	mmioQueueNumMax       = 0x034
	mmioQueueNum          = 0x038
	mmioQueueReady        = 0x044
	mmioQueueNotify       = 0x050
	mmioInterruptStatus   = 0x060
	mmioInterruptACK      = 0x064
	mmioStatus            = 0x070
	mmioQueueDescLow      = 0x080
	mmioQueueDescHigh     = 0x084
	mmioQueueDriverLow    = 0x090 // the available ring
	mmioQueueDriverHigh   = 0x094
	mmioQueueDeviceLow    = 0x0a0 // the used ring
	mmioQueueDeviceHigh   = 0x0a4
	mmioConfigGeneration  = 0x0fc
	mmioConfig            = 0x100 // device-specific configuration

	mmioMagic = 0x74726976 // "virt", little-endian
)

// MMIO probe results.
const (
	ProbeOK = iota
	ProbeEmpty
	ProbeNotVirtio
	ProbeLegacy
)

// ProbeMMIO looks at the register block at base (inside the identity-mapped MMIO window)
// and fills t for a modern device there.
func ProbeMMIO(t *Transport, base uintptr, irq uint32) int {
	*t = Transport{Kind: KindMMIO, Base: base, IRQ: irq}
	if mmioRead(t, mmioMagicValue) != mmioMagic {
		return ProbeNotVirtio
	}
	t.DeviceID = mmioRead(t, mmioDeviceID)
	if t.DeviceID == 0 {
		return ProbeEmpty
	}
	if mmioRead(t, mmioVersion) != 2 {
		return ProbeLegacy
	}
	return ProbeOK
}

func mmioRead(t *Transport, reg uintptr) uint32     { return dev.Read32(t.Base + reg) }
func mmioWrite(t *Transport, reg uintptr, v uint32) { dev.Write32(t.Base+reg, v) }

func mmioFeatures(t *Transport) uint64 {
	mmioWrite(t, mmioDeviceFeaturesSel, 0)
	lo := mmioRead(t, mmioDeviceFeatures)
	mmioWrite(t, mmioDeviceFeaturesSel, 1)
	hi := mmioRead(t, mmioDeviceFeatures)
	return uint64(hi)<<32 | uint64(lo)
}

func mmioSetFeatures(t *Transport, f uint64) {
	mmioWrite(t, mmioDriverFeaturesSel, 0)
	mmioWrite(t, mmioDriverFeatures, uint32(f))
	mmioWrite(t, mmioDriverFeaturesSel, 1)
	mmioWrite(t, mmioDriverFeatures, uint32(f>>32))
}

func mmioQueueMax(t *Transport, i uint16) uint16 {
	mmioWrite(t, mmioQueueSel, uint32(i))
	if mmioRead(t, mmioQueueReady) != 0 {
		return 0 // already in use: §4.2.3.2 says to check
	}
	max := mmioRead(t, mmioQueueNumMax)
	if max > MaxQueueSize {
		max = MaxQueueSize
	}
	return uint16(max)
}

// mmioEnableQueue follows §4.2.3.2: select, size, the three addresses, then QueueReady.
func mmioEnableQueue(t *Transport, q *Queue) {
	mmioWrite(t, mmioQueueSel, uint32(q.Index))
	mmioWrite(t, mmioQueueNum, uint32(q.Size))
	mmioWrite(t, mmioQueueDescLow, uint32(q.Desc))
	mmioWrite(t, mmioQueueDescHigh, uint32(q.Desc>>32))
	mmioWrite(t, mmioQueueDriverLow, uint32(q.Avail))
	mmioWrite(t, mmioQueueDriverHigh, uint32(q.Avail>>32))
	mmioWrite(t, mmioQueueDeviceLow, uint32(q.Used))
	mmioWrite(t, mmioQueueDeviceHigh, uint32(q.Used>>32))
	mmioWrite(t, mmioQueueReady, 1)
}
