package futex

import (
	"slices"
	"testing"
)

// collect returns a woken callback that records waiter indices in order.
func collect(got *[]int) func(int) { return func(w int) { *got = append(*got, w) } }

// sameBucket returns n distinct 4-byte-aligned addresses that hash to one bucket.
func sameBucket(t *testing.T, n int) []uintptr {
	t.Helper()
	var out []uintptr
	b := bucket(0x1000)
	for a := uintptr(0x1000); len(out) < n; a += 4 {
		if bucket(a) == b {
			out = append(out, a)
		}
	}
	return out
}

func TestWakeTakesOldestWaitersOfThatAddressOnly(t *testing.T) {
	var q Table
	for w := 1; w <= 5; w++ {
		q.Enqueue(w, 0x1000, MatchAny)
	}
	q.Enqueue(6, 0x2000, MatchAny)
	var got []int
	if n := q.Wake(0x1000, 3, MatchAny, collect(&got)); n != 3 || !slices.Equal(got, []int{1, 2, 3}) {
		t.Fatalf("Wake(3) = %d, woke %v; want 3, [1 2 3]", n, got)
	}
	got = nil
	if n := q.Wake(0x1000, 10, MatchAny, collect(&got)); n != 2 || !slices.Equal(got, []int{4, 5}) {
		t.Fatalf("second Wake = %d, woke %v; want 2, [4 5]", n, got)
	}
	if addr, ok := q.Queued(6); !ok || addr != 0x2000 {
		t.Fatalf("Queued(6) = %#x, %v; want 0x2000, true", addr, ok)
	}
}

func TestWakeSkipsOtherAddressesSharingTheBucket(t *testing.T) {
	a := sameBucket(t, 2)
	var q Table
	q.Enqueue(1, a[0], MatchAny)
	q.Enqueue(2, a[1], MatchAny)
	q.Enqueue(3, a[0], MatchAny)
	var got []int
	if n := q.Wake(a[0], 10, MatchAny, collect(&got)); n != 2 || !slices.Equal(got, []int{1, 3}) {
		t.Fatalf("Wake = %d, woke %v; want 2, [1 3]", n, got)
	}
	if _, ok := q.Queued(2); !ok {
		t.Fatal("waiter on the other address of the bucket was taken off")
	}
}

func TestWakeZeroWakesNobody(t *testing.T) {
	var q Table
	q.Enqueue(1, 0x1000, MatchAny)
	if n := q.Wake(0x1000, 0, MatchAny, func(int) { t.Fatal("woke a waiter") }); n != 0 {
		t.Fatalf("Wake(0) = %d, want 0", n)
	}
}

func TestWakeBitsetMatchesOnlySharedBits(t *testing.T) {
	var q Table
	q.Enqueue(1, 0x1000, 0b01)
	q.Enqueue(2, 0x1000, 0b10)
	q.Enqueue(3, 0x1000, MatchAny)
	var got []int
	if n := q.Wake(0x1000, 10, 0b10, collect(&got)); n != 2 || !slices.Equal(got, []int{2, 3}) {
		t.Fatalf("Wake(bits 0b10) = %d, woke %v; want 2, [2 3]", n, got)
	}
	if _, ok := q.Queued(1); !ok {
		t.Fatal("waiter with bitset 0b01 was woken by bitset 0b10")
	}
}

func TestRemoveIsIdempotentAndKeepsTheListIntact(t *testing.T) {
	var q Table
	for w := 1; w <= 4; w++ {
		q.Enqueue(w, 0x1000, MatchAny)
	}
	q.Remove(2) // middle
	q.Remove(2) // again: a timed-out waiter removes itself after a wake took it
	q.Remove(4) // tail
	q.Remove(1) // head
	q.Remove(0) // never a waiter
	q.Enqueue(5, 0x1000, MatchAny)
	var got []int
	q.Wake(0x1000, 10, MatchAny, collect(&got))
	if !slices.Equal(got, []int{3, 5}) {
		t.Fatalf("woke %v, want [3 5]", got)
	}
	if q.head[bucket(0x1000)] != none || q.tail[bucket(0x1000)] != none {
		t.Fatal("bucket not empty after waking everyone")
	}
}

