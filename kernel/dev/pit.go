package dev

import "github.com/unigo-os/unigo/kernel/arch/amd64"

// The 8254 programmable interval timer, used only to measure the TSC at boot.
//
// Both QEMU machines emulate channel 0 (microvm too, unless pit=off) but microvm has no
// port 0x61, so the classic channel-2 gate trick is out: we free-run channel 0 in mode 0
// and latch-read it.

// Control word (Intel 82C54 data sheet, "Control Word Format"):
// bits 7-6 select the counter, 5-4 the access mode (00 = latch), 3-1 the mode, 0 BCD.
const (
	pitSelectCh0  = 0 << 6
	pitLatch      = 0 << 4
	pitAccessLoHi = 3 << 4
	pitMode0      = 0 << 1 // interrupt on terminal count
	pitBinary     = 0 << 0
)

const (
	// pitCalibrateTicks is one calibration window: 2 ms of PIT ticks. Boot time matters,
	// and the error comes from the two endpoint reads (a few µs under TCG), not the length
	// — unless the host deschedules the vCPU between a PIT read and its TSC read, which a
	// loaded host does: hence several windows (pitCalibrateTSC).
	pitCalibrateTicks = PITHz * 2 / 1000

	// pitStartSpins bounds the wait for the first decrement. An absent PIT floats to
	// 0xFFFF forever; a present one changes every 838 ns, faster than one read.
	pitStartSpins = 100

	// pitMaxCycles bounds the calibration loop in TSC cycles (>= 0.4 s at any plausible
	// rate) in case the counter stops moving half way.
	pitMaxCycles = 1 << 32
)

// pitStart loads channel 0 with 0xFFFF in mode 0. In mode 0 the counter keeps counting
// down through 0 to 0xFFFF after the terminal count, so it never stops moving and
// differences mod 2^16 are exact.
func pitStart() {
	amd64.Outb(PITCommand, pitSelectCh0|pitAccessLoHi|pitMode0|pitBinary)
	amd64.Outb(PITChannel0, 0xFF)
	amd64.Outb(PITChannel0, 0xFF)
}

// pitStop reprograms channel 0 without loading a count; per the data sheet a mode-0
// counter then waits for a count, so it raises no further IRQ0.
func pitStop() {
	amd64.Outb(PITCommand, pitSelectCh0|pitAccessLoHi|pitMode0|pitBinary)
}

// pitRead latches channel 0 and reads the 16-bit count, low byte first.
func pitRead() uint16 {
	amd64.Outb(PITCommand, pitSelectCh0|pitLatch)
	lo := amd64.Inb(PITChannel0)
	hi := amd64.Inb(PITChannel0)
	return uint16(hi)<<8 | uint16(lo)
}

// pitElapsed returns how many ticks a down-counting, wrapping 16-bit counter advanced
// from reading from to reading to. It is exact while less than 2^16 ticks (55 ms) pass.
func pitElapsed(from, to uint16) uint32 {
	return uint32(from - to) // uint16 arithmetic wraps exactly like the counter
}

// tscHzFromPIT converts cycles counted over ticks PIT ticks into a TSC frequency.
func tscHzFromPIT(cycles uint64, ticks uint32) uint64 {
	if ticks == 0 {
		return 0
	}
	return mulDiv(cycles, PITHz, uint64(ticks))
}

// pitSample reads the counter together with the TSC at the midpoint of the read, which
// halves the error of a slow (trapping) port access.
func pitSample() (count uint16, tsc uint64) {
	a := amd64.Rdtsc()
	count = pitRead()
	b := amd64.Rdtsc()
	return count, a + (b-a)/2
}

// pitCalibrateTSC measures the TSC frequency against PIT channel 0 over about 3 ms.
// It returns 0 if there is no PIT.
func pitCalibrateTSC() uint64 {
	pitStart()
	defer pitStop()
	// Two windows that agree within 0.2% are trusted (the usual case: 4 ms). Otherwise one
	// of them was disturbed: take the median of five.
	var m [5]uint64
	for i := range m {
		m[i] = pitMeasure()
		if m[i] == 0 {
			return 0
		}
		if i == 1 && agree(m[0], m[1]) {
			return (m[0] + m[1]) / 2
		}
	}
	// Insertion sort of five: the median is m[2].
	for i := 1; i < len(m); i++ {
		for j := i; j > 0 && m[j] < m[j-1]; j-- {
			m[j], m[j-1] = m[j-1], m[j]
		}
	}
	return m[2]
}

// agree reports whether two frequencies differ by less than 0.2%.
func agree(a, b uint64) bool {
	d := a - b
	if b > a {
		d = b - a
	}
	return d*500 < a
}

// pitMeasure does the measurement for pitCalibrateTSC on a running channel 0.
func pitMeasure() uint64 {
	// Wait for the first decrement: it proves the PIT exists and starts the window at a
	// tick edge.
	c0, _ := pitSample()
	var t0 uint64
	for i := 0; ; i++ {
		c, t := pitSample()
		if c != c0 {
			c0, t0 = c, t
			break
		}
		if i == pitStartSpins {
			return 0
		}
	}
	for {
		c, t := pitSample()
		if n := pitElapsed(c0, c); n >= pitCalibrateTicks {
			return tscHzFromPIT(t-t0, n)
		}
		if t-t0 > pitMaxCycles {
			return 0
		}
	}
}
