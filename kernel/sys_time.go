package kernel

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/dev"
)

// clockNow reads a clock: REALTIME is the RTC at boot plus the calibrated TSC; the
// monotonic family is the TSC since boot; CPU-time clocks are approximated by it.
func clockNow(clock uint64) (int64, bool) {
	switch clock {
	case linux.CLOCK_REALTIME, linux.CLOCK_REALTIME_COARSE, linux.CLOCK_TAI:
		s, ns := dev.Walltime()
		return s*1e9 + int64(ns), true
	case linux.CLOCK_MONOTONIC, linux.CLOCK_MONOTONIC_RAW, linux.CLOCK_MONOTONIC_COARSE,
		linux.CLOCK_BOOTTIME, linux.CLOCK_PROCESS_CPUTIME_ID, linux.CLOCK_THREAD_CPUTIME_ID:
		return dev.Nanotime(), true
	}
	return 0, false
}

func putTimespec(p uintptr, ns int64) {
	ts := (*linux.Timespec)(unsafe.Pointer(p))
	ts.Sec = ns / 1e9
	ts.Nsec = ns % 1e9
}

func getTimespec(p uintptr) (int64, bool) {
	ts := (*linux.Timespec)(unsafe.Pointer(p))
	if ts.Nsec < 0 || ts.Nsec >= 1e9 || ts.Sec < 0 {
		return 0, false
	}
	if ts.Sec > 1<<33 {
		return 1 << 62, true
	}
	return ts.Sec*1e9 + ts.Nsec, true
}

// sysClockGettime handles clock_gettime(2).
func sysClockGettime(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	ns, ok := clockNow(tf.RDI)
	if !ok {
		return 0, linux.EINVAL
	}
	putTimespec(uintptr(tf.RSI), ns)
	return 0, 0
}

// sysClockGetres handles clock_getres(2): the TSC gives nanoseconds.
func sysClockGetres(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if _, ok := clockNow(tf.RDI); !ok {
		return 0, linux.EINVAL
	}
	if tf.RSI != 0 {
		putTimespec(uintptr(tf.RSI), 1)
	}
	return 0, 0
}

// sysGettimeofday handles gettimeofday(2).
func sysGettimeofday(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if tf.RDI != 0 {
		s, ns := dev.Walltime()
		tv := (*linux.Timeval)(unsafe.Pointer(uintptr(tf.RDI)))
		tv.Sec = s
		tv.Usec = int64(ns) / 1000
	}
	return 0, 0
}

// sleepUntil blocks the thread until the monotonic deadline. A signal interrupts it.
func sleepUntil(deadline int64) linux.Errno {
	for dev.Nanotime() < deadline {
		if block(waitSleep, 0, deadline) == wakeSignal {
			return linux.EINTR
		}
	}
	return 0
}

// sysNanosleep handles nanosleep(2).
func sysNanosleep(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	d, ok := getTimespec(uintptr(tf.RDI))
	if !ok {
		return 0, linux.EINVAL
	}
	deadline := dev.Nanotime() + d
	if err := sleepUntil(deadline); err != 0 {
		if tf.RSI != 0 {
			left := deadline - dev.Nanotime()
			if left < 0 {
				left = 0
			}
			putTimespec(uintptr(tf.RSI), left)
		}
		return 0, err
	}
	return 0, 0
}

// sysClockNanosleep handles clock_nanosleep(2), relative or TIMER_ABSTIME.
func sysClockNanosleep(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	now, ok := clockNow(tf.RDI)
	if !ok {
		return 0, linux.EINVAL
	}
	d, ok := getTimespec(uintptr(tf.RDX))
	if !ok {
		return 0, linux.EINVAL
	}
	if tf.RSI&linux.TIMER_ABSTIME != 0 {
		d -= now
	}
	if d <= 0 {
		return 0, 0
	}
	return 0, sleepUntil(dev.Nanotime() + d)
}
