// Command smp checks the kernel's multiprocessor support from inside the guest. Each
// argument names a check; the program prints "<check>: ok ..." for each and a final
// "PASS smp" (or "FAIL smp: ..." and exit 1).
//
//	cpus=N      runtime.NumCPU() and GOMAXPROCS are N
//	parallel    two goroutines pinned to threads both make progress at the same time
//	shootdown   after munmap on one CPU, a reader on another CPU faults; it never reads
//	            the page's next owner's data through a stale TLB entry
//	stress=D    messages, mutexes, timers and GC churn together for duration D
//	affinity    sched_setaffinity moves the calling thread to the CPU it names
//	faults=D    for duration D, one thread per CPU demand-faults fresh mappings page by
//	            page (page faults on every CPU at once), checks every page, drops half
//	            with madvise(DONTNEED) (they must read zero again) and unmaps the rest,
//	            while pairs of threads pass a counter back and forth through raw futex
//	            waits and wakes (a lost wake-up would hang)
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

func main() {
	for _, arg := range os.Args[1:] {
		name, val, _ := strings.Cut(arg, "=")
		var detail string
		var err error
		switch name {
		case "cpus":
			detail, err = checkCPUs(val)
		case "parallel":
			detail, err = checkParallel()
		case "shootdown":
			detail, err = checkShootdown()
		case "stress":
			detail, err = checkStress(val)
		case "affinity":
			detail, err = checkAffinity()
		case "faults":
			detail, err = checkFaults(val)
		default:
			err = fmt.Errorf("unknown check %q", arg)
		}
		if err != nil {
			fmt.Printf("FAIL smp: %s: %v\n", name, err)
			os.Exit(1)
		}
		fmt.Printf("%s: ok %s\n", name, detail)
	}
	fmt.Println("PASS smp")
}

func checkCPUs(val string) (string, error) {
	want, err := strconv.Atoi(val)
	if err != nil {
		return "", err
	}
	n, p := runtime.NumCPU(), runtime.GOMAXPROCS(0)
	if n != want || p != want {
		return "", fmt.Errorf("NumCPU=%d GOMAXPROCS=%d, want %d", n, p, want)
	}
	return fmt.Sprintf("NumCPU=%d GOMAXPROCS=%d", n, p), nil
}

// checkParallel runs two spinning goroutines on their own threads and checks that, while
// both run, each keeps counting: on one CPU they would only alternate in time slices, so
// this looks at overlap, not speed.
func checkParallel() (string, error) {
	if runtime.NumCPU() < 2 {
		return "", fmt.Errorf("needs 2 CPUs, have %d", runtime.NumCPU())
	}
	var counts [2]atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			for !stop.Load() {
				counts[i].Add(1)
			}
		}()
	}
	// Sample both counters often; count the samples in which both moved.
	both, samples := 0, 0
	prev := [2]int64{counts[0].Load(), counts[1].Load()}
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
		cur := [2]int64{counts[0].Load(), counts[1].Load()}
		if cur[0] > prev[0] && cur[1] > prev[1] {
			both++
		}
		samples++
		prev = cur
	}
	stop.Store(true)
	wg.Wait()
	if both*2 < samples {
		return "", fmt.Errorf("both spinners advanced in only %d of %d samples", both, samples)
	}
	return fmt.Sprintf("both advanced in %d of %d samples", both, samples), nil
}

