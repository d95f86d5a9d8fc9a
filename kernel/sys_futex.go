package kernel

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/futex"
	"github.com/unigo-os/unigo/kernel/spin"
)

// futexQ holds every futex waiter, hashed by address (kernel/futex). A thread is on it
// from futexWait until a wake takes it off or, woken for another reason (a timeout, a
// signal), it takes itself off. Each bucket is guarded by its lock in futexLocks; futex
// calls never take the kernel lock.
//
// futexWaiters[b] counts the threads in futexWait whose key is in bucket b, from before
// they read the futex word until they leave (changed atomically; a requeue moves counts
// with the waiters). A wake that finds its bucket's count 0 returns without the lock, as
// Linux's does: the Go runtime wakes far more often than anyone sleeps. That is safe by
// the usual pairing: the waiter's increment is a full barrier before its read of the
// word, and the waker's fence comes after the application changed the word, so either
// the waker sees the count or the waiter sees the new value and does not sleep.
var (
	futexQ       futex.Table
	futexLocks   [futex.Buckets]spinlock
	futexWaiters [futex.Buckets]uint64
)

// Thread slots are futex waiter indices.
const _ = uint(futex.MaxWaiters - maxThreads) // compile-time check: maxThreads <= futex.MaxWaiters

// sysFutex handles futex(2): WAIT, WAKE, their BITSET forms, REQUEUE and CMP_REQUEUE, with
// or without the private flag (one process, so private and shared are the same).
func sysFutex(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	addr := uintptr(tf.RDI)
	op := int(tf.RSI) & linux.FUTEX_CMD_MASK
	if addr&3 != 0 {
		return 0, linux.EINVAL
	}
	bits := uint32(futex.MatchAny)
	if op == linux.FUTEX_WAIT_BITSET || op == linux.FUTEX_WAKE_BITSET {
		if bits = uint32(tf.R9); bits == 0 {
			return 0, linux.EINVAL
		}
	}
	switch op {
	case linux.FUTEX_WAIT, linux.FUTEX_WAIT_BITSET:
		var deadline int64
		if tf.R10 != 0 {
			d, ok := getTimespec(uintptr(tf.R10))
			if !ok {
				return 0, linux.EINVAL
			}
			if op == linux.FUTEX_WAIT_BITSET { // absolute, on the clock the flag names
				clock := uint64(linux.CLOCK_MONOTONIC)
				if tf.RSI&linux.FUTEX_CLOCK_REALTIME != 0 {
					clock = linux.CLOCK_REALTIME
				}
				now, _ := clockNow(clock)
				d -= now
			}
			if d <= 0 {
				return 0, linux.ETIMEDOUT
			}
			deadline = dev.Nanotime() + d
		}
		return 0, futexWait(t, addr, uint32(tf.RDX), bits, deadline)
	case linux.FUTEX_WAKE, linux.FUTEX_WAKE_BITSET:
		return uintptr(futexWake(addr, int(int32(tf.RDX)), bits)), 0
	case linux.FUTEX_REQUEUE, linux.FUTEX_CMP_REQUEUE:
		return futexRequeue(op, addr, tf)
	}
	return 0, linux.ENOSYS
}

// futexWait blocks while *addr == val. The compare, the enqueue and the thread's move to
// blocked happen under the bucket's lock, which every waker of addr takes: no wake-up
// between them is lost.
func futexWait(t *thread, addr uintptr, val, bits uint32, deadline int64) linux.Errno {
	w := int(threadIndex(t))
	hb := futex.Bucket(addr)
	b := &futexLocks[hb]
	spin.Add64(&futexWaiters[hb], 1) // before the word is read: see futexWaiters
	var v uint32
	for {
		b.lock()
		var ok bool
		if v, ok = loadUserU32(addr); ok {
			break
		}
		b.unlock()
		if !touchUser(addr) { // not present yet: fault it in without the spinlock
			spin.Add64(&futexWaiters[hb], -1)
			return linux.EFAULT
		}
	}
	if v != val {
		b.unlock()
		spin.Add64(&futexWaiters[hb], -1)
		return linux.EAGAIN
	}
	futexQ.Enqueue(w, addr, bits)
	why := blockRelease(waitFutex, addr, deadline, b)
	if !futexUnqueue(w) {
		return 0 // a wake took it off its queue: that wake counted it, whatever else woke it
	}
	switch why {
	case wakeTimeout:
		return linux.ETIMEDOUT
	case wakeSignal:
		return linux.EINTR
	}
	return 0
}

