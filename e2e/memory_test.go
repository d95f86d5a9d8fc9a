package e2e

import (
	"strings"
	"testing"
)

func TestGCChurnBeyondGuestRAM(t *testing.T) {
	// 512 MiB of short-lived objects through a 128 MiB guest: only a
	// working collector and real freeing of memory get through.
	r := runProg(t, opts{}, "gc", []string{"--mem", "128M"}, "-churn", "512", "churn", "memstats")
	if d := wantCheckOK(t, r, "churn"); d != "" {
		wantMatch(t, r, `^churn: ok allocated (5[1-9]\d|[6-9]\d\d|\d{4,}) MiB in \S+, [1-9]\d* GCs, Sys=\d+ MiB$`)
	}
	wantCheckOK(t, r, "memstats")
	wantPass(t, r, "gc")
}

func TestFreeOSMemoryReturnsZeroedPages(t *testing.T) {
	r := runProg(t, opts{}, "gc", nil, "free", "madvise")
	wantCheckOK(t, r, "free")
	wantCheckOK(t, r, "madvise")
	wantPass(t, r, "gc")
}

func TestOutOfMemoryIsReported(t *testing.T) {
	// 128 MiB kept live in a 64 MiB guest cannot fit: the guest must stop
	// with a clear report and a non-zero exit, not hang or pretend.
	r := runProg(t, opts{}, "gc", []string{"--mem", "64M", "--timeout", "60s"}, "-hold", "128", "hold")
	if r.code == 0 || r.code == exitTimeout {
		r.dump(t)
		t.Fatalf("exit code: got %d%s, want a prompt non-zero exit", r.code, exitHint(r.code))
	}
	if strings.Contains(r.console(), "hold: ok") {
		r.dump(t)
		t.Errorf("128 MiB live in a 64 MiB guest reported success")
	}
	if !strings.Contains(strings.ToLower(r.console()), "out of memory") {
		r.dump(t)
		t.Errorf("console does not say %q", "out of memory")
	}
}
