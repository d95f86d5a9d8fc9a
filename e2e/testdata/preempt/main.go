// Command preempt checks that a goroutine spinning in a loop without function
// calls (so without cooperative preemption points) cannot starve the others:
// with GOMAXPROCS=1 the only way main runs again is asynchronous preemption,
// which the runtime does by sending SIGURG to the spinning thread.
//
// If preemption is broken, main never runs again and the program hangs: the
// harness's timeout catches that. The last line is `PASS preempt` or
// `FAIL preempt: reason` (exit 1).
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"
)

const name = "preempt"

// spins is advanced by the spinning goroutine. atomic.Int64.Add compiles to a
// single LOCK XADD on amd64: the loop below contains no call at all.
var spins atomic.Int64

const rounds = 5

func spin(started chan<- struct{}) {
	close(started)
	for {
		spins.Add(1)
	}
}

func main() {
	prev := runtime.GOMAXPROCS(1)
	fmt.Printf("GOMAXPROCS %d -> 1\n", prev)

	started := make(chan struct{})
	go spin(started)
	<-started

	start := time.Now()
	last := spins.Load()
	for i := range rounds {
		// Sleeping parks main; the spinner takes the only P. main's timer
		// fires, but main gets the P back only if the spinner is preempted.
		s := time.Now()
		time.Sleep(10 * time.Millisecond)
		slept := time.Since(s)
		now := spins.Load()
		fmt.Printf("round %d: main ran again after %v; spinner advanced %d\n", i, slept.Round(time.Millisecond), now-last)
		if now == last {
			fail(fmt.Sprintf("the spinner made no progress in round %d", i))
		}
		last = now
	}
	total := time.Since(start)
	// 5 rounds of 10ms: the runtime preempts after about 10ms, so a couple of
	// hundred milliseconds is plenty even when TCG is slow.
	if total > 5*time.Second {
		fail(fmt.Sprintf("%d rounds took %v: preemption is far too slow", rounds, total))
	}
	fmt.Printf("%d rounds in %v, %d spins\n", rounds, total.Round(time.Millisecond), last)
	fmt.Println("PASS " + name)
}

func fail(reason string) {
	fmt.Printf("FAIL %s: %s\n", name, reason)
	os.Exit(1)
}
