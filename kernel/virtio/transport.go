package virtio

// The transport layer: what a device driver may do to its device, whatever the bus.
// Transport is a plain value (no interface: kernel globals must hold no pointers), and
// its methods dispatch on Kind to mmio.go or pci.go.

// Device status bits (§2.1).
const (
	StatusAcknowledge = 1   // the guest noticed the device
	StatusDriver      = 2   // the guest knows how to drive it
	StatusDriverOK    = 4   // the driver is ready
	StatusFeaturesOK  = 8   // feature negotiation is complete
	StatusNeedsReset  = 64  // the device hit an error it cannot recover from
	StatusFailed      = 128 // the guest gave up on the device
)

// Feature bits independent of the device type (§6).
const (
	FIndirectDesc = 1 << 28 // VIRTIO_F_INDIRECT_DESC (not used)
	FEventIdx     = 1 << 29 // VIRTIO_F_EVENT_IDX (not used)
	FVersion1     = 1 << 32 // VIRTIO_F_VERSION_1: a modern device; required
)

// Device types (§5).
const (
	DeviceNet = 1
	DeviceRNG = 4
)

// Interrupt status bits: virtio-mmio InterruptStatus (§4.2.2) and the PCI ISR (§4.1.4.5).
const (
	IntUsedBuffer   = 1 // a queue has returned buffers
	IntConfigChange = 2 // the device configuration changed
)

// Transport kinds.
const (
	KindMMIO = 1
	KindPCI  = 2
)

// Transport is one device's registers.
type Transport struct {
	Kind     uint8
	DeviceID uint32 // the device type (§5)
	IRQ      uint32 // GSI the device interrupts on

	// virtio-mmio: the register block (§4.2.2).
	Base uintptr

	// virtio-pci: the function and the mapped structures its capabilities point at
	// (§4.1.4).
	PCI        uint32 // dev.PCIAddr
	Common     uintptr
	ISR        uintptr
	DeviceCfg  uintptr
	NotifyBase uintptr
	NotifyMult uint32

	// virtio-pci MSI-X (msix.go): the capability's offset (0: none), its table and size
	// (0 when the table lies outside the mapped window), and how many entries the device
	// signals on (0: INTx).
	MSIXCap     uint32
	MSIXTable   uintptr
	MSIXSize    uint16
	MSIXVectors uint16
}

// NoIRQ is Transport.IRQ of a device that signals by MSI-X instead of a GSI.
const NoIRQ = ^uint32(0)

// Reset writes 0 to the device status and waits for it to read back 0 (§2.4.2).
func (t *Transport) Reset() {
	t.SetStatus(0)
	for i := 0; i < 1_000_000 && t.Status() != 0; i++ {
	}
}

// Status reads the device status.
func (t *Transport) Status() uint8 {
	if t.Kind == KindMMIO {
		return uint8(mmioRead(t, mmioStatus))
	}
	return pciStatus(t)
}

// SetStatus writes the device status.
func (t *Transport) SetStatus(s uint8) {
	if t.Kind == KindMMIO {
		mmioWrite(t, mmioStatus, uint32(s))
		return
	}
	pciSetStatus(t, s)
}

// AddStatus sets bits in the device status.
func (t *Transport) AddStatus(s uint8) { t.SetStatus(t.Status() | s) }

// DeviceFeatures reads all 64 feature bits the device offers.
func (t *Transport) DeviceFeatures() uint64 {
	if t.Kind == KindMMIO {
		return mmioFeatures(t)
	}
	return pciFeatures(t)
}

// SetDriverFeatures writes the feature bits the driver accepts.
func (t *Transport) SetDriverFeatures(f uint64) {
	if t.Kind == KindMMIO {
		mmioSetFeatures(t, f)
		return
	}
	pciSetFeatures(t, f)
}

// QueueMax returns the largest size queue i may have, 0 if the queue does not exist.
func (t *Transport) QueueMax(i uint16) uint16 {
	if t.Kind == KindMMIO {
		return mmioQueueMax(t, i)
	}
	return pciQueueMax(t, i)
}

