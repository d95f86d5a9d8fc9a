package virtio

import "github.com/unigo-os/unigo/kernel/dev"

// Mem is how the virtqueue code reaches ring memory by physical address. The kernel
// passes Phys; host tests pass a byte slice.
type Mem interface {
	Read16(pa uint64) uint16
	Write16(pa uint64, v uint16)
	Read32(pa uint64) uint32
	Write32(pa uint64, v uint32)
	Write64(pa uint64, v uint64)
}

// Phys is RAM, identity-mapped. Each access is one instruction of its width (dev's MMIO
// helpers), in program order: x86 keeps stores in order, so writing a ring entry and then
// the index that publishes it needs no fence beyond that.
type Phys struct{}

func (Phys) Read16(pa uint64) uint16     { return dev.Read16(uintptr(pa)) }
func (Phys) Write16(pa uint64, v uint16) { dev.Write16(uintptr(pa), v) }
func (Phys) Read32(pa uint64) uint32     { return dev.Read32(uintptr(pa)) }
func (Phys) Write32(pa uint64, v uint32) { dev.Write32(uintptr(pa), v) }
func (Phys) Write64(pa uint64, v uint64) {
	dev.Write32(uintptr(pa), uint32(v))
	dev.Write32(uintptr(pa)+4, uint32(v>>32))
}

// DMA hands out zeroed 4 KiB frames the device may read and write (identity-mapped, so
// the physical address is also the kernel's pointer). Frames are never given back: a
// device keeps its rings and buffers for the life of the machine.
type DMA interface {
	AllocPage() (pa uint64, ok bool)
}

const PageSize = 4096
