package kernel

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/dev"
)

// sysFutex handles futex(2): WAIT and WAKE, with or without the private flag (one process,
// so private and shared are the same), and the BITSET forms with a full mask.
func sysFutex(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	addr := uintptr(tf.RDI)
	op := int(tf.RSI) & linux.FUTEX_CMD_MASK
	if addr&3 != 0 {
		return 0, linux.EINVAL
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
		return 0, futexWait(addr, uint32(tf.RDX), deadline)
	case linux.FUTEX_WAKE, linux.FUTEX_WAKE_BITSET:
		return uintptr(futexWake(addr, int(int32(tf.RDX)))), 0
	}
	return 0, linux.ENOSYS
}

// futexWait blocks while *addr == val. Interrupts are off in the kernel, so the compare
// and the sleep are atomic with respect to every waker.
func futexWait(addr uintptr, val uint32, deadline int64) linux.Errno {
	if *(*uint32)(unsafe.Pointer(addr)) != val {
		return linux.EAGAIN
	}
	switch block(waitFutex, addr, deadline) {
	case wakeTimeout:
		return linux.ETIMEDOUT
	case wakeSignal:
		return linux.EINTR
	}
	return 0
}

// futexWake wakes up to n threads waiting on addr, oldest slot first.
func futexWake(addr uintptr, n int) int {
	woken := 0
	for i := 1; i < maxThreads && woken < n; i++ {
		w := &threads[i]
		if w.State == stBlocked && w.WaitKind == waitFutex && w.WaitKey == addr {
			wake(w, wakeNormal)
			woken++
		}
	}
	return woken
}
