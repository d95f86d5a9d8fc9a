package dev

import "github.com/unigo-os/unigo/kernel/arch/amd64"

// The local APIC in xAPIC (MMIO) mode: interrupt acknowledgement and the one-shot timer
// that drives the scheduler and sleeping.

// Register offsets from the APIC base (Intel SDM Vol. 3A, Table 11-1, "Local APIC
// Register Address Map").
const (
	lapicID           = 0x020
	lapicVersion      = 0x030
	lapicTPR          = 0x080
	lapicEOI          = 0x0B0
	lapicSVR          = 0x0F0
	lapicESR          = 0x280
	lapicLVTTimer     = 0x320
	lapicLVTThermal   = 0x330
	lapicLVTPerf      = 0x340
	lapicLVTLINT0     = 0x350
	lapicLVTLINT1     = 0x360
	lapicLVTError     = 0x370
	lapicTimerInitial = 0x380
	lapicTimerCurrent = 0x390
	lapicTimerDivide  = 0x3E0
)

// Register bits.
const (
	// IA32_APIC_BASE (SDM 11.4.4).
	apicBaseGlobalEnable = 1 << 11
	apicBaseX2APIC       = 1 << 10
	apicBaseAddrMask     = 0xFFFFF000

	lapicSVREnable    = 1 << 8 // SVR: APIC software enable (SDM 11.9)
	lvtMasked         = 1 << 16
	lvtDeliveryNMI    = 4 << 8     // LVT delivery mode 100 (SDM 11.5.1)
	lvtTimerOneShot   = 0 << 17    // LVT timer mode 00 (SDM 11.5.4)
	lapicVersionMaxLV = 0xFF << 16 // version register: number of LVT entries - 1
	lapicDivideBy16   = 0x3        // divide configuration 0011 (SDM Figure 11-10)
	lapicDivisor      = 16         // so QEMU's 1 GHz APIC clock counts at 62.5 MHz
	lapicMaxCount     = 1<<32 - 1  // the initial count register is 32 bits
	lapicMinCount     = 1          // 0 would stop the timer instead of firing it
	lapicCalibrateDiv = 2000       // measure over 1/2000 s = 500 µs of TSC time
)

// lapic is written only by LAPICInit.
var lapic struct {
	base      uintptr // register window; 0 until LAPICInit
	hz        uint64  // timer counts per second, after the divider
	countMult uint64  // timer counts per ns, fixed point for scale
}

// LAPICInit enables this CPU's local APIC and prepares its timer for one-shot use.
// The timer interrupt arrives on timerVector; spuriousVector (traditionally 0xFF) must
// have a handler that does not send EOI.
//
// Preconditions:
//   - ClockInit has run (the timer is calibrated against the TSC)
//   - interrupts disabled
//   - the legacy PICs are disabled (PICDisable), since LINT0 is masked here
func LAPICInit(timerVector, spuriousVector uint8) {
	if clock.tscHz == 0 {
		panic("dev.LAPICInit: ClockInit has not run")
	}
	msr := amd64.Rdmsr(amd64.MSR_APIC_BASE)
	if msr&apicBaseX2APIC != 0 {
		// x2APIC cannot go back to xAPIC directly (SDM 11.12.5): disable, then re-enable.
		msr &^= apicBaseX2APIC | apicBaseGlobalEnable
		amd64.Wrmsr(amd64.MSR_APIC_BASE, msr)
	}
	if msr&apicBaseGlobalEnable == 0 {
		msr |= apicBaseGlobalEnable
		amd64.Wrmsr(amd64.MSR_APIC_BASE, msr)
	}
	base := uintptr(msr & apicBaseAddrMask)
	if base < MMIOWindowBase {
		panic("dev.LAPICInit: APIC base outside the MMIO window")
	}
	lapic.base = base

	lapicWrite(lapicTPR, 0) // accept every vector
	lapicWrite(lapicLVTTimer, lvtMasked)
	// LINT0 carries the 8259's ExtINT in virtual-wire mode; we use the IOAPIC instead.
	lapicWrite(lapicLVTLINT0, lvtMasked)
	// LINT1 is wired to NMI on PCs; keep it that way, as firmware and Linux do.
	lapicWrite(lapicLVTLINT1, lvtDeliveryNMI)
	lapicWrite(lapicLVTError, lvtMasked)
	maxLVT := (lapicRead(lapicVersion) & lapicVersionMaxLV) >> 16
	if maxLVT >= 4 {
		lapicWrite(lapicLVTPerf, lvtMasked)
	}
	if maxLVT >= 5 {
		lapicWrite(lapicLVTThermal, lvtMasked)
	}
	// The ESR latches on write: write twice to clear anything the firmware left.
	lapicWrite(lapicESR, 0)
	lapicWrite(lapicESR, 0)
	lapicWrite(lapicSVR, lapicSVREnable|uint32(spuriousVector))

	lapicWrite(lapicTimerDivide, lapicDivideBy16)
	if lapic.hz == 0 { // the boot CPU calibrates; the others share its result
		hz := lapicTimerHz()
		lapic.hz = hz
		lapic.countMult = scaleMult(hz, nsPerSec)
	}

	lapicWrite(lapicTimerInitial, 0) // stopped until the first LAPICTimerOneShot
	lapicWrite(lapicLVTTimer, lvtTimerOneShot|uint32(timerVector))
	// Acknowledge anything left in service; ignored when nothing is.
	lapicWrite(lapicEOI, 0)
}

