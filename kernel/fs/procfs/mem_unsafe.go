package procfs

import "unsafe"

// view returns b as a string without copying: b is one of the package's buffers, which
// the caller uses before the next call that rewrites it.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
