package tmpfs

import "unsafe"

// frameBytes returns the 4 KiB frame at physical address pa as a slice.
func frameBytes(e Env, pa uint64) []byte {
	return unsafe.Slice((*byte)(e.Mem.Ptr(pa)), pageSize)
}

// word returns the i-th 8-byte word of the index frame at pa (a frame address, or 0).
func word(e Env, pa uint64, i uint64) *uint64 {
	return (*uint64)(e.Mem.Ptr(pa + i*8))
}

// strAt returns the n bytes at physical address pa as a string, without copying. The
// string is valid until the frame is written or freed: callers use it at once.
func strAt(e Env, pa uint64, n int) string {
	if n == 0 {
		return ""
	}
	return unsafe.String((*byte)(e.Mem.Ptr(pa)), n)
}
