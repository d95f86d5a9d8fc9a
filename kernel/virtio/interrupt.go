package virtio

// Events Interrupt reports, for the kernel to wake whoever waits for them.
const (
	EvRng       = 1 << iota // entropy is ready (RngTake)
	EvNetRx                 // a frame is waiting (NetReceive)
	EvNetTx                 // transmit buffers came back (NetTransmit has room)
	EvNetConfig             // the network device's configuration (link state) changed
	EvBlk0                  // block device 0 completed requests; disk i is EvBlk0 << i
)

// Interrupt services every device on GSI irq and returns what completed. The interrupt
// is edge-triggered and lines may be shared (PCI INTx), so it acknowledges each device's
// status (dropping its part of the line) before looking at the device's queues, and
// passes over the devices until every status reads zero: an event that arrives after its
// device's acknowledgement either raises a fresh edge or shows up in the next pass.
// Devices on MSI-X (IRQ NoIRQ) never match a GSI: MSIXInterrupt (msix.go) serves them.
func Interrupt(irq uint32) uint32 {
	var ev uint32
	for pass := 0; pass < 16; pass++ {
		pending := false
		if rng.present && rng.t.IRQ == irq {
			if rng.t.AckInterrupt() != 0 {
				pending = true
			}
			for rngCollect() {
				ev |= EvRng
			}
		}
		if net.present && net.t.IRQ == irq {
			s := net.t.AckInterrupt()
			if s != 0 {
				pending = true
				net.stats.Interrupts++
			}
			if s&IntConfigChange != 0 {
				ev |= EvNetConfig
			}
			if net.rx.HasUsed(Phys{}) {
				ev |= EvNetRx
			}
			if netReclaimTx() {
				ev |= EvNetTx
			}
		}
		e, p := blkInterrupt(irq)
		ev |= e
		pending = pending || p
		if !pending {
			break
		}
	}
	return ev
}
