// Command goroutines exercises the scheduler: channels, mutexes, WaitGroups and
// select with timeouts, while CPU-bound goroutines compete for the processor.
//
// Arguments name the checks to run (default: all): ring, mutex, select.
// Each check prints `<check>: ok <details>` or `<check>: FAILED <reason>`;
// the last line is `PASS goroutines` or `FAIL goroutines: <checks>` (exit 1).
package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"github.com/unigo-os/unigo/e2e/testdata/internal/checks"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

const name = "goroutines"

var table = []checks.Check{
	{Name: "ring", Run: ring},
	{Name: "mutex", Run: mutex},
	{Name: "select", Run: selects},
}

// deadline bounds every wait so a broken scheduler fails instead of hanging
// (the harness has its own, longer, timeout).
const deadline = 30 * time.Second

const (
	ringSize  = 100
	ringHops  = 100_000
	busyCount = 2
)

// ring passes a token through a chain of ringSize goroutines; main closes the
// loop, so each lap is ringSize hops and the token counts them. busyCount
// goroutines burn CPU (yielding between chunks) the whole time.
func ring() (string, error) {
	var stop atomic.Bool
	var busyRounds atomic.Int64
	var busy sync.WaitGroup
	for range busyCount {
		busy.Add(1)
		go func() {
			defer busy.Done()
			var sum [32]byte
			for !stop.Load() {
				for range 256 {
					sum = sha256.Sum256(sum[:])
				}
				busyRounds.Add(1)
				// Yield now and then so the ring is not left waiting for
				// a 10ms preemption slice on every hop.
				runtime.Gosched()
			}
		}()
	}
	defer func() { stop.Store(true); busy.Wait() }()

	start := time.Now()
	chans := make([]chan int, ringSize+1)
	for i := range chans {
		chans[i] = make(chan int)
	}
	for i := 0; i < ringSize; i++ {
		go func(in <-chan int, out chan<- int) {
			defer close(out)
			for n := range in {
				out <- n + 1
			}
		}(chans[i], chans[i+1])
	}
	result := make(chan int, 1)
	go func() {
		n := 0
		for lap := 0; lap < ringHops/ringSize; lap++ {
			chans[0] <- n
			n = <-chans[ringSize]
		}
		close(chans[0])
		// Every ring goroutine closes its output after its input closes.
		for range chans[ringSize] {
		}
		result <- n
	}()
	select {
	case n := <-result:
		if n != ringHops {
			return "", fmt.Errorf("token counted %d hops, want %d", n, ringHops)
		}
		return fmt.Sprintf("%d hops through %d goroutines in %v (busy goroutines ran %d rounds)",
			n, ringSize, time.Since(start).Round(time.Millisecond), busyRounds.Load()), nil
	case <-time.After(deadline):
		return "", fmt.Errorf("ring not done after %v", deadline)
	}
}

func mutex() (string, error) {
	const workers, perWorker = 1000, 100
	var mu sync.Mutex
	var wg sync.WaitGroup
	counter := 0
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perWorker {
				mu.Lock()
				counter++
				mu.Unlock()
			}
		}()
	}
	if !checks.WaitTimeout(&wg, deadline) {
		return "", fmt.Errorf("WaitGroup not done after %v", deadline)
	}
	mu.Lock()
	got := counter
	mu.Unlock()
	if got != workers*perWorker {
		return "", fmt.Errorf("counter=%d, want %d", got, workers*perWorker)
	}
	return fmt.Sprintf("counter=%d from %d goroutines in %v", got, workers, time.Since(start).Round(time.Millisecond)), nil
}

func selects() (string, error) {
	// 1. Nothing ready: the timeout case fires, and not early.
	never := make(chan int)
	start := time.Now()
	select {
	case <-never:
		return "", errors.New("received from a channel nobody sends on")
	case <-time.After(20 * time.Millisecond):
	}
	timedOut := time.Since(start)
	if timedOut < 20*time.Millisecond {
		return "", fmt.Errorf("time.After(20ms) fired after %v", timedOut)
	}

	// 2. A ready channel wins over a pending timeout.
	ready := make(chan int, 1)
	ready <- 7
	select {
	case v := <-ready:
		if v != 7 {
			return "", fmt.Errorf("received %d, want 7", v)
		}
	case <-time.After(deadline):
		return "", errors.New("ready channel lost to the timeout")
	}

	// 3. A sender that wakes after 10ms beats a long timeout.
	late := make(chan int)
	go func() {
		time.Sleep(10 * time.Millisecond)
		late <- 42
	}()
	start = time.Now()
	select {
	case v := <-late:
		if v != 42 {
			return "", fmt.Errorf("received %d, want 42", v)
		}
	case <-time.After(deadline):
		return "", fmt.Errorf("sleeping sender never arrived within %v", deadline)
	}
	woke := time.Since(start)
	return fmt.Sprintf("timeout after %v, late sender after %v", timedOut.Round(time.Millisecond/10), woke.Round(time.Millisecond/10)), nil
}

func main() {
	checks.Main(name, os.Args[1:], table)
}
