package main

import (
	"runtime"
	"sort"
	"time"
)

func rdtsc() uint64

// hostTSCkHz measures the host's TSC frequency against the wall clock over
// about 200 ms. Under TCG a guest's RDTSC returns the host's TSC (QEMU
// cpu_get_host_ticks), so this is the guest's TSC frequency too. The Linux
// side gets it as tsc_early_khz=: without it Linux calibrates the TSC
// against the PIT, which fails now and then on a loaded host under TCG
// ("tsc: Unable to calibrate against PIT ... Marking TSC unstable"), and the
// boot then hangs (likely the Linux hangs that earlier versions of this
// suite retried).
func hostTSCkHz() int {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var k []float64
	for try := 0; try < 3; try++ {
		t0, c0 := time.Now(), rdtsc()
		time.Sleep(70 * time.Millisecond)
		c1, t1 := rdtsc(), time.Now()
		k = append(k, float64(c1-c0)/float64(t1.Sub(t0).Nanoseconds())*1e6)
	}
	sort.Float64s(k)
	return int(k[1] + 0.5)
}
