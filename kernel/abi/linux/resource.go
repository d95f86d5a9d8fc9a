// Resource limits and usage, from include/uapi/asm-generic/resource.h
// and include/uapi/linux/resource.h.

package linux

// Resource ids, include/uapi/asm-generic/resource.h.
const (
	RLIMIT_CPU        = 0x0
	RLIMIT_FSIZE      = 0x1
	RLIMIT_DATA       = 0x2
	RLIMIT_STACK      = 0x3
	RLIMIT_CORE       = 0x4
	RLIMIT_RSS        = 0x5
	RLIMIT_NPROC      = 0x6
	RLIMIT_NOFILE     = 0x7
	RLIMIT_MEMLOCK    = 0x8
	RLIMIT_AS         = 0x9
	RLIMIT_LOCKS      = 0xa
	RLIMIT_SIGPENDING = 0xb
	RLIMIT_MSGQUEUE   = 0xc
	RLIMIT_NICE       = 0xd
	RLIMIT_RTPRIO     = 0xe
	RLIMIT_RTTIME     = 0xf
	RLIM_NLIMITS      = 16
)

// The "no limit" value, include/uapi/asm-generic/resource.h (~0UL).
const (
	RLIM_INFINITY = ^uint64(0)
)

// getrusage(2) targets, include/uapi/linux/resource.h.
const (
	RUSAGE_SELF     = 0x0
	RUSAGE_CHILDREN = -0x1
	RUSAGE_BOTH     = -2
	RUSAGE_THREAD   = 0x1
)

// getpriority(2) targets, include/uapi/linux/resource.h.
const (
	PRIO_PROCESS = 0x0
	PRIO_PGRP    = 0x1
	PRIO_USER    = 0x2
	PRIO_MIN     = -20
	PRIO_MAX     = 20
)

// Rlimit mirrors struct rlimit (include/uapi/linux/resource.h) for 64-bit longs,
// which is also struct rlimit64 as used by prlimit64(2).
type Rlimit struct {
	Cur uint64 // rlim_cur, or RLIM_INFINITY
	Max uint64 // rlim_max, or RLIM_INFINITY
}

// Rusage mirrors struct rusage (include/uapi/linux/resource.h) for 64-bit longs,
// 144 bytes, as filled by getrusage(2) and wait4(2).
type Rusage struct {
	Utime    Timeval // ru_utime
	Stime    Timeval // ru_stime
	Maxrss   int64   // ru_maxrss, KiB
	Ixrss    int64
	Idrss    int64
	Isrss    int64
	Minflt   int64
	Majflt   int64
	Nswap    int64
	Inblock  int64
	Oublock  int64
	Msgsnd   int64
	Msgrcv   int64
	Nsignals int64
	Nvcsw    int64
	Nivcsw   int64
}
