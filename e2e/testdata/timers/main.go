// Command timers checks the guest's clocks and timers.
//
// Usage: timers [-wall UNIX_SECONDS] [checks...]; checks (default: all):
//
//	wall       time.Now is within 60 s of -wall (the host's clock when the
//	           test started; tolerant of slow TCG boots) and the year >= 2025
//	monotonic  time.Since agrees with the wall clock over a 200 ms sleep
//	sleep      time.Sleep(10ms) measured by time.Since is >= 10 ms and < 50 ms;
//	           20 more sleeps: every one >= 10 ms, median < 30 ms
//	afterfunc  1000 concurrent time.AfterFunc timers (1-50 ms) all fire, none early
//	timers     1000 concurrent time.NewTimer timers all fire; a stopped one never does
//
// Each check prints `<check>: ok <details>` or `<check>: FAILED <reason>`;
// the last line is `PASS timers` or `FAIL timers: <checks>` (exit 1).
package main

import (
	"errors"
	"flag"
	"fmt"
	"github.com/unigo-os/unigo/e2e/testdata/internal/checks"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

const name = "timers"

var wall = flag.Int64("wall", 0, "host wall clock in unix seconds (0: skip the comparison)")

var table = []checks.Check{
	{Name: "wall", Run: wallClock},
	{Name: "monotonic", Run: monotonic},
	{Name: "sleep", Run: sleep},
	{Name: "afterfunc", Run: afterFunc},
	{Name: "timers", Run: timers},
}

const deadline = 30 * time.Second

func wallClock() (string, error) {
	now := time.Now()
	if now.Year() < 2025 {
		return "", fmt.Errorf("time.Now()=%v: year %d < 2025", now.UTC(), now.Year())
	}
	if *wall == 0 {
		return fmt.Sprintf("now=%s (no -wall to compare)", now.UTC().Format(time.RFC3339)), nil
	}
	host := time.Unix(*wall, 0)
	diff := now.Sub(host)
	if diff < -60*time.Second || diff > 60*time.Second {
		return "", fmt.Errorf("time.Now()=%s is %v from the host's %s, want within 60s",
			now.UTC().Format(time.RFC3339), diff.Round(time.Second), host.UTC().Format(time.RFC3339))
	}
	return fmt.Sprintf("now=%s host=%s diff=%v", now.UTC().Format(time.RFC3339),
		host.UTC().Format(time.RFC3339), diff.Round(time.Second)), nil
}

func monotonic() (string, error) {
	start := time.Now()
	wallStart := start.Round(0) // strips the monotonic reading
	time.Sleep(200 * time.Millisecond)
	mono := time.Since(start)
	wallElapsed := time.Now().Round(0).Sub(wallStart)
	if mono < 200*time.Millisecond {
		return "", fmt.Errorf("time.Since after Sleep(200ms) = %v", mono)
	}
	if d := wallElapsed - mono; d < -20*time.Millisecond || d > 20*time.Millisecond {
		return "", fmt.Errorf("monotonic %v and wall %v disagree by %v (> 20ms)", mono, wallElapsed, d)
	}
	// Successive readings never go backwards.
	prev := time.Now()
	for range 10000 {
		t := time.Now()
		if t.Before(prev) {
			return "", fmt.Errorf("time went backwards: %v then %v", prev, t)
		}
		prev = t
	}
	return fmt.Sprintf("slept 200ms: monotonic %v, wall %v", mono.Round(time.Millisecond/10), wallElapsed.Round(time.Millisecond/10)), nil
}

func sleep() (string, error) {
	start := time.Now()
	time.Sleep(10 * time.Millisecond)
	one := time.Since(start)
	if one < 10*time.Millisecond || one >= 50*time.Millisecond {
		return "", fmt.Errorf("time.Sleep(10ms) took %v, want [10ms, 50ms)", one)
	}
	var ds []time.Duration
	for range 20 {
		s := time.Now()
		time.Sleep(10 * time.Millisecond)
		ds = append(ds, time.Since(s))
	}
	slices.Sort(ds)
	median := (ds[9] + ds[10]) / 2
	if ds[0] < 10*time.Millisecond {
		return "", fmt.Errorf("shortest of 20 time.Sleep(10ms) took %v (< 10ms)", ds[0])
	}
	if median >= 30*time.Millisecond {
		return "", fmt.Errorf("median of 20 time.Sleep(10ms) is %v, want < 30ms (min %v, max %v)", median, ds[0], ds[19])
	}
	r := func(d time.Duration) time.Duration { return d.Round(time.Millisecond / 10) }
	return fmt.Sprintf("first %v; 20 sleeps: median %v min %v max %v", r(one), r(median), r(ds[0]), r(ds[19])), nil
}

const nTimers = 1000

func afterFunc() (string, error) {
	var fired, early atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := range nTimers {
		d := time.Duration(1+i%50) * time.Millisecond
		wg.Add(1)
		time.AfterFunc(d, func() {
			if time.Since(start) < d {
				early.Add(1)
			}
			fired.Add(1)
			wg.Done()
		})
	}
	if !checks.WaitTimeout(&wg, deadline) {
		return "", fmt.Errorf("only %d of %d AfterFunc timers fired within %v", fired.Load(), nTimers, deadline)
	}
	if early.Load() > 0 {
		return "", fmt.Errorf("%d of %d AfterFunc timers fired early", early.Load(), nTimers)
	}
	return fmt.Sprintf("%d/%d fired in %v", fired.Load(), nTimers, time.Since(start).Round(time.Millisecond)), nil
}

func timers() (string, error) {
	start := time.Now()
	stopped := time.NewTimer(20 * time.Millisecond)
	results := make(chan error, nTimers)
	for i := range nTimers {
		d := time.Duration(1+(i*7)%50) * time.Millisecond
		t := time.NewTimer(d)
		go func() {
			select {
			case <-t.C:
				if el := time.Since(start); el < d {
					results <- fmt.Errorf("%v timer fired after %v", d, el)
					return
				}
				results <- nil
			case <-time.After(deadline):
				results <- fmt.Errorf("%v timer did not fire within %v", d, deadline)
			}
		}()
	}
	if !stopped.Stop() {
		return "", errors.New("Stop of a pending 20ms timer reported it already fired")
	}
	var errs []error
	for range nTimers {
		if err := <-results; err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return "", fmt.Errorf("%d of %d timers failed, first: %v", len(errs), nTimers, errs[0])
	}
	select {
	case <-stopped.C:
		return "", errors.New("a stopped timer fired")
	case <-time.After(30 * time.Millisecond):
	}
	return fmt.Sprintf("%d/%d fired in %v; stopped timer stayed silent", nTimers, nTimers, time.Since(start).Round(time.Millisecond)), nil
}

func main() {
	flag.Parse()
	checks.Main(name, flag.Args(), table)
}
