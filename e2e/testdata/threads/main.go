// Command threads blocks N goroutines at once in read(2) on one blocking pipe, a call the
// Go runtime does not poll, so that it needs an OS thread for each of them, as a program
// that reads many pipes or volume files at once does. The argument is N.
//
// Nothing is written until all N goroutines have started, so none can return before the
// last one blocks: N threads are in the kernel at the same time. Then N bytes are written
// and every reader must get exactly one. It prints "readers: ok <details>" and the last
// line is `PASS threads`, or `FAIL threads: reason` (exit 1). Past the kernel's thread
// limit the runtime itself stops the program ("failed to create new OS thread").
//
// `threads restart` checks instead that a blocking read(2) interrupted by a signal whose
// handler has SA_RESTART (every handler the Go runtime installs) is restarted, not failed
// with EINTR: syscall.Read does not retry, so an EINTR would reach the program.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const name = "threads"

func main() {
	if len(os.Args) == 2 && os.Args[1] == "restart" {
		restart()
		fmt.Println("PASS " + name)
		return
	}
	if len(os.Args) != 2 {
		fail("usage: threads N | threads restart")
	}
	n, err := strconv.Atoi(os.Args[1])
	if err != nil || n < 1 || n > 60000 {
		fail("bad count " + os.Args[1])
	}
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil { // blocking ends: read(2) sleeps in the kernel
		fail(fmt.Sprintf("pipe: %v", err))
	}
	var started, bytes, errs atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Add(1)
			var b [1]byte
			if k, err := syscall.Read(fds[0], b[:]); k != 1 || err != nil {
				errs.Add(1)
				return
			}
			bytes.Add(1)
		}()
	}
	for started.Load() < int64(n) {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	buf := make([]byte, n)
	for off := 0; off < n; {
		k, err := syscall.Write(fds[1], buf[off:])
		if err != nil {
			fail(fmt.Sprintf("write: %v", err))
		}
		off += k
	}
	wg.Wait()
	if errs.Load() != 0 || bytes.Load() != int64(n) {
		fail(fmt.Sprintf("%d readers got a byte and %d an error, want %d and 0", bytes.Load(), errs.Load(), n))
	}
	fmt.Printf("readers: ok %d goroutines blocked in read(2) at once, all released in %v\n", n, time.Since(start).Round(time.Millisecond))
	fmt.Println("PASS " + name)
}

// restart blocks a goroutine, locked to its thread, in read(2) on an empty blocking pipe,
// sends that thread SIGUSR1 (signal.Notify makes the runtime install a handler, with
// SA_RESTART) five times, then writes a byte: the read must return it.
func restart() {
	signal.Notify(make(chan os.Signal, 8), syscall.SIGUSR1)
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		fail(fmt.Sprintf("pipe: %v", err))
	}
	tid := make(chan int)
	type result struct {
		n   int
		err error
	}
	done := make(chan result)
	go func() {
		runtime.LockOSThread()
		tid <- syscall.Gettid()
		var b [1]byte
		n, err := syscall.Read(fds[0], b[:])
		done <- result{n, err}
	}()
	t := <-tid
	for i := 0; i < 5; i++ {
		time.Sleep(50 * time.Millisecond) // the reader is (most likely) blocked by now
		if err := syscall.Tgkill(syscall.Getpid(), t, syscall.SIGUSR1); err != nil {
			fail(fmt.Sprintf("tgkill: %v", err))
		}
	}
	select {
	case r := <-done:
		fail(fmt.Sprintf("the read returned before any write: %d, %v", r.n, r.err))
	case <-time.After(100 * time.Millisecond):
	}
	syscall.Write(fds[1], []byte{7})
	r := <-done
	if r.n != 1 || r.err != nil {
		fail(fmt.Sprintf("read after 5 signals: %d, %v; want 1 byte, no error (restarted)", r.n, r.err))
	}
	fmt.Println("restart: ok a read blocked on a pipe went on through 5 signals with SA_RESTART handlers")
}

func fail(reason string) {
	fmt.Printf("FAIL %s: %s\n", name, reason)
	os.Exit(1)
}