func checkShootdown() (string, error) {
	if runtime.NumCPU() < 2 {
		return "", fmt.Errorf("needs 2 CPUs, have %d", runtime.NumCPU())
	}
	const page = 4096
	rounds, faults := 0, 0
	for r := 0; r < 20; r++ {
		// Two pages: the reader's page, and a neighbour for the reuse below, so that the
		// reuse is at another address than the one the reader uses.
		// (syscall.Mmap for the first mapping; the raw calls below for the partial unmaps,
		// which the syscall package's own bookkeeping does not follow.)
		both, err := syscall.Mmap(-1, 0, 2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			return "", err
		}
		base := uintptr(unsafe.Pointer(&both[0]))
		// The neighbour stays reserved (PROT_NONE, never touched, so it has no frame): a
		// hole there could be handed to the runtime before the MAP_FIXED below lands on it.
		if err := syscall.Mprotect(both[page:], syscall.PROT_NONE); err != nil {
			return "", err
		}
		mem := both[:page]
		for i := range mem {
			mem[i] = 0xAA
		}
		var reading atomic.Bool
		result := make(chan error, 1)
		go func() {
			runtime.LockOSThread()
			debug.SetPanicOnFault(true)
			defer func() {
				if recover() != nil {
					result <- nil // faulted after the unmap: right
				}
			}()
			reading.Store(true)
			for {
				if v := mem[page/2]; v != 0xAA {
					result <- fmt.Errorf("read %#x from an unmapped page (stale TLB entry)", v)
					return
				}
			}
		}()
		for !reading.Load() {
			runtime.Gosched()
		}
		time.Sleep(2 * time.Millisecond)
		if err := munmap(base, page); err != nil {
			return "", err
		}
		// Reuse the freed frame at once, at the neighbouring address, with other contents.
		if _, err := mmap(base+page, page, syscall.MAP_FIXED); err != nil {
			return "", err
		}
		again := both[page:]
		for i := range again {
			again[i] = 0xBB
		}
		select {
		case err := <-result:
			if err != nil {
				return "", err
			}
			faults++
		case <-time.After(10 * time.Second):
			return "", fmt.Errorf("round %d: the reader never faulted after munmap", r)
		}
		munmap(base+page, page)
		rounds++
	}
	return fmt.Sprintf("%d rounds, %d faults, no stale reads", rounds, faults), nil
}

func checkStress(val string) (string, error) {
	d, err := time.ParseDuration(val)
	if err != nil {
		return "", err
	}
	deadline := time.Now().Add(d)
	var msgs, locks, timers atomic.Int64
	var mu sync.Mutex
	shared := 0
	var wg sync.WaitGroup
	// A ring of goroutines passing a token.
	const ring = 64
	chans := make([]chan int, ring)
	for i := range chans {
		chans[i] = make(chan int)
	}
	for i := 0; i < ring; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for v := range chans[i] {
				msgs.Add(1)
				if i+1 < ring {
					chans[i+1] <- v + 1
				}
			}
			if i+1 < ring {
				close(chans[i+1])
			}
		}(i)
	}
	// Mutex contention, timers and garbage, until the deadline.
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var junk [][]byte
			for time.Now().Before(deadline) {
				mu.Lock()
				shared++
				mu.Unlock()
				locks.Add(1)
				junk = append(junk, make([]byte, 1024))
				if len(junk) > 256 {
					junk = nil
				}
				t := time.NewTimer(time.Duration(locks.Load()%3) * time.Millisecond)
				<-t.C
				timers.Add(1)
			}
		}()
	}
	for time.Now().Before(deadline) {
		chans[0] <- 0
	}
	close(chans[0])
	wg.Wait()
	if int64(shared) != locks.Load() {
		return "", fmt.Errorf("mutex lost updates: %d != %d", shared, locks.Load())
	}
	if msgs.Load() == 0 || timers.Load() == 0 {
		return "", fmt.Errorf("no progress: %d messages, %d timers", msgs.Load(), timers.Load())
	}
	return fmt.Sprintf("%d messages, %d locks, %d timers", msgs.Load(), locks.Load(), timers.Load()), nil
}

// mmap maps n bytes of anonymous memory (at addr with MAP_FIXED) and returns its address.
func mmap(addr uintptr, n int, flags int) (uintptr, error) {
	p, _, errno := syscall.Syscall6(syscall.SYS_MMAP, addr, uintptr(n), syscall.PROT_READ|syscall.PROT_WRITE,
		uintptr(syscall.MAP_ANON|syscall.MAP_PRIVATE|flags), ^uintptr(0), 0)
	if errno != 0 {
		return 0, errno
	}
	return p, nil
}

func munmap(addr uintptr, n int) error {
	if _, _, errno := syscall.Syscall(syscall.SYS_MUNMAP, addr, uintptr(n), 0); errno != 0 {
		return errno
	}
	return nil
}

