// x86-64 auxiliary vector entries, from arch/x86/include/uapi/asm/auxvec.h.

package linux

// Auxiliary vector types, arch/x86/include/uapi/asm/auxvec.h.
const (
	AT_SYSINFO_EHDR = 33
	// AT_VECTOR_SIZE_ARCH is the number of entries x86-64 may add (AT_SYSINFO_EHDR,
	// AT_MINSIGSTKSZ).
	AT_VECTOR_SIZE_ARCH = 2
)