// lapicTimerHz returns the timer's count rate after the divider: from the hypervisor if
// it says, else measured against the TSC over 500 µs with the timer masked.
func lapicTimerHz() uint64 {
	if _, bus := hypervisorTiming(); bus != 0 {
		return bus / lapicDivisor
	}
	lapicWrite(lapicTimerInitial, lapicMaxCount)
	// Under TCG the first execution of a code path includes translating it, which makes
	// the first sample's read slow and skews its midpoint (measured: -0.3%). Warm up.
	lapicSample()
	c0, t0 := lapicSample()
	window := clock.tscHz / lapicCalibrateDiv
	for amd64.Rdtsc()-t0 < window {
	}
	c1, t1 := lapicSample()
	lapicWrite(lapicTimerInitial, 0)
	if t1 == t0 || c0 <= c1 {
		panic("dev.LAPICInit: APIC timer does not count")
	}
	return mulDiv(uint64(c0-c1), clock.tscHz, t1-t0)
}

// lapicSample reads the timer's current count with the TSC at the midpoint of the read.
func lapicSample() (count uint32, tsc uint64) {
	a := amd64.Rdtsc()
	count = lapicRead(lapicTimerCurrent)
	b := amd64.Rdtsc()
	return count, a + (b-a)/2
}

// lapicCount converts a delay to timer counts, clamped to what the timer can do.
func lapicCount(ns int64, countMult uint64) uint32 {
	if ns <= 0 {
		return lapicMinCount
	}
	c := scale(uint64(ns), countMult)
	if c < lapicMinCount {
		return lapicMinCount
	}
	if c > lapicMaxCount {
		return lapicMaxCount
	}
	return uint32(c)
}

// LAPICTimerOneShot arms the timer to interrupt once, ns nanoseconds from now, replacing
// any earlier deadline. ns <= 0 fires as soon as possible. Delays beyond the counter's
// range (about 68 s at QEMU's rate) are clamped: the caller re-arms when it fires early.
func LAPICTimerOneShot(ns int64) {
	lapicWrite(lapicTimerInitial, lapicCount(ns, lapic.countMult))
}

// LAPICTimerStop cancels the pending timer interrupt, if any.
func LAPICTimerStop() { lapicWrite(lapicTimerInitial, 0) }

// LAPICEOI signals the end of the interrupt being serviced.
func LAPICEOI() { lapicWrite(lapicEOI, 0) }

// LAPICID returns this CPU's local APIC ID.
func LAPICID() uint32 { return lapicRead(lapicID) >> 24 }

// LAPICTimerHz returns the timer's count rate after the divider, as calibrated.
func LAPICTimerHz() uint64 { return lapic.hz }

func lapicRead(reg uintptr) uint32     { return Read32(lapic.base + reg) }
func lapicWrite(reg uintptr, v uint32) { Write32(lapic.base+reg, v) }

// Interrupt command register (SDM 11.6.1): writing the low half sends the IPI.
const (
	lapicICRLow        = 0x300
	lapicICRHigh       = 0x310
	icrDeliveryPending = 1 << 12
	icrModeInit        = 5 << 8
	icrModeStartup     = 6 << 8
	icrLevelAssert     = 1 << 14
)

// sendICR waits for the previous IPI to leave, then sends low to the APIC with ID dest.
func sendICR(dest uint32, low uint32) {
	for lapicRead(lapicICRLow)&icrDeliveryPending != 0 {
		amd64.Pause()
	}
	lapicWrite(lapicICRHigh, dest<<24)
	lapicWrite(lapicICRLow, low)
}

// LAPICSendIPI sends a fixed interrupt on vector to the CPU whose APIC ID is dest.
func LAPICSendIPI(dest uint32, vector uint8) { sendICR(dest, uint32(vector)) }

// LAPICSendInit sends INIT to dest: the first step of starting an application processor.
func LAPICSendInit(dest uint32) { sendICR(dest, icrModeInit|icrLevelAssert) }

// LAPICSendStartup sends a STARTUP IPI: dest begins in real mode at page<<12.
func LAPICSendStartup(dest uint32, page uint8) {
	sendICR(dest, icrModeStartup|icrLevelAssert|uint32(page))
}
