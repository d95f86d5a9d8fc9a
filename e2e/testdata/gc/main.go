// Command gc churns the garbage collector and checks that memory given back to
// the OS comes back zeroed.
//
// Usage: gc [-churn MiB] [checks...]; checks (default: all):
//
//	churn     allocate MiB (default 64) in short-lived objects, big and small,
//	          keeping only a small window live, so the total can be several
//	          times the guest's RAM
//	memstats  runtime.ReadMemStats is sane: HeapAlloc < Sys, NumGC > 0, ...
//	free      debug.FreeOSMemory makes HeapReleased grow, and a large []byte
//	          allocated afterwards (reusing released pages) reads as zero
//	madvise   anonymous mmap, fill, madvise(MADV_DONTNEED): pages read as zero
//	hold      (only when named) keep -hold MiB live and touched: more than the
//	          guest's RAM must end in a clear out-of-memory report, not a hang
//
// Each check prints `<check>: ok <details>` or `<check>: FAILED <reason>`;
// the last line is `PASS gc` or `FAIL gc: <checks>` (exit 1).
package main

import (
	"errors"
	"flag"
	"fmt"
	"github.com/unigo-os/unigo/e2e/testdata/internal/checks"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
)

const name = "gc"

const mib = 1 << 20

var (
	churnMiB = flag.Int("churn", 64, "MiB to allocate in the churn check")
	holdMiB  = flag.Int("hold", 64, "MiB to keep live in the hold check")
)

var table = []checks.Check{
	{Name: "churn", Run: churn},
	{Name: "memstats", Run: memstats},
	{Name: "free", Run: free},
	{Name: "madvise", Run: madvise},
	{Name: "hold", Run: hold},
}

// optIn lists the checks that run only when named.
var optIn = []string{"hold"}

// node is a small pointerful object so the collector has something to trace.
type node struct {
	next *node
	val  [6]uint64
}

// sink keeps the live window reachable so the compiler cannot drop the
// allocations; only the last windowSize big buffers and lists survive.
var sink struct {
	bufs  [windowSize][]byte
	lists [windowSize]*node
}

const (
	windowSize = 16
	bigSize    = 256 << 10 // large-object path (> 32 KiB)
	listLen    = 256       // small-object path, 64 B each
)

func churn() (string, error) {
	total := int64(*churnMiB) * mib
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	var allocated int64
	for i := 0; allocated < total; i++ {
		b := make([]byte, bigSize)
		// Touch every page so the memory is really backed, then check the
		// first and last bytes: fresh allocations must be zero.
		for j := 0; j < len(b); j += 4096 {
			if b[j] != 0 {
				return "", fmt.Errorf("fresh %d-byte allocation #%d has b[%d]=%#x, want 0", bigSize, i, j, b[j])
			}
			b[j] = byte(i) | 1
		}
		var head *node
		for j := 0; j < listLen; j++ {
			head = &node{next: head, val: [6]uint64{uint64(j)}}
		}
		sink.bufs[i%windowSize] = b
		sink.lists[i%windowSize] = head
		allocated += bigSize + listLen*int64(16+6*8)
	}
	// The live window must still be intact after all that collecting.
	for i, head := range sink.lists {
		n := 0
		for p := head; p != nil; p = p.next {
			if p.val[0] != uint64(listLen-1-n) {
				return "", fmt.Errorf("list %d corrupted at node %d: val=%d", i, n, p.val[0])
			}
			n++
		}
		if n != listLen {
			return "", fmt.Errorf("list %d has %d nodes, want %d", i, n, listLen)
		}
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	gcs := after.NumGC - before.NumGC
	if gcs == 0 {
		return "", fmt.Errorf("allocated %d MiB without a single GC", allocated/mib)
	}
	if got := int64(after.TotalAlloc - before.TotalAlloc); got < total {
		return "", fmt.Errorf("TotalAlloc grew by %d MiB, want >= %d MiB", got/mib, total/mib)
	}
	return fmt.Sprintf("allocated %d MiB in %v, %d GCs, Sys=%d MiB",
		allocated/mib, time.Since(start).Round(time.Millisecond), gcs, after.Sys/mib), nil
}

func memstats() (string, error) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	var problems []string
	if m.HeapAlloc == 0 || m.HeapAlloc >= m.Sys {
		problems = append(problems, fmt.Sprintf("HeapAlloc=%d not in (0, Sys=%d)", m.HeapAlloc, m.Sys))
	}
	if m.HeapInuse > m.HeapSys {
		problems = append(problems, fmt.Sprintf("HeapInuse=%d > HeapSys=%d", m.HeapInuse, m.HeapSys))
	}
	if m.HeapReleased > m.HeapSys {
		problems = append(problems, fmt.Sprintf("HeapReleased=%d > HeapSys=%d", m.HeapReleased, m.HeapSys))
	}
	if m.NumGC == 0 {
		problems = append(problems, "NumGC=0 after runtime.GC()")
	}
	if m.Mallocs < m.Frees {
		problems = append(problems, fmt.Sprintf("Mallocs=%d < Frees=%d", m.Mallocs, m.Frees))
	}
	if m.TotalAlloc < m.HeapAlloc {
		problems = append(problems, fmt.Sprintf("TotalAlloc=%d < HeapAlloc=%d", m.TotalAlloc, m.HeapAlloc))
	}
	if len(problems) > 0 {
		return "", errors.New(strings.Join(problems, "; "))
	}
	return fmt.Sprintf("HeapAlloc=%d KiB Sys=%d KiB NumGC=%d", m.HeapAlloc>>10, m.Sys>>10, m.NumGC), nil
}

