package runq

import (
	"slices"
	"testing"
)

const all = ^uint64(0)

// drain pops cpu's queue empty and returns the order.
func drain(q *Queues, cpu int) []int {
	var out []int
	for t := q.Pop(cpu); t != 0; t = q.Pop(cpu) {
		out = append(out, t)
	}
	return out
}

func TestQueueIsFIFOPerCPU(t *testing.T) {
	var q Queues
	q.Push(0, 1, all)
	q.Push(1, 2, all)
	q.Push(0, 3, all)
	q.Push(0, 4, all)
	if q.Len(0) != 3 || q.Len(1) != 1 {
		t.Fatalf("Len = %d, %d; want 3, 1", q.Len(0), q.Len(1))
	}
	if got := drain(&q, 0); !slices.Equal(got, []int{1, 3, 4}) {
		t.Fatalf("CPU 0 ran %v, want [1 3 4]", got)
	}
	if got := drain(&q, 1); !slices.Equal(got, []int{2}) {
		t.Fatalf("CPU 1 ran %v, want [2]", got)
	}
	if q.Pop(0) != 0 || q.Len(0) != 0 {
		t.Fatal("empty queue popped a thread")
	}
}

func TestPreemptedThreadGoesBehindTheWaitingOnes(t *testing.T) {
	var q Queues
	q.Push(0, 2, all)
	q.Push(0, 3, all)
	// Thread 1 ran; its slice ended: back of the local queue, then the front runs.
	q.Push(0, 1, all)
	if got := drain(&q, 0); !slices.Equal(got, []int{2, 3, 1}) {
		t.Fatalf("order %v, want [2 3 1]", got)
	}
}

func TestRemoveFromMiddleKeepsOrderAndCounts(t *testing.T) {
	var q Queues
	for th := 1; th <= 4; th++ {
		q.Push(2, th, all)
	}
	if !q.Remove(2) || q.Remove(2) {
		t.Fatal("Remove(2) twice: want true, then false")
	}
	if cpu, ok := q.On(3); !ok || cpu != 2 {
		t.Fatalf("On(3) = %d, %v; want 2, true", cpu, ok)
	}
	if q.Len(2) != 3 {
		t.Fatalf("Len = %d, want 3", q.Len(2))
	}
	if got := drain(&q, 2); !slices.Equal(got, []int{1, 3, 4}) {
		t.Fatalf("order %v, want [1 3 4]", got)
	}
}

func TestPushTwiceOrOutsideAffinityPanics(t *testing.T) {
	for name, fn := range map[string]func(q *Queues){
		"twice":            func(q *Queues) { q.Push(0, 1, all); q.Push(1, 1, all) },
		"outside mask":     func(q *Queues) { q.Push(1, 1, 1<<0) },
		"idle slot":        func(q *Queues) { q.Push(0, 0, all) },
		"CPU out of range": func(q *Queues) { q.Push(MaxCPUs, 1, all) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			fn(new(Queues))
		})
	}
}

func TestStealTakesOldestFromLongestQueue(t *testing.T) {
	var q Queues
	q.Push(0, 1, all)
	q.Push(1, 2, all)
	q.Push(1, 3, all)
	q.Push(1, 4, all)
	q.Push(3, 5, all)
	if got := q.Steal(2, 1); got != 2 {
		t.Fatalf("Steal = %d, want 2 (oldest of CPU 1, the longest)", got)
	}
	if q.Len(1) != 2 {
		t.Fatalf("victim Len = %d, want 2", q.Len(1))
	}
}

func TestStealHonoursAffinity(t *testing.T) {
	var q Queues
	q.Push(1, 1, 1<<1)      // pinned to CPU 1
	q.Push(1, 2, 1<<1)      // pinned to CPU 1
	q.Push(1, 3, 1<<1|1<<2) // may run on 2
	q.Push(0, 4, 1<<0|1<<2) // may run on 2, shorter queue
	if got := q.Steal(2, 1); got != 3 {
		t.Fatalf("Steal by CPU 2 = %d, want 3 (the one it may run, from the longest queue)", got)
	}
	if got := q.Steal(3, 1); got != 0 {
		t.Fatalf("Steal by CPU 3 = %d, want 0 (nothing may run there)", got)
	}
	if got := q.Steal(2, 1); got != 4 {
		t.Fatalf("second Steal by CPU 2 = %d, want 4", got)
	}
}

func TestStealNeverTakesFromOwnQueueOrBelowMin(t *testing.T) {
	var q Queues
	q.Push(0, 1, all)
	q.Push(1, 2, all)
	if got := q.Steal(0, 1); got != 2 {
		t.Fatalf("Steal(0, 1) = %d, want 2 (from CPU 1, not its own queue)", got)
	}
	q.Push(1, 3, all)
	if got := q.Steal(0, 2); got != 0 {
		t.Fatalf("Steal(0, 2) = %d, want 0: CPU 1 has only one waiting", got)
	}
}

func TestPlacePrefersLastCPUWhenIdle(t *testing.T) {
	var q Queues
	online, idle := uint64(0b1111), uint64(0b1010)
	if got := q.Place(all, 3, 0, online, idle); got != 3 {
		t.Fatalf("Place = %d, want 3 (last CPU, idle)", got)
	}
}

func TestPlaceTakesLeastLoadedWhenLastIsBusy(t *testing.T) {
	var q Queues
	online := uint64(0b1111)
	idle := uint64(0b0100) // CPU 2 idle
	if got := q.Place(all, 0, 1, online, idle); got != 2 {
		t.Fatalf("Place = %d, want 2 (idle)", got)
	}
	// Every CPU busy; CPU 0 (last) has two waiting, CPU 3 one, CPU 1 (waker) and 2 none.
	q.Push(0, 1, all)
	q.Push(0, 2, all)
	q.Push(3, 3, all)
	if got := q.Place(all, 0, 1, online, 0); got != 1 {
		t.Fatalf("Place = %d, want 1 (least loaded; tie with 2 goes to the waker)", got)
	}
	if got := q.Place(all, 0, 3, online, 0); got != 1 {
		t.Fatalf("Place = %d, want 1 (least loaded, lowest number)", got)
	}
}

func TestPlaceTieGoesToLastCPU(t *testing.T) {
	var q Queues
	if got := q.Place(all, 2, 1, 0b111, 0); got != 2 {
		t.Fatalf("Place = %d, want 2 (all equally busy: last CPU)", got)
	}
}

func TestPlaceHonoursAffinityAndOnline(t *testing.T) {
	var q Queues
	online := uint64(0b0011)
	// Last CPU idle but outside the mask; CPU 1 busy is the only choice.
	if got := q.Place(1<<1, 0, 0, online, 0b01); got != 1 {
		t.Fatalf("Place = %d, want 1", got)
	}
	// Mask names only an offline CPU.
	if got := q.Place(1<<5, 0, 0, online, 0b11); got != -1 {
		t.Fatalf("Place = %d, want -1", got)
	}
}
