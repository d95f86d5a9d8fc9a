// Command blkstress works a volume mounted at /data from many goroutines at once, to
// prove the block layer under the file system: the volume lock sleeps (never spins) while
// other threads keep running, I/O waits survive the preemption signals Go sends all the
// time, and a syscall abandoned with EFAULT inside a file system operation gives the
// volume lock back.
//
// Checks (all by default):
//
//	parallel  8 goroutines each write, fsync, read back and check their own 2 MiB file
//	          while a spinning goroutine proves the CPUs are not blocked
//	efault    read(2) and write(2) of a volume file with a pointer the program does not
//	          have give EFAULT, and the volume still works afterwards (from another
//	          goroutine too)
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/unigo-os/unigo/e2e/testdata/internal/checks"
)

const dir = "/data"

func main() {
	checks.Main("blkstress", os.Args[1:], []checks.Check{
		{Name: "parallel", Run: parallel},
		{Name: "efault", Run: efault},
	})
}

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i/4096)*7 + byte(i) + seed
	}
	return b
}

func parallel() (string, error) {
	const workers, size = 8, 2 << 20
	var spins atomic.Int64
	stop := make(chan struct{})
	go func() { // runs whenever a worker sleeps on the disk
		for {
			select {
			case <-stop:
				return
			default:
				spins.Add(1)
			}
		}
	}()
	start := time.Now()
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			name := filepath.Join(dir, fmt.Sprintf("stress-%d", w))
			want := pattern(size, byte(w))
			f, err := os.Create(name)
			if err != nil {
				errs[w] = err
				return
			}
			defer f.Close()
			for off := 0; off < size; off += 64 << 10 {
				if _, err := f.Write(want[off : off+64<<10]); err != nil {
					errs[w] = err
					return
				}
			}
			if err := f.Sync(); err != nil {
				errs[w] = fmt.Errorf("fsync: %v", err)
				return
			}
			got, err := os.ReadFile(name)
			if err != nil {
				errs[w] = err
				return
			}
			if !bytes.Equal(got, want) {
				errs[w] = fmt.Errorf("%s read back differs", name)
			}
		}(w)
	}
	if !checks.WaitTimeout(&wg, 60*time.Second) {
		return "", fmt.Errorf("the workers did not finish within 60 s")
	}
	close(stop)
	for _, err := range errs {
		if err != nil {
			return "", err
		}
	}
	if spins.Load() == 0 {
		return "", fmt.Errorf("the spinning goroutine never ran while the workers waited")
	}
	return fmt.Sprintf("%d x %d MiB written, synced and read back in %v", workers, size>>20, time.Since(start).Round(time.Millisecond)), nil
}

func efault() (string, error) {
	name := filepath.Join(dir, "efault")
	if err := os.WriteFile(name, pattern(64<<10, 1), 0o644); err != nil {
		return "", err
	}
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	const bad = 0x10 // page 0: never mapped
	for _, c := range []struct {
		name string
		nr   uintptr
	}{{"read", syscall.SYS_PREAD64}, {"write", syscall.SYS_PWRITE64}} {
		_, _, errno := syscall.Syscall6(c.nr, f.Fd(), bad, 8192, 0, 0, 0)
		if errno != syscall.EFAULT {
			return "", fmt.Errorf("%s with a bad pointer: errno %d (%v), want EFAULT", c.name, errno, errno)
		}
	}
	// The volume lock must be free again: from this thread and from others.
	done := make(chan error, 1)
	go func() {
		b, err := os.ReadFile(name)
		if err == nil && !bytes.Equal(b, pattern(64<<10, 1)) {
			err = fmt.Errorf("contents changed")
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return "", fmt.Errorf("after EFAULT: %v", err)
		}
	case <-time.After(10 * time.Second):
		return "", fmt.Errorf("the volume hung after EFAULT (its lock was not released)")
	}
	if err := os.WriteFile(filepath.Join(dir, "after-efault"), []byte("ok\n"), 0o644); err != nil {
		return "", fmt.Errorf("after EFAULT: %v", err)
	}
	return "pread and pwrite gave EFAULT; the volume works afterwards", nil
}
