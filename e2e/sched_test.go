package e2e

import (
	"testing"
)

func TestGoroutineRingUnderLoad(t *testing.T) {
	r := runProg(t, opts{}, "goroutines", nil)
	for _, c := range []string{"ring", "mutex", "select"} {
		wantCheckOK(t, r, c)
	}
	wantPass(t, r, "goroutines")
}

func TestSpinningGoroutineIsPreempted(t *testing.T) {
	// If async preemption does not work, main never runs again and only
	// --timeout ends the guest.
	r := runProg(t, opts{}, "preempt", []string{"--timeout", "60s"})
	if r.code == exitTimeout {
		r.dump(t)
		t.Fatalf("guest hung (exit %d): with GOMAXPROCS=1 the goroutine spinning in a call-free loop was never preempted, so main never ran again", r.code)
	}
	wantMatch(t, r, `^GOMAXPROCS \d+ -> 1$`)
	for _, round := range []string{"0", "4"} {
		wantMatch(t, r, `^round `+round+`: main ran again after \S+; spinner advanced [1-9]\d*$`)
	}
	wantPass(t, r, "preempt")
}

// TestThousandGoroutinesBlockedInSyscallsEachGetAThread blocks 1,000 goroutines at once
// in read(2) on a blocking pipe, which the Go runtime does not poll: it needs an OS thread
// for each (the kernel once had slots for 127). Past the kernel's limit (1,023 threads)
// clone fails with EAGAIN and the runtime says so itself, exit 2, rather than the machine
// hanging.
func TestThousandGoroutinesBlockedInSyscallsEachGetAThread(t *testing.T) {
	requireQEMU(t)
	t.Run("1000 on 2 CPUs", func(t *testing.T) {
		t.Parallel()
		r := runProg(t, opts{}, "threads", []string{"--cpus", "2"}, "1000")
		wantCheckOK(t, r, "readers")
		wantPass(t, r, "threads")
	})
	t.Run("SA_RESTART", func(t *testing.T) {
		// A goroutine blocked in read(2) needs its thread in the kernel; a signal to that
		// thread must restart the read (Go's handlers have SA_RESTART), not fail it with
		// EINTR, which syscall.Read hands to the program.
		t.Parallel()
		r := runProg(t, opts{}, "threads", nil, "restart")
		wantCheckOK(t, r, "restart")
		wantPass(t, r, "threads")
	})
	t.Run("past the limit", func(t *testing.T) {
		t.Parallel()
		r := runProg(t, opts{}, "threads", nil, "1100")
		wantExit(t, r, 2)
		wantMatch(t, r, `^runtime: failed to create new OS thread \(have \d+ already; errno=11\)$`)
	})
}