// checkAffinity pins the calling thread to each CPU in turn and asks getcpu where it runs.
func checkAffinity() (string, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	n := runtime.NumCPU()
	for round := 0; round < 3; round++ {
		for cpu := n - 1; cpu >= 0; cpu-- {
			var set, got [16]uint64
			set[cpu/64] = 1 << (cpu % 64)
			if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, unsafe.Sizeof(set), uintptr(unsafe.Pointer(&set))); e != 0 {
				return "", fmt.Errorf("sched_setaffinity(CPU %d): %v", cpu, e)
			}
			var c uint32
			if _, _, e := syscall.RawSyscall(sysGetcpu, uintptr(unsafe.Pointer(&c)), 0, 0); e != 0 {
				return "", fmt.Errorf("getcpu: %v", e)
			}
			if int(c) != cpu {
				return "", fmt.Errorf("pinned to CPU %d, running on CPU %d", cpu, c)
			}
			if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, unsafe.Sizeof(got), uintptr(unsafe.Pointer(&got))); e != 0 || got != set {
				return "", fmt.Errorf("sched_getaffinity after pinning to CPU %d: %v %#x", cpu, e, got[0])
			}
		}
	}
	var all [16]uint64
	for cpu := 0; cpu < n; cpu++ {
		all[cpu/64] |= 1 << (cpu % 64)
	}
	syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, unsafe.Sizeof(all), uintptr(unsafe.Pointer(&all)))
	return fmt.Sprintf("pinned to each of %d CPUs 3 times", n), nil
}

// sysGetcpu is getcpu(2) on linux/amd64 (the syscall package does not name it).
const sysGetcpu = 309

// checkFaults: see the package comment.
func checkFaults(val string) (string, error) {
	d, err := time.ParseDuration(val)
	if err != nil {
		return "", err
	}
	deadline := time.Now().Add(d)
	n := runtime.NumCPU()
	const pages = 256 // 1 MiB per round
	page := os.Getpagesize()
	var faults, pingpongs atomic.Int64
	errs := make(chan error, 2*n)
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			runtime.LockOSThread()
			for round := 0; time.Now().Before(deadline); round++ {
				b, err := syscall.Mmap(-1, 0, pages*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
				if err != nil {
					errs <- err
					return
				}
				mem := unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), pages*page/8)
				tag := uint64(w)<<48 | uint64(round)<<16
				for p := 0; p < pages; p++ {
					mem[p*page/8] = tag | uint64(p) // first touch: a demand fault
					mem[p*page/8+1] = ^(tag | uint64(p))
				}
				faults.Add(pages)
				for p := 0; p < pages; p++ {
					if mem[p*page/8] != tag|uint64(p) || mem[p*page/8+1] != ^(tag|uint64(p)) {
						errs <- fmt.Errorf("thread %d round %d: page %d holds %#x, want %#x", w, round, p, mem[p*page/8], tag|uint64(p))
						return
					}
				}
				if err := syscall.Madvise(b[:pages/2*page], syscall.MADV_DONTNEED); err != nil {
					errs <- err
					return
				}
				for p := 0; p < pages/2; p++ {
					if mem[p*page/8] != 0 {
						errs <- fmt.Errorf("thread %d round %d: page %d reads %#x after MADV_DONTNEED, want 0", w, round, p, mem[p*page/8])
						return
					}
				}
				if err := syscall.Munmap(b); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	// Futex ping-pong: each pair shares a word; a side waits while the word is not its turn.
	for pair := 0; pair < n; pair++ {
		word := new(uint32)
		for side := uint32(0); side < 2; side++ {
			wg.Add(1)
			go func(side uint32) {
				defer wg.Done()
				runtime.LockOSThread()
				addr := uintptr(unsafe.Pointer(word))
				for i := 0; ; i++ {
					for {
						v := atomic.LoadUint32(word)
						if v == ^uint32(0) {
							return // the other side stopped
						}
						if v%2 == side {
							break
						}
						syscall.Syscall6(syscall.SYS_FUTEX, addr, 0x80 /* WAIT|PRIVATE */, uintptr(v), 0, 0, 0)
					}
					next := atomic.LoadUint32(word) + 1
					if !time.Now().Before(deadline) {
						next = ^uint32(0)
					}
					atomic.StoreUint32(word, next)
					syscall.Syscall6(syscall.SYS_FUTEX, addr, 0x81 /* WAKE|PRIVATE */, 1, 0, 0, 0)
					pingpongs.Add(1)
					if next == ^uint32(0) {
						return
					}
				}
			}(side)
		}
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return "", err
	}
	return fmt.Sprintf("%d demand faults, %d futex hand-offs", faults.Load(), pingpongs.Load()), nil
}
