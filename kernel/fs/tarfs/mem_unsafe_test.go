package tarfs

import (
	"testing"
	"unsafe"
)

// mounted keeps the archive under test alive (and unmoved: Go's heap does not move)
// while the package holds its address as an integer.
var mounted []byte

// mountBytes mounts archive b, failing the test unless Mount returns want.
func mountBytes(t *testing.T, b []byte, want int) {
	t.Helper()
	mounted = b
	var base uintptr
	if len(b) > 0 {
		base = uintptr(unsafe.Pointer(&b[0]))
	}
	if err := Mount(base, uint64(len(b))); int(err) != want {
		t.Fatalf("Mount = %v, want errno %d", err, want)
	}
}