// futexUnqueue takes waiter w off its futex queue if it is still on one, reports whether
// it was, and uncounts it. A requeue may have moved it to another bucket since it went to
// sleep: the bucket is the one its key names while that bucket's lock is held. Once this
// returns, no wake of w is in progress (a waker holds the bucket's lock while it wakes).
func futexUnqueue(w int) bool {
	for {
		key := futexQ.Key(w)
		hb := futex.Bucket(key)
		b := &futexLocks[hb]
		b.lock()
		if futexQ.Key(w) == key {
			queued := futexQ.Remove(w)
			spin.Add64(&futexWaiters[hb], -1)
			b.unlock()
			return queued
		}
		b.unlock()
	}
}

// futexWake wakes up to n waiters on addr whose bitset shares a bit with bits.
func futexWake(addr uintptr, n int, bits uint32) int {
	hb := futex.Bucket(addr)
	spin.Fence() // the application's change of the word comes before the count's read
	if spin.Load64(&futexWaiters[hb]) == 0 {
		return 0
	}
	b := &futexLocks[hb]
	b.lock()
	woken := futexQ.Wake(addr, n, bits, futexWoken)
	b.unlock()
	return woken
}

// futexRequeue handles FUTEX_REQUEUE and FUTEX_CMP_REQUEUE: wake val waiters on addr, move
// up to val2 (the timeout argument's register) of the rest to uaddr2, after checking for
// CMP_REQUEUE that *addr still equals val3. Both buckets are locked, the lower first.
func futexRequeue(op int, addr uintptr, tf *TrapFrame) (uintptr, linux.Errno) {
	to := uintptr(tf.R8)
	nwake, nmove := int(int32(tf.RDX)), int(int32(tf.R10))
	if to&3 != 0 || nwake < 0 || nmove < 0 {
		return 0, linux.EINVAL
	}
	b1, b2 := futex.Bucket(addr), futex.Bucket(to)
	if b1 > b2 {
		b1, b2 = b2, b1
	}
	var v uint32
	for {
		futexLocks[b1].lock()
		if b2 != b1 {
			futexLocks[b2].lock()
		}
		ok := true
		if op == linux.FUTEX_CMP_REQUEUE {
			v, ok = loadUserU32(addr)
		}
		if ok {
			break
		}
		if b2 != b1 {
			futexLocks[b2].unlock()
		}
		futexLocks[b1].unlock()
		if !touchUser(addr) {
			return 0, linux.EFAULT
		}
	}
	r, err := uintptr(0), linux.Errno(0)
	if op == linux.FUTEX_CMP_REQUEUE && v != uint32(tf.R9) {
		err = linux.EAGAIN
	} else {
		woken, moved := futexQ.Requeue(addr, to, nwake, nmove, futexWoken)
		if from, into := futex.Bucket(addr), futex.Bucket(to); from != into && moved > 0 {
			spin.Add64(&futexWaiters[from], -int64(moved)) // the counts follow the waiters
			spin.Add64(&futexWaiters[into], int64(moved))
		}
		r = uintptr(woken + moved)
	}
	if b2 != b1 {
		futexLocks[b2].unlock()
	}
	futexLocks[b1].unlock()
	return r, err
}

// futexWoken wakes thread slot w, which a futex wake took off its queue. The caller holds
// w's bucket lock; wake takes schedLock below it.
func futexWoken(w int) { wake(&threads[w], wakeNormal) }
