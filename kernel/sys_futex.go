package kernel

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/futex"
)

// futexQ holds every futex waiter, hashed by address (kernel/futex). A thread is on it
// from futexWait until a wake takes it off or it wakes for another reason (wake removes
// it). Guarded by the kernel lock.
var futexQ futex.Table

// Thread slots are futex waiter indices.
const _ = -uint(futex.MaxWaiters - maxThreads) // compile-time check: maxThreads <= futex.MaxWaiters

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
		return uintptr(futexQ.Wake(addr, int(int32(tf.RDX)), bits, futexWoken)), 0
	case linux.FUTEX_REQUEUE, linux.FUTEX_CMP_REQUEUE:
		return futexRequeue(op, addr, tf)
	}
	return 0, linux.ENOSYS
}

// futexWait blocks while *addr == val. Interrupts are off in the kernel and wakers hold
// the kernel lock, so the compare and the sleep are atomic with respect to every waker.
func futexWait(t *thread, addr uintptr, val, bits uint32, deadline int64) linux.Errno {
	if *(*uint32)(unsafe.Pointer(addr)) != val {
		return linux.EAGAIN
	}
	w := int(threadIndex(t))
	futexQ.Enqueue(w, addr, bits)
	why := block(waitFutex, addr, deadline)
	futexQ.Remove(w) // still queued if block returned at once for a pending signal
	switch why {
	case wakeTimeout:
		return linux.ETIMEDOUT
	case wakeSignal:
		return linux.EINTR
	}
	return 0
}

// futexRequeue handles FUTEX_REQUEUE and FUTEX_CMP_REQUEUE: wake val waiters on addr, move
// up to val2 (the timeout argument's register) of the rest to uaddr2, after checking for
// CMP_REQUEUE that *addr still equals val3.
func futexRequeue(op int, addr uintptr, tf *TrapFrame) (uintptr, linux.Errno) {
	to := uintptr(tf.R8)
	nwake, nmove := int(int32(tf.RDX)), int(int32(tf.R10))
	if to&3 != 0 || nwake < 0 || nmove < 0 {
		return 0, linux.EINVAL
	}
	if op == linux.FUTEX_CMP_REQUEUE && *(*uint32)(unsafe.Pointer(addr)) != uint32(tf.R9) {
		return 0, linux.EAGAIN
	}
	return uintptr(futexQ.Requeue(addr, to, nwake, nmove, futexWoken)), 0
}

// futexWoken wakes thread slot w, which a futex wake took off its queue.
func futexWoken(w int) { wake(&threads[w], wakeNormal) }
