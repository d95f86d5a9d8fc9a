package dev

// Every device-register access in the kernel goes through these functions. The MMIO
// window is identity-mapped uncached, so an access is one load or store of the given
// width at a physical (== virtual) address.
//
// They are written in assembly (mmio_amd64.s) rather than as unsafe.Pointer loads so that
// each access is exactly one instruction of exactly that width, in program order, which
// the compiler can neither merge, split, reorder nor drop; and so that no uintptr ever
// turns into a Go pointer the garbage collector might see (go vet stays quiet too).

// Read8 loads a byte from a device register.
func Read8(addr uintptr) uint8

// Read16 loads a 16-bit device register.
func Read16(addr uintptr) uint16

// Read32 loads a 32-bit device register.
func Read32(addr uintptr) uint32

// Write8 stores a byte to a device register.
func Write8(addr uintptr, v uint8)

// Write16 stores a 16-bit device register.
func Write16(addr uintptr, v uint16)

// Write32 stores a 32-bit device register.
func Write32(addr uintptr, v uint32)
