// Package futex keeps the futex wait queues: waiters hashed by address into a fixed number
// of buckets, each a FIFO list linked through waiter indices (the kernel's thread slots).
// Wake and requeue touch only the buckets of the addresses they name, not every thread.
//
// The package knows nothing of threads or scheduling: the kernel enqueues a thread before
// it blocks, removes it when it wakes for any reason (a signal, a timeout), and is told
// which waiters a wake or requeue took off the queues. All state is in Table, fixed-size
// arrays of integers (no pointers: kernel code may not store them), so a Table can be a
// kernel global and tests can use one on the host.
//
// Locking: a Table has no lock of its own. The kernel keeps one lock per bucket (Bucket
// names it): a call must hold the lock of the bucket of every address it names (Requeue:
// both), and Remove the lock of the bucket of Key(w). Calls that touch different buckets
// may run at once, because a bucket's list and its waiters' fields are touched only by
// calls on that bucket.
package futex

const (
	// MaxWaiters bounds waiter indices: 1..MaxWaiters-1 (index 0 is the kernel's idle
	// slot, never a waiter, and doubles as the end of a list).
	MaxWaiters = 1024
	// Buckets is the number of hash buckets, a power of two.
	Buckets   = 64
	bucketLog = 6

	// MatchAny is the bitset of FUTEX_WAIT and FUTEX_WAKE: it matches every waiter.
	MatchAny = 0xffffffff
)

const none = 0

// Table is the set of futex wait queues. The zero value is empty and ready.
type Table struct {
	head, tail [Buckets]uint16    // first and last waiter of each bucket; none = empty
	next, prev [MaxWaiters]uint16 // neighbours in the bucket's list
	key        [MaxWaiters]uintptr
	bits       [MaxWaiters]uint32 // FUTEX_WAIT_BITSET mask; MatchAny for plain waits
	queued     [MaxWaiters]bool
}

// Bucket returns the bucket addr hashes to, for the caller's per-bucket locks.
func Bucket(addr uintptr) int { return bucket(addr) }

// bucket hashes a futex address (4-byte aligned) to its bucket: Fibonacci hashing, so that
// neighbouring words land in different buckets.
func bucket(addr uintptr) int {
	return int((uint64(addr>>2) * 0x9E3779B97F4A7C15) >> (64 - bucketLog))
}

// Enqueue adds waiter w at the back of addr's queue, waiting for wakes whose bitset
// shares a bit with bits.
//
// Preconditions (each checked; a violation panics):
//   - 0 < w < MaxWaiters, and w is not queued already.
func (t *Table) Enqueue(w int, addr uintptr, bits uint32) {
	if w <= 0 || w >= MaxWaiters {
		panic("futex: Table.Enqueue: waiter index out of range")
	}
	if t.queued[w] {
		panic("futex: Table.Enqueue: waiter already queued")
	}
	t.key[w], t.bits[w] = addr, bits
	t.link(w, bucket(addr))
}

// link appends w to bucket b.
func (t *Table) link(w, b int) {
	t.queued[w] = true
	t.next[w] = none
	t.prev[w] = t.tail[b]
	if t.tail[b] == none {
		t.head[b] = uint16(w)
	} else {
		t.next[t.tail[b]] = uint16(w)
	}
	t.tail[b] = uint16(w)
}

// Remove takes w off its queue and reports whether it was on it. It does nothing if w is
// not queued (a wake already took it off), so a waiter can call it whatever woke it.
func (t *Table) Remove(w int) bool {
	if w <= 0 || w >= MaxWaiters || !t.queued[w] {
		return false
	}
	b := bucket(t.key[w])
	n, p := t.next[w], t.prev[w]
	if p == none {
		t.head[b] = n
	} else {
		t.next[p] = n
	}
	if n == none {
		t.tail[b] = p
	} else {
		t.prev[n] = p
	}
	t.queued[w] = false
	t.next[w], t.prev[w] = none, none
	return true
}

// Key returns the address w last waited on: its queue's while it is queued (a requeue
// changes it), and unchanged after a wake takes it off. A waiter that is not sure which
// bucket holds it reads Key, locks that bucket, and checks that Key did not change.
func (t *Table) Key(w int) uintptr { return t.key[w] }

// Queued reports whether w waits on some futex, and which.
func (t *Table) Queued(w int) (addr uintptr, ok bool) {
	if w <= 0 || w >= MaxWaiters || !t.queued[w] {
		return 0, false
	}
	return t.key[w], true
}

// Wake takes up to n waiters on addr whose bitset shares a bit with bits off the queue,
// oldest first, calls woken for each, and returns how many it took.
func (t *Table) Wake(addr uintptr, n int, bits uint32, woken func(w int)) int {
	count := 0
	for w := int(t.head[bucket(addr)]); w != none && count < n; {
		nx := int(t.next[w])
		if t.key[w] == addr && t.bits[w]&bits != 0 {
			t.Remove(w)
			woken(w)
			count++
		}
		w = nx
	}
	return count
}

// Requeue wakes up to nwake waiters on from (as Wake with MatchAny), then moves up to
// nmove of the rest to the back of to's queue. It returns the numbers woken and moved
// (Linux's futex_requeue returns their sum). Only the buckets of from and to are touched.
func (t *Table) Requeue(from, to uintptr, nwake, nmove int, woken func(w int)) (nwoken, nmoved int) {
	count := t.Wake(from, nwake, MatchAny, woken)
	moved := 0
	for w := int(t.head[bucket(from)]); w != none && moved < nmove; {
		nx := int(t.next[w])
		if t.key[w] == from {
			if from != to { // onto the same futex: counted, left in place (no endless loop)
				t.Remove(w)
				t.key[w] = to
				t.link(w, bucket(to))
			}
			moved++
		}
		w = nx
	}
	return count, moved
}
