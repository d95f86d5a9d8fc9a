package ext2

import "unsafe"

// bytesAt returns the n bytes at physical address pa as a slice (a buffer of the cache).
func bytesAt(e Env, pa uint64, n int) []byte {
	return unsafe.Slice((*byte)(e.Mem.Ptr(pa)), n)
}

// view returns b as a string without copying: valid while b does not change, which for
// a cache buffer means until the next cache lookup of the volume.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
