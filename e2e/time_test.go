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
	// The program allows up to 30ms for TCG; alone on the machine the
	// issue's bar applies: time.Sleep(10ms) sleeps 10-15ms.
	if m := wantMatch(t, r, `^sleep: ok .*; 20 sleeps: median (\S+) `); m != nil {
		median, err := time.ParseDuration(m[1])
		if err != nil || median < 10*time.Millisecond || median > 15*time.Millisecond {
			r.dump(t)
			t.Errorf("median time.Sleep(10ms): got %s, want 10ms-15ms", m[1])
		}
	}
}

func TestThousandTimersFire(t *testing.T) {
	r := runProg(t, opts{}, "timers", nil, "afterfunc", "timers")
	wantMatch(t, r, `^afterfunc: ok 1000/1000 fired in `)
	wantMatch(t, r, `^timers: ok 1000/1000 fired in .*; stopped timer stayed silent$`)
	wantPass(t, r, "timers")
}
