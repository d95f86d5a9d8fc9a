package main

import "testing"

func TestHostTSC(t *testing.T) {
	k := hostTSCkHz()
	t.Logf("host TSC %d kHz", k)
	if k < 100_000 || k > 10_000_000 {
		t.Fatalf("host TSC %d kHz: implausible", k)
	}
}
