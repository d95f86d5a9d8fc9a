// Package mmtest provides host-side stand-ins for the machine, for tests of kernel/mm and
// of any package that takes an mm.PhysMem or mm.TLB. It is never linked into the kernel
// (its types hold Go pointers, which kernel code must not store).
package mmtest

import "unsafe"

// RAM is a byte slice pretending to be physical memory at [Base, Base+len(Bytes)).
// It implements mm.PhysMem.
type RAM struct {
	Base  uint64
	Bytes []byte
}

// NewRAM returns size bytes of zeroed "physical memory" starting at physical address base.
// Large Go allocations are page aligned, so 8-byte loads through Ptr are aligned whenever
// the physical address is.
func NewRAM(base, size uint64) *RAM {
	return &RAM{Base: base, Bytes: make([]byte, size)}
}

// Ptr returns a pointer to the byte at physical address pa. Touching memory outside the
// slice is a bug in the code under test, so it panics instead of corrupting the heap.
func (r *RAM) Ptr(pa uint64) unsafe.Pointer {
	if pa < r.Base || pa-r.Base >= uint64(len(r.Bytes)) {
		panic("mmtest: physical address outside RAM")
	}
	return unsafe.Pointer(&r.Bytes[pa-r.Base])
}

// Load64 reads a little-endian word at pa, for tests that inspect page tables by hand.
func (r *RAM) Load64(pa uint64) uint64 { return *(*uint64)(r.Ptr(pa)) }

// Slice returns the n bytes at physical address pa, for tests that fill or check memory.
func (r *RAM) Slice(pa, n uint64) []byte {
	if pa < r.Base || pa-r.Base+n > uint64(len(r.Bytes)) {
		panic("mmtest: physical range outside RAM")
	}
	return r.Bytes[pa-r.Base : pa-r.Base+n]
}
