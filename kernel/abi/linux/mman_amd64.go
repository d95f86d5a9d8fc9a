// x86-64-only mmap flags, from arch/x86/include/uapi/asm/mman.h.

package linux

// mmap flags, arch/x86/include/uapi/asm/mman.h.
const (
	MAP_32BIT   = 0x40
	MAP_ABOVE4G = 0x80
)
