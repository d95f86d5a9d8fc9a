// Command fakeguest is a stand-in for a unigo image in the vmm tests: its
// PVH entry (fakeguest_amd64.s) runs in 32-bit mode, finds '#' in the kernel
// command line and acts on the next byte:
//
//	m  print "out:", an exit marker for 7, "\n"; isa-debug-exit 7
//	z  print "zero\n" and a marker for 0; isa-debug-exit 0
//	n  print "nomarker\n"; isa-debug-exit 5 (no marker)
//	s  print "s\n"; isa-debug-exit 0 (no marker: QEMU status 1, silent)
//	r  fault with no IDT: triple fault, a reset
//	h  print "hang\n" and halt forever with interrupts off
//
// The Go program itself never runs.
package main

// pvhEntry is the image's entry point (see fakeguest_amd64.s).
func pvhEntry()

func main() {}
