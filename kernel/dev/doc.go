// Package dev drives the few platform devices the kernel needs on QEMU's microvm, pc and
// q35 machines: the clocks (TSC, PIT, CMOS RTC), the local APIC and its timer, the legacy
// PICs (only to silence them), random numbers and VM exit. board.go lists the machine's
// addresses and ports; all MMIO goes through mmio.go.
//
// Startup order, with interrupts disabled:
//
//	PICDisable()          // before anything can raise a legacy IRQ
//	ClockInit()           // TSC frequency (<= ~4 ms with the PIT under TCG) and RTC
//	LAPICInit(timer, spurious)
//	SeedRandom(seed)      // only needed when HaveRDRAND() is false
//
// Every function assumes a single CPU and runs with interrupts disabled; none allocates.
package dev
