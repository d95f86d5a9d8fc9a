package dev

import "github.com/unigo-os/unigo/kernel/arch/amd64"

// The kernel's clocks: a monotonic clock from the TSC and a wall clock anchored to the
// CMOS RTC read once at boot.
//
// Nanotime is the hot path (the runtime calls clock_gettime constantly): one RDTSC, a
// 64x64->128 multiply and a shift, no division. It assumes an invariant TSC, which QEMU
// (TCG: the host TSC; KVM: a stable, offset TSC) and any modern CPU provide, and a single
// CPU, so readings never go backwards.

// clock is written only by ClockInit.
var clock struct {
	tscHz   uint64
	tscBase uint64 // TSC at ClockInit: Nanotime's zero
	nsMult  uint64 // ns per TSC cycle, fixed point for scale
	source  uint8  // clockPIT, ...

	rtcSec int64 // Unix time the RTC showed at ClockInit; 0 if there was no usable RTC
	rtcNs  int64 // Nanotime when it was read
}

const (
	nsPerSec = 1000000000
	maxInt64 = 1<<63 - 1
)

// ClockInit finds the TSC frequency (see tsc.go for the sources, at most ~3 ms with the
// PIT) and reads the RTC. Call it once, early, before any other clock or LAPIC function.
//
// Preconditions:
//   - interrupts disabled, so the PIT measurement is not stretched
func ClockInit() {
	hz, source := findTSCHz()
	clock.tscHz = hz
	clock.source = source
	clock.nsMult = scaleMult(nsPerSec, hz)
	clock.tscBase = amd64.Rdtsc()
	clock.rtcSec = ReadRTC()
	clock.rtcNs = Nanotime()
}

// Nanotime returns monotonic nanoseconds since ClockInit (0 before it). With the
// 128-bit product it neither overflows nor loses precision for 292 years of uptime.
func Nanotime() int64 {
	ns := scale(amd64.Rdtsc()-clock.tscBase, clock.nsMult)
	if ns > maxInt64 {
		return maxInt64
	}
	return int64(ns)
}

// TSCFrequency returns the TSC frequency in Hz that ClockInit determined.
func TSCFrequency() uint64 { return clock.tscHz }

// ClockSource names where the TSC frequency came from: "cpuid-0x40000010", "kvmclock",
// "cpuid-0x15", "pit", "cpuid-0x16", "guess" or "uninitialized".
func ClockSource() string { return clockSourceName(clock.source) }

// Walltime returns the time of day as Unix seconds and nanoseconds: the RTC reading at
// boot plus the monotonic time since. The RTC only has whole seconds, so the result may
// be up to 1 s behind true time; it never jumps. Without an RTC it starts at 1970.
func Walltime() (sec int64, nsec int32) {
	d := Nanotime() - clock.rtcNs
	return clock.rtcSec + d/nsPerSec, int32(d % nsPerSec)
}

// ClockParams returns what Nanotime and Walltime compute from, for the vDSO's copy of
// them: ns = ((TSC - tscBase) * nsMult) >> 32; wall ns = rtcSec*1e9 + ns - rtcNs.
func ClockParams() (tscBase, nsMult uint64, rtcSec, rtcNs int64) {
	return clock.tscBase, clock.nsMult, clock.rtcSec, clock.rtcNs
}
