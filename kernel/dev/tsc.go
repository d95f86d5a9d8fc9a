package dev

import "github.com/unigo-os/unigo/kernel/arch/amd64"

// Finding the TSC frequency. Sources, best first:
//
//  1. CPUID 0x40000010 (VMware's timing leaf; QEMU/KVM fill it with vmware-cpuid-freq=on,
//     the default with a fixed tsc-frequency): EAX = TSC kHz, EBX = APIC bus kHz.
//  2. kvmclock: exact, instant, and works without a PIT (Firecracker).
//  3. CPUID 0x15: crystal Hz * EBX/EAX, exact when the crystal is enumerated.
//  4. PIT channel 0: ~3 ms, what TCG uses (QEMU's TSC is the host's, and the PIT follows
//     host time, so this measures the real rate).
//  5. CPUID 0x16 base MHz: only approximately the TSC rate (off by up to ~0.5%).
//  6. A 1 GHz guess, so the kernel still runs; ClockSource reports it.

// CPUID leaves and bits (Intel SDM Vol. 2A, CPUID).
const (
	cpuidFeatures          = 0x1
	cpuidHypervisorPresent = 1 << 31 // CPUID.1:ECX, set by every hypervisor
	cpuidTSCCrystal        = 0x15
	cpuidFrequency         = 0x16
	cpuidHypervisorBase    = 0x40000000 // EAX = highest hypervisor leaf
	cpuidHypervisorTiming  = 0x40000010 // EAX = TSC kHz, EBX = APIC bus kHz
)

// Clock sources, as recorded in clock.source.
const (
	clockUninitialized = iota
	clockCPUIDTiming
	clockKVMClock
	clockCPUID15
	clockPIT
	clockCPUID16
	clockGuess
)

// guessTSCHz is used when nothing can tell us the rate.
const guessTSCHz = 1000000000

// hypervisorMaxLeaf returns the highest hypervisor CPUID leaf, or 0 on bare metal.
// Out-of-range leaves on bare metal return garbage (Intel repeats the highest basic
// leaf), so the hypervisor-present bit must be checked first.
func hypervisorMaxLeaf() uint32 {
	if _, _, c, _ := amd64.Cpuid(cpuidFeatures, 0); c&cpuidHypervisorPresent == 0 {
		return 0
	}
	max, _, _, _ := amd64.Cpuid(cpuidHypervisorBase, 0)
	if max < cpuidHypervisorBase || max > cpuidHypervisorBase+0xFF {
		return 0 // TCG and some VMMs leave the range empty
	}
	return max
}

// hypervisorTiming returns CPUID 0x40000010's TSC and APIC bus frequencies in Hz, or 0s.
func hypervisorTiming() (tscHz, busHz uint64) {
	if hypervisorMaxLeaf() < cpuidHypervisorTiming {
		return 0, 0
	}
	a, b, _, _ := amd64.Cpuid(cpuidHypervisorTiming, 0)
	return uint64(a) * 1000, uint64(b) * 1000
}

// cpuid15TSCHz returns the frequency CPUID 0x15 enumerates, or 0.
func cpuid15TSCHz() uint64 {
	if max, _, _, _ := amd64.Cpuid(0, 0); max < cpuidTSCCrystal {
		return 0
	}
	den, num, crystal, _ := amd64.Cpuid(cpuidTSCCrystal, 0)
	if den == 0 || num == 0 || crystal == 0 {
		return 0
	}
	return uint64(crystal) * uint64(num) / uint64(den)
}

// cpuid16TSCHz returns the processor base frequency from CPUID 0x16, or 0.
func cpuid16TSCHz() uint64 {
	if max, _, _, _ := amd64.Cpuid(0, 0); max < cpuidFrequency {
		return 0
	}
	mhz, _, _, _ := amd64.Cpuid(cpuidFrequency, 0)
	return uint64(mhz&0xFFFF) * 1000000
}

// findTSCHz returns the TSC frequency and the clock source it came from.
func findTSCHz() (hz uint64, source uint8) {
	if hz, _ := hypervisorTiming(); hz != 0 {
		return hz, clockCPUIDTiming
	}
	if hz := kvmclockTSCHz(); hz != 0 {
		return hz, clockKVMClock
	}
	if hz := cpuid15TSCHz(); hz != 0 {
		return hz, clockCPUID15
	}
	if hz := pitCalibrateTSC(); hz != 0 {
		return hz, clockPIT
	}
	if hz := cpuid16TSCHz(); hz != 0 {
		return hz, clockCPUID16
	}
	return guessTSCHz, clockGuess
}

// clockSourceName names a clock source for boot messages.
func clockSourceName(source uint8) string {
	switch source {
	case clockCPUIDTiming:
		return "cpuid-0x40000010"
	case clockKVMClock:
		return "kvmclock"
	case clockCPUID15:
		return "cpuid-0x15"
	case clockPIT:
		return "pit"
	case clockCPUID16:
		return "cpuid-0x16"
	case clockGuess:
		return "guess"
	}
	return "uninitialized"
}
