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

func TestNumCPU(t *testing.T) {
	requireQEMU(t)
	t.Run("--cpus 1", func(t *testing.T) {
		t.Parallel()
		r := runProg(t, opts{}, "numcpu", []string{"--cpus", "1"}, "1")
		wantLines(t, r, "NumCPU=1 GOMAXPROCS=1")
		wantPass(t, r, "numcpu")
	})
	t.Run("--cpus 2", func(t *testing.T) {
		// Until SMP the kernel may report 1 CPU; either way GOMAXPROCS
		// must follow NumCPU.
		t.Parallel()
		r := runProg(t, opts{}, "numcpu", []string{"--cpus", "2"})
		m := wantMatch(t, r, `^NumCPU=([12]) GOMAXPROCS=([12])$`)
		if m != nil {
			t.Logf("--cpus 2: guest reports NumCPU=%s", m[1])
		}
		wantPass(t, r, "numcpu")
	})
}
