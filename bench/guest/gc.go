package main

import (
	"flag"
	"runtime"
	"time"
)

// gcChurn allocates -total MiB in short-lived objects of 16 B to 8 KiB, of
// which a ring of 4096 stays alive at any time, and reports the time taken
// and the number of GC cycles.
func gcChurn(args []string) error {
	fs := flag.NewFlagSet("gc", flag.ContinueOnError)
	total := fs.Int("total", 256, "MiB to allocate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var ring [4096][]byte
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	want := int64(*total) << 20
	var done int64
	seed := uint32(1)
	t := time.Now()
	for i := 0; done < want; i++ {
		seed = seed*1664525 + 1013904223
		sz := 16 << (seed >> 28 % 10) // 16 B .. 8 KiB
		b := make([]byte, sz)
		b[0] = byte(i)
		ring[i%len(ring)] = b
		done += int64(sz)
	}
	d := time.Since(t)
	runtime.ReadMemStats(&ms1)
	metric("gc_churn", float64(d.Nanoseconds())/1e6, "ms")
	metric("gc_cycles", float64(ms1.NumGC-ms0.NumGC), "cycles")
	metric("gc_heap_sys", float64(ms1.HeapSys)/(1<<20), "MiB")
	return nil
}
