package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"time"
)

// parallel hashes -blocks independent blocks of -kib KiB with SHA-256,
// -rounds times, in GOMAXPROCS goroutines that take blocks from a shared
// counter, and reports the time (issue 6: CPU-bound speedup at 1 and 2
// vCPUs). With -cpus N it first checks that the runtime sees N CPUs, so a
// VM shape that did not take effect fails instead of measuring the wrong
// thing.
func parallel(args []string) error {
	fs := flag.NewFlagSet("parallel", flag.ContinueOnError)
	blocks := fs.Int("blocks", 64, "independent blocks per round")
	kib := fs.Int("kib", 64, "block size in KiB")
	rounds := fs.Int("rounds", 4, "rounds over all blocks")
	procs, err := parseCPUs(fs, args)
	if err != nil {
		return err
	}
	data := make([][]byte, *blocks)
	for i := range data {
		data[i] = make([]byte, *kib<<10)
		for j := range data[i] {
			data[i][j] = byte(i*31 + j)
		}
	}
	sums := make([][sha256.Size]byte, *blocks)
	want := make([][sha256.Size]byte, *blocks)
	for i := range data { // reference, and warms up the code and the pages
		want[i] = sha256.Sum256(data[i])
	}
	var d time.Duration
	for r := 0; r < *rounds; r++ {
		dr, _ := spread(procs, len(data), false, func(i int) error {
			sums[i] = sha256.Sum256(data[i])
			return nil
		})
		d += dr
	}
	for i := range sums {
		if sums[i] != want[i] {
			return fmt.Errorf("block %d: hash differs from the reference", i)
		}
	}
	metric("parallel", float64(d.Nanoseconds())/1e6, "ms")
	metric("parallel_procs", float64(procs), "procs")
	return nil
}
