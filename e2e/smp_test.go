package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestNumCPUFollowsCPUsFlag checks that --cpus N starts N CPUs and that the Go runtime
// sees them: runtime.NumCPU() and GOMAXPROCS are N, up to the kernel's limit of 64.
func TestNumCPUFollowsCPUsFlag(t *testing.T) {
	for _, n := range []int{1, 2, 4, 64} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			o := opts{}
			if n > 2 {
				o.exclusive = true // four vCPUs on this two-core machine: take both slots
			}
			r := runProg(t, o, "smp", []string{"--cpus", strconv.Itoa(n)}, "cpus="+strconv.Itoa(n))
			wantExit(t, r, 0)
			wantPass(t, r, "smp")
		})
	}
}

// TestSMPParallelShootdownAndStress runs, on 2, 4 and 16 CPUs: munmap on one CPU while
// another reads the page (it must fault, never read the frame's next owner through a stale
// TLB entry), sched_setaffinity pinning a thread to each CPU in turn (getcpu must agree),
// and a few seconds of messages, mutex contention, timers and garbage collection together,
// and a few seconds of page faults, madvise and munmap on every CPU at once beside futex
// ping-pong between threads. On 2 CPUs it also checks that two spinning threads run at the
// same time; with more vCPUs than this machine's 2 cores the host cannot run them all at
// once, so that check would measure the host, not the kernel.
func TestSMPParallelShootdownAndStress(t *testing.T) {
	for _, n := range []int{2, 4, 16} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			checks := []string{"cpus=" + strconv.Itoa(n), "shootdown", "affinity", "stress=3s", "faults=3s"}
			if n == 2 {
				checks = append(checks, "parallel")
			}
			r := runProg(t, opts{exclusive: true}, "smp", []string{"--cpus", strconv.Itoa(n), "--timeout", "200s"}, checks...)
			wantExit(t, r, 0)
			for _, c := range checks[1:] {
				wantCheckOK(t, r, strings.TrimSuffix(c, "=3s"))
			}
			wantPass(t, r, "smp")
		})
	}
}

// TestStdlibTestsOnFourCPUs runs standard-library tests that exercise concurrency with
// -test.cpu 1,2,4 on a four-CPU guest.
func TestStdlibTestsOnFourCPUs(t *testing.T) {
	if testing.Short() {
		t.Skip("boots standard-library test binaries on four vCPUs; runs without -short")
	}
	requireQEMU(t)
	for _, pkg := range []string{"sync", "context", "sync/atomic"} {
		t.Run(pkg, func(t *testing.T) {
			r := unigo(t, opts{exclusive: true}, "test", "--cpus", "4", "--timeout", "400s", pkg, "--", "-test.short", "-test.cpu", "1,2,4")
			t.Logf("unigo test --cpus 4 %s -- -test.short -test.cpu 1,2,4: exit %d after %v", pkg, r.code, r.elapsed.Round(100*time.Millisecond))
			wantExit(t, r, 0)
			if last := lastLine(r.stdout); last != "PASS" {
				r.dump(t)
				t.Errorf("the test binary's last line is %q, want PASS", last)
			}
		})
	}
}
