package dev

import "unsafe"

// FillRandom fills the n bytes at p with random bytes (see fillRandom for the sources)
// and reports whether it could. p may be any kernel-accessible memory, including the
// application's.
func FillRandom(p unsafe.Pointer, n uintptr) bool {
	if n == 0 {
		return true
	}
	return fillRandom(unsafe.Slice((*byte)(p), n))
}
