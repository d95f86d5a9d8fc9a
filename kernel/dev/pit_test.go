package dev

import "testing"

func TestPITElapsedHandlesWrap(t *testing.T) {
	for _, c := range []struct {
		from, to uint16
		want     uint32
	}{
		{0xFFFF, 0xFFFF, 0},
		{0xFFFF, 0xF000, 0x0FFF},
		{0x0005, 0x0000, 5},
		{0x0005, 0xFFF0, 0x15}, // wrapped through zero
		{0x0000, 0xFFFF, 1},
		{0x1000, 0x1001, 0xFFFF}, // almost a full period
	} {
		if got := pitElapsed(c.from, c.to); got != c.want {
			t.Errorf("pitElapsed(%#x, %#x) = %#x, want %#x", c.from, c.to, got, c.want)
		}
	}
}

func TestTSCHzFromPIT(t *testing.T) {
	// 3 ms worth of ticks at 2.5 GHz.
	ticks := uint32(PITHz * 3 / 1000)
	cycles := uint64(2500000000) * uint64(ticks) / PITHz
	got := tscHzFromPIT(cycles, ticks)
	if diff := int64(got) - 2500000000; diff > 1000 || diff < -1000 {
		t.Errorf("tscHzFromPIT(%d, %d) = %d, want ~2.5e9", cycles, ticks, got)
	}
	if got := tscHzFromPIT(123, 0); got != 0 {
		t.Errorf("tscHzFromPIT with no ticks = %d, want 0", got)
	}
}

func TestPVClockTSCHz(t *testing.T) {
	// Linux's pvclock scale for a 2.5 GHz TSC: mul = 2^32 * 0.4 * 2^1 with shift -1.
	for _, c := range []struct {
		mul   uint32
		shift int8
		want  uint64
	}{
		{3435973836, -1, 2500000000},
		{4294967295, 0, 1000000000},
		{2147483648, 1, 1000000000},
		{0, 0, 0},
	} {
		got := pvclockTSCHz(c.mul, c.shift)
		if diff := int64(got) - int64(c.want); diff > 2 || diff < -2 {
			t.Errorf("pvclockTSCHz(%d, %d) = %d, want %d", c.mul, c.shift, got, c.want)
		}
	}
}
