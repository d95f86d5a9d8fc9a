package dev

import "unsafe"

// kvmclockAreaAddr returns the physical (== virtual) address of kvmclockArea, which the
// hypervisor writes to. The kernel image is identity-mapped.
func kvmclockAreaAddr() uintptr {
	return uintptr(unsafe.Pointer(&kvmclockArea))
}