const freeSize = 32 * mib

func free() (string, error) {
	// Dirty a large region, drop it, and hand it back to the OS.
	garbage := make([]byte, freeSize)
	for i := range garbage {
		garbage[i] = 0xAA
	}
	runtime.KeepAlive(garbage)
	garbage = nil
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	debug.FreeOSMemory()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if after.HeapReleased <= before.HeapReleased {
		return "", fmt.Errorf("HeapReleased did not grow: %d -> %d", before.HeapReleased, after.HeapReleased)
	}
	// A fresh allocation of the same size very likely reuses the released
	// pages; whatever it gets must read as zero.
	fresh := make([]byte, freeSize)
	for i, b := range fresh {
		if b != 0 {
			return "", fmt.Errorf("[]byte allocated after FreeOSMemory has fresh[%d]=%#x, want 0", i, b)
		}
	}
	runtime.KeepAlive(fresh)
	return fmt.Sprintf("HeapReleased %d -> %d KiB; %d MiB re-allocated reads as zero",
		before.HeapReleased>>10, after.HeapReleased>>10, freeSize/mib), nil
}

const madviseSize = 4 * mib

func madvise() (string, error) {
	mem, err := syscall.Mmap(-1, 0, madviseSize, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return "", fmt.Errorf("mmap: %v", err)
	}
	defer syscall.Munmap(mem)
	for i := range mem {
		if mem[i] != 0 {
			return "", fmt.Errorf("fresh mmap has mem[%d]=%#x, want 0", i, mem[i])
		}
		mem[i] = 0x5A
	}
	if err := syscall.Madvise(mem, syscall.MADV_DONTNEED); err != nil {
		return "", fmt.Errorf("madvise(MADV_DONTNEED): %v", err)
	}
	for i := range mem {
		if mem[i] != 0 {
			return "", fmt.Errorf("after MADV_DONTNEED mem[%d]=%#x, want 0", i, mem[i])
		}
	}
	// The pages must still be usable after being dropped.
	for i := 0; i < len(mem); i += 4096 {
		mem[i] = 1
	}
	for i := 0; i < len(mem); i += 4096 {
		if mem[i] != 1 {
			return "", fmt.Errorf("rewrite after MADV_DONTNEED lost mem[%d]", i)
		}
	}
	return fmt.Sprintf("%d MiB filled, MADV_DONTNEED, reads as zero, writable again", madviseSize/mib), nil
}

// held keeps the hold check's memory reachable.
var held [][]byte

func hold() (string, error) {
	for i := 0; i < *holdMiB; i++ {
		b := make([]byte, mib)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		held = append(held, b)
		if (i+1)%16 == 0 {
			fmt.Printf("hold: %d MiB live\n", i+1)
		}
	}
	return fmt.Sprintf("%d MiB live", len(held)), nil
}

func main() {
	flag.Parse()
	checks.Main(name, flag.Args(), table, optIn...)
}
