package main

import (
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// minTime is how long each microbenchmark runs at least (TCG runs guests
// 8-12x slower than the host, so this stays short).
var minTime = 150 * time.Millisecond

// measure runs f(n) with n doubling until one call takes minTime and
// returns ns per operation of that last call.
func measure(f func(n int)) float64 {
	n := 16
	for {
		t := time.Now()
		f(n)
		d := time.Since(t)
		if d >= minTime || n >= 1<<30 {
			return float64(d.Nanoseconds()) / float64(n)
		}
		n *= 2
		if d > 0 {
			// jump close to the target, then one more doubling at most
			est := int(float64(n/2) * float64(minTime) / float64(d) * 1.1)
			if est > n {
				n = est
			}
		}
	}
}

var sink int

func syscalls(args []string) error {
	metric("getpid", measure(func(n int) {
		for i := 0; i < n; i++ {
			sink += syscall.Getpid()
		}
	}), "ns/op")

	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		return fmt.Errorf("pipe: %v", err)
	}
	var b [1]byte
	var perr error
	metric("pipe_rw", measure(func(n int) {
		for i := 0; i < n && perr == nil; i++ {
			if _, err := syscall.Write(p[1], b[:]); err != nil {
				perr = err
			} else if _, err := syscall.Read(p[0], b[:]); err != nil {
				perr = err
			}
		}
	}), "ns/op")
	if perr != nil {
		return fmt.Errorf("pipe write/read: %v", perr)
	}
	syscall.Close(p[0])
	syscall.Close(p[1])

	metric("time_now", measure(func(n int) {
		for i := 0; i < n; i++ {
			sink += time.Now().Nanosecond()
		}
	}), "ns/op")

	metric("goroutine_pingpong", measure(func(n int) {
		ping, pong := make(chan int), make(chan int)
		go func() {
			for v := range ping {
				pong <- v
			}
		}()
		for i := 0; i < n; i++ {
			ping <- i
			<-pong
		}
		close(ping)
	}), "ns/op")

	metric("chan_handoff", measure(func(n int) {
		c := make(chan int, 128)
		done := make(chan bool)
		go func() {
			for v := range c {
				sink += v
			}
			done <- true
		}()
		for i := 0; i < n; i++ {
			c <- i
		}
		close(c)
		<-done
	}), "ns/op")

	const workers = 4
	metric("mutex_contended", measure(func(n int) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		count := 0
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < n/workers; i++ {
					mu.Lock()
					count++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		sink += count
	}), "ns/op")
	metric("gomaxprocs", float64(runtime.GOMAXPROCS(0)), "procs")
	return nil
}
