package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// wantCPUs checks, for cpus > 0, that the runtime sees that many CPUs (so a VM shape that
// did not take effect fails instead of measuring the wrong thing), and returns GOMAXPROCS.
func wantCPUs(cpus int) (int, error) {
	procs := runtime.GOMAXPROCS(0)
	if cpus > 0 && (runtime.NumCPU() != cpus || procs != cpus) {
		return 0, fmt.Errorf("want %d CPUs, runtime.NumCPU() = %d, GOMAXPROCS = %d", cpus, runtime.NumCPU(), procs)
	}
	return procs, nil
}

// spread runs work(0..units-1) on procs goroutines that take units from a shared counter
// (each on its own OS thread if lockThreads), and returns how long that took and the first
// error.
func spread(procs, units int, lockThreads bool, work func(i int) error) (time.Duration, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, procs)
	t := time.Now()
	for p := 0; p < procs; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if lockThreads {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
			}
			for {
				i := int(next.Add(1) - 1)
				if i >= units {
					return
				}
				if err := work(i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	d := time.Since(t)
	close(errs)
	return d, <-errs
}
