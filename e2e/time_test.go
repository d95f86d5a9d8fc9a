package e2e

import (
	"fmt"
	"testing"
	"time"
)

func TestWallClockFromRTC(t *testing.T) {
	now := time.Now().Unix()
	r := runProg(t, opts{}, "timers", nil, fmt.Sprint("-wall=", now), "wall")
	wantCheckOK(t, r, "wall")
	wantPass(t, r, "timers")
}

func TestSleepAccuracy(t *testing.T) {
	// Holds both QEMU slots: another guest on the same two cores would
	// distort the measurements.
	r := runProg(t, opts{exclusive: true}, "timers", nil, "monotonic", "sleep")
	wantCheckOK(t, r, "monotonic")
	wantCheckOK(t, r, "sleep")
	wantPass(t, r, "timers")
}

func TestThousandTimersFire(t *testing.T) {
	r := runProg(t, opts{}, "timers", nil, "afterfunc", "timers")
	wantMatch(t, r, `^afterfunc: ok 1000/1000 fired in `)
	wantMatch(t, r, `^timers: ok 1000/1000 fired in .*; stopped timer stayed silent$`)
	wantPass(t, r, "timers")
}