func TestEnqueueTwicePanics(t *testing.T) {
	var q Table
	q.Enqueue(1, 0x1000, MatchAny)
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("second Enqueue of the same waiter did not panic")
		}
	}()
	q.Enqueue(1, 0x2000, MatchAny)
}

func TestRequeueWakesSomeAndMovesTheRestInOrder(t *testing.T) {
	var q Table
	for w := 1; w <= 5; w++ {
		q.Enqueue(w, 0x1000, MatchAny)
	}
	q.Enqueue(6, 0x2000, MatchAny)
	var got []int
	if n, m := q.Requeue(0x1000, 0x2000, 1, 3, collect(&got)); n != 1 || m != 3 || !slices.Equal(got, []int{1}) {
		t.Fatalf("Requeue = %d woken, %d moved, woke %v; want 1, 3, [1]", n, m, got)
	}
	got = nil
	q.Wake(0x2000, 10, MatchAny, collect(&got))
	if !slices.Equal(got, []int{6, 2, 3, 4}) {
		t.Fatalf("waiters on the target, in order: %v; want [6 2 3 4]", got)
	}
	got = nil
	q.Wake(0x1000, 10, MatchAny, collect(&got))
	if !slices.Equal(got, []int{5}) {
		t.Fatalf("left on the source: %v; want [5]", got)
	}
}

func TestRequeueWithinOneBucketTerminates(t *testing.T) {
	a := sameBucket(t, 2)
	var q Table
	for w := 1; w <= 3; w++ {
		q.Enqueue(w, a[0], MatchAny)
	}
	if n, m := q.Requeue(a[0], a[1], 0, 10, func(int) {}); n != 0 || m != 3 {
		t.Fatalf("Requeue = %d woken, %d moved; want 0, 3", n, m)
	}
	if n, m := q.Requeue(a[1], a[1], 0, 10, func(int) {}); n != 0 || m != 3 {
		t.Fatalf("Requeue onto the same address = %d woken, %d moved; want 0, 3", n, m)
	}
	for w := 1; w <= 3; w++ {
		if addr, ok := q.Queued(w); !ok || addr != a[1] {
			t.Fatalf("Queued(%d) = %#x, %v; want %#x, true", w, addr, ok, a[1])
		}
	}
}

func TestHashSpreadsNeighbouringWords(t *testing.T) {
	seen := map[int]bool{}
	for a := uintptr(0x10000); a < 0x10000+4*Buckets; a += 4 {
		seen[bucket(a)] = true
	}
	if len(seen) < Buckets/2 {
		t.Fatalf("%d consecutive words use %d buckets, want at least %d", Buckets, len(seen), Buckets/2)
	}
}

// A waiter woken by a timeout or a signal takes itself off its queue; Remove's answer
// tells it whether a wake got there first (and so counted it), and Key tells it which
// bucket to lock, even after a requeue moved it.
func TestRemoveReportsWhetherAWakeTookTheWaiterFirst(t *testing.T) {
	var q Table
	q.Enqueue(1, 0x1000, MatchAny)
	q.Enqueue(2, 0x1000, MatchAny)
	q.Wake(0x1000, 1, MatchAny, func(int) {})
	if q.Remove(1) {
		t.Fatal("Remove(1) = true after a wake took waiter 1")
	}
	if q.Key(1) != 0x1000 {
		t.Fatalf("Key(1) = %#x after the wake, want 0x1000", q.Key(1))
	}
	q.Requeue(0x1000, 0x2000, 0, 1, func(int) { t.Fatal("requeue woke a waiter") })
	if q.Key(2) != 0x2000 || Bucket(q.Key(2)) != bucket(0x2000) {
		t.Fatalf("Key(2) = %#x after the requeue, want 0x2000", q.Key(2))
	}
	if !q.Remove(2) {
		t.Fatal("Remove(2) = false for a waiter still queued (on the requeue target)")
	}
	if q.Remove(2) {
		t.Fatal("Remove(2) = true a second time")
	}
}
