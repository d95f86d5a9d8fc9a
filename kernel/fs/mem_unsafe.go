package fs

import "unsafe"

// view returns b as a string without copying. b must not change while the string is in
// use: the mount table's names are written only by Setup.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
