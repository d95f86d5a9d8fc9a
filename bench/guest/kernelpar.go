package main

import (
	"flag"
	"fmt"
	"syscall"
	"unsafe"
)

// kernelpar measures how well kernel work spreads over the vCPUs: a fixed total of work,
// split over GOMAXPROCS threads, in two phases. faults: map 1 MiB, touch every page (a
// demand fault each), unmap, until -fault-mib MiB have been faulted in. futex: FUTEX_WAKE
// on a private word nobody waits on, -futex-calls times: a system call that does nothing
// but take its futex bucket's lock. With the work in the kernel, the speedup from 1 to 2
// vCPUs says whether the kernel runs those paths on both CPUs at once.
func kernelpar(args []string) error {
	fs := flag.NewFlagSet("kernelpar", flag.ContinueOnError)
	faultMiB := fs.Int("fault-mib", 64, "MiB to demand-fault in, in 1 MiB mappings")
	futexCalls := fs.Int("futex-calls", 100000, "FUTEX_WAKE calls in all")
	procs, err := parseCPUs(fs, args)
	if err != nil {
		return err
	}
	page := syscall.Getpagesize()
	d, err := spread(procs, *faultMiB, true, func(int) error {
		b, err := syscall.Mmap(-1, 0, 1<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			return err
		}
		for off := 0; off < len(b); off += page {
			b[off] = byte(off >> 12)
		}
		for off := 0; off < len(b); off += page {
			if b[off] != byte(off>>12) {
				return fmt.Errorf("page at %d reads %d, want %d", off, b[off], byte(off>>12))
			}
		}
		return syscall.Munmap(b)
	})
	if err != nil {
		return fmt.Errorf("faults: %v", err)
	}
	metric("kernel_faults", float64(d.Nanoseconds())/1e6, "ms")

	var word uint32
	const batch = 1000
	d, err = spread(procs, *futexCalls/batch, true, func(int) error {
		for i := 0; i < batch; i++ {
			n, _, e := syscall.Syscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(&word)), 0x81 /* FUTEX_WAKE_PRIVATE */, 1, 0, 0, 0)
			if e != 0 || n != 0 {
				return fmt.Errorf("FUTEX_WAKE: %d woken, errno %v", n, e)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("futex: %v", err)
	}
	metric("kernel_futex", float64(d.Nanoseconds())/1e6, "ms")
	metric("kernelpar_procs", float64(procs), "procs")
	return nil
}
