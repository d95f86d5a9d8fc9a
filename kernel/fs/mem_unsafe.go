package fs

import "unsafe"

// view returns b as a string without copying. b must not change while the string is in
// use: the mount table's names are written only when a mount is added, a path buffer
// or an ext2 link slot only by the next symlink it holds.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// frameBytes returns the 4 KiB frame at physical address pa as a slice.
func frameBytes(e Env, pa uint64) []byte {
	return unsafe.Slice((*byte)(e.Mem.Ptr(pa)), 4096)
}
