package virtio

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/mm"
)

// physBytes returns the n bytes at physical address pa (identity-mapped RAM) as a slice.
// mm.Identity turns the address into a pointer without a uintptr conversion go vet flags.
func physBytes(pa uint64, n int) []byte {
	return unsafe.Slice((*byte)(mm.Identity{}.Ptr(pa)), n)
}

// copyFromPhys copies len(dst) bytes from physical address pa.
func copyFromPhys(dst []byte, pa uint64) {
	if len(dst) > 0 {
		copy(dst, physBytes(pa, len(dst)))
	}
}

// copyToPhys copies src to physical address pa.
func copyToPhys(pa uint64, src []byte) {
	if len(src) > 0 {
		copy(physBytes(pa, len(src)), src)
	}
}

// zeroPhys clears n bytes at physical address pa.
func zeroPhys(pa uint64, n int) {
	clear(physBytes(pa, n))
}
