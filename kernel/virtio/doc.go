// Package virtio drives virtio devices (OASIS VIRTIO 1.2, cs01; section numbers in comments
// refer to it and match VIRTIO 1.1 where both have the section) in three layers:
//
//   - transport: transport.go with mmio.go (virtio-mmio version 2, §4.2) and pci.go
//     (virtio-pci modern, §4.1, found by a scan of PCI bus 0). Devices see only Transport.
//   - virtqueue: virtqueue.go, split virtqueues (§2.7), host-tested through the Mem seam.
//   - devices: rng.go (entropy, §5.4), net.go (network card, §5.1, raw Ethernet frames) and
//     blk.go (block device, §5.2, up to BlkMaxDisks disks with many requests in flight).
//
// Only modern (non-legacy) devices are driven: VIRTIO_F_VERSION_1 is always negotiated.
// A legacy virtio-mmio device (Version register 1) is refused with a message.
//
// QEMU flags:
//
//	microvm:  -M microvm,acpi=off -global virtio-mmio.force-legacy=false
//	          -device virtio-rng-device
//	          -netdev user,id=n0 -device virtio-net-device,netdev=n0
//	          -drive file=IMG,if=none,id=vol0,format=raw -device virtio-blk-device,drive=vol0
//	pc, q35:  -device virtio-rng-pci
//	          -netdev user,id=n0 -device virtio-net-pci,netdev=n0
//	          -drive file=IMG,if=none,id=vol0,format=raw -device virtio-blk-pci,drive=vol0
//
// acpi=off makes QEMU list the virtio-mmio slots on the kernel command line
// (virtio_mmio.device=<size>@<base>:<irq>); force-legacy=false makes them version 2.
// On PCI the interrupt is INTx through the I/O APIC (MSI-X is left disabled for now).
//
// Memory the device reads or writes (rings and buffers) comes from whole frames the kernel
// hands out through DMA; it is never Go memory. Every function runs in trap context
// (interrupts off, no allocation) and keeps its state in fixed globals without Go pointers.
// The package never blocks: it reports events from Interrupt and the kernel wakes waiters.
package virtio
