package main

import (
	"flag"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// parseCPUs adds the -cpus flag to a workload's flags and parses args. With -cpus N it
// checks that the runtime sees N CPUs (so a VM shape that did not take effect fails instead
// of measuring the wrong thing). It returns GOMAXPROCS.
func parseCPUs(fs *flag.FlagSet, args []string) (int, error) {
	cpus := fs.Int("cpus", 0, "expected runtime.NumCPU() (0: do not check)")
	if err := fs.Parse(args); err != nil {
		return 0, err
	}
	procs := runtime.GOMAXPROCS(0)
	if *cpus > 0 && (runtime.NumCPU() != *cpus || procs != *cpus) {
		return 0, fmt.Errorf("want %d CPUs, runtime.NumCPU() = %d, GOMAXPROCS = %d", *cpus, runtime.NumCPU(), procs)
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