// EnableQueue tells the device where q's rings are and enables it. q.Size must not exceed
// QueueMax(q.Index).
func (t *Transport) EnableQueue(q *Queue) {
	if t.Kind == KindMMIO {
		mmioEnableQueue(t, q)
		return
	}
	pciEnableQueue(t, q)
}

// Notify tells the device that q has new available buffers (§2.7.13.3).
func (t *Transport) Notify(q *Queue) {
	if t.Kind == KindMMIO {
		mmioWrite(t, mmioQueueNotify, uint32(q.Index))
		return
	}
	pciNotify(q)
}

// AckInterrupt reads and acknowledges the interrupt status (IntUsedBuffer,
// IntConfigChange), which drops the interrupt line.
func (t *Transport) AckInterrupt() uint32 {
	if t.Kind == KindMMIO {
		s := mmioRead(t, mmioInterruptStatus)
		if s != 0 {
			mmioWrite(t, mmioInterruptACK, s)
		}
		return s
	}
	return pciAckInterrupt(t)
}

// ConfigGeneration returns the device configuration's generation counter (§2.5.1).
func (t *Transport) ConfigGeneration() uint32 {
	if t.Kind == KindMMIO {
		return mmioRead(t, mmioConfigGeneration)
	}
	return pciConfigGeneration(t)
}

// Config8 and Config16 read the device-specific configuration at off.
func (t *Transport) Config8(off uintptr) uint8 { return read8(t.configBase() + off) }
func (t *Transport) Config16(off uintptr) uint16 {
	return read16(t.configBase() + off)
}

func (t *Transport) configBase() uintptr {
	if t.Kind == KindMMIO {
		return t.Base + mmioConfig
	}
	return t.DeviceCfg
}

// SetupQueue allocates the rings of queue index (up to want entries, and no more than the
// device allows), initializes q and enables it on the device. It returns "" or what went
// wrong.
func (t *Transport) SetupQueue(q *Queue, index, want uint16, dma DMA) string {
	max := t.QueueMax(index)
	if max == 0 {
		return "queue missing"
	}
	size := want
	for size > max {
		size >>= 1
	}
	var pa [3]uint64
	for i := range pa {
		p, ok := dma.AllocPage()
		if !ok {
			return "out of memory for rings"
		}
		pa[i] = p
	}
	if !q.Init(Phys{}, index, size, pa[0], pa[1], pa[2]) {
		return "bad queue size"
	}
	t.EnableQueue(q)
	return ""
}

// Negotiate runs the start of device initialization (§3.1.1, steps 1-6): reset,
// ACKNOWLEDGE, DRIVER, feature negotiation, FEATURES_OK, and the check that the device
// kept it. It accepts the features in want that the device offers; VIRTIO_F_VERSION_1 is
// required. It returns the accepted features and "" or what went wrong.
func (t *Transport) Negotiate(want uint64) (uint64, string) {
	// 1. Reset the device.
	t.Reset()
	// 2. Set ACKNOWLEDGE: we noticed it.
	t.AddStatus(StatusAcknowledge)
	// 3. Set DRIVER: we can drive it.
	t.AddStatus(StatusDriver)
	// 4. Read the device's features and write the subset we understand.
	offered := t.DeviceFeatures()
	if offered&FVersion1 == 0 {
		t.AddStatus(StatusFailed)
		return 0, "device is legacy only (no VIRTIO_F_VERSION_1)"
	}
	accepted := offered & (want | FVersion1)
	t.SetDriverFeatures(accepted)
	// 5. Set FEATURES_OK; no feature bits may be accepted after this.
	t.AddStatus(StatusFeaturesOK)
	// 6. Re-read the status: the device clears FEATURES_OK if it rejects our subset.
	if t.Status()&StatusFeaturesOK == 0 {
		t.AddStatus(StatusFailed)
		return 0, "device rejected the features"
	}
	return accepted, ""
}

// Ready completes initialization (§3.1.1 step 8) after the queues are set up (step 7):
// DRIVER_OK, from which point the device may use the queues and interrupt.
func (t *Transport) Ready() { t.AddStatus(StatusDriverOK) }
