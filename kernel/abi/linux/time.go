// Clock ids and timer flags, from include/uapi/linux/time.h.

package linux

// Clock ids, include/uapi/linux/time.h.
const (
	CLOCK_REALTIME           = 0x0
	CLOCK_MONOTONIC          = 0x1
	CLOCK_PROCESS_CPUTIME_ID = 0x2
	CLOCK_THREAD_CPUTIME_ID  = 0x3
	CLOCK_MONOTONIC_RAW      = 0x4
	CLOCK_REALTIME_COARSE    = 0x5
	CLOCK_MONOTONIC_COARSE   = 0x6
	CLOCK_BOOTTIME           = 0x7
	CLOCK_REALTIME_ALARM     = 0x8
	CLOCK_BOOTTIME_ALARM     = 0x9
	CLOCK_SGI_CYCLE          = 10
	CLOCK_TAI                = 0xb
	MAX_CLOCKS               = 16
)

// clock_nanosleep(2) and timer_settime(2) flags, include/uapi/linux/time.h.
const (
	TIMER_ABSTIME = 0x01
)

// setitimer(2) timers, include/uapi/linux/time.h.
const (
	ITIMER_REAL    = 0x0
	ITIMER_VIRTUAL = 0x1
	ITIMER_PROF    = 0x2
)

// Special tv_nsec values for utimensat(2), include/uapi/linux/stat.h.
const (
	UTIME_NOW  = 0x3fffffff
	UTIME_OMIT = 0x3ffffffe
)

// Timespec mirrors struct __kernel_timespec (include/uapi/linux/time_types.h), which
// on x86-64 is also struct timespec (include/uapi/linux/time.h).
type Timespec struct {
	Sec  int64 // tv_sec
	Nsec int64 // tv_nsec, 0..999999999 when valid
}

// Valid reports whether t is a valid time: tv_nsec in [0, 1e9) and tv_sec >= 0,
// the check of the kernel's timespec64_valid().
func (t Timespec) Valid() bool {
	return t.Sec >= 0 && t.Nsec >= 0 && t.Nsec < nsPerSec
}

// Nanoseconds returns t in nanoseconds, saturating near the int64 limits
// (about ±292 years). t should be Valid or at least have Nsec in [0, 1e9).
func (t Timespec) Nanoseconds() int64 {
	const maxInt64 = 1<<63 - 1
	if t.Sec >= maxInt64/nsPerSec {
		return maxInt64
	}
	if t.Sec <= -maxInt64/nsPerSec {
		return -maxInt64 - 1
	}
	return t.Sec*nsPerSec + t.Nsec
}

const nsPerSec = 1000000000

// NsecToTimespec returns ns as a Timespec with 0 <= Nsec < 1e9.
func NsecToTimespec(ns int64) Timespec {
	sec, nsec := ns/nsPerSec, ns%nsPerSec
	if nsec < 0 {
		sec--
		nsec += nsPerSec
	}
	return Timespec{Sec: sec, Nsec: nsec}
}

// Timeval mirrors struct __kernel_old_timeval (include/uapi/linux/time_types.h),
// which on x86-64 is also struct timeval (include/uapi/linux/time.h).
type Timeval struct {
	Sec  int64 // tv_sec
	Usec int64 // tv_usec
}

// ITimerspec mirrors struct __kernel_itimerspec (include/uapi/linux/time_types.h),
// used by timer_settime(2) and timerfd_settime(2).
type ITimerspec struct {
	Interval Timespec // it_interval
	Value    Timespec // it_value
}

// ITimerval mirrors struct __kernel_old_itimerval (include/uapi/linux/time_types.h),
// used by setitimer(2).
type ITimerval struct {
	Interval Timeval // it_interval
	Value    Timeval // it_value
}
