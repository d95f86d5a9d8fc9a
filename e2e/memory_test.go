package e2e

import "testing"

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
