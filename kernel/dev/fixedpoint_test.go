package dev

import (
	"math/big"
	"math/bits"
	"math/rand/v2"
	"testing"
)

func TestMul64MatchesMathBits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := [][2]uint64{{0, 0}, {^uint64(0), ^uint64(0)}, {1 << 63, 2}, {1<<32 - 1, 1<<32 + 1}}
	for i := 0; i < 10000; i++ {
		cases = append(cases, [2]uint64{r.Uint64(), r.Uint64() >> r.UintN(64)})
	}
	for _, c := range cases {
		hi, lo := mul64(c[0], c[1])
		whi, wlo := bits.Mul64(c[0], c[1])
		if hi != whi || lo != wlo {
			t.Fatalf("mul64(%#x, %#x) = %#x:%#x, want %#x:%#x", c[0], c[1], hi, lo, whi, wlo)
		}
	}
}

func TestMulDivMatchesBigInt(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 10000; i++ {
		a, b, c := r.Uint64()>>r.UintN(64), r.Uint64()>>r.UintN(64), r.Uint64()>>r.UintN(64)|1
		want := new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(b))
		want.Quo(want, new(big.Int).SetUint64(c))
		got := mulDiv(a, b, c)
		if !want.IsUint64() {
			if got != ^uint64(0) {
				t.Fatalf("mulDiv(%d, %d, %d) = %d, want saturation", a, b, c, got)
			}
			continue
		}
		if got != want.Uint64() {
			t.Fatalf("mulDiv(%d, %d, %d) = %d, want %s", a, b, c, got, want)
		}
	}
}

func TestScaleMultRoundsToNearest(t *testing.T) {
	for _, c := range []struct{ num, den uint64 }{
		{nsPerSec, 1}, {nsPerSec, 3}, {nsPerSec, 999999999}, {nsPerSec, 5000000000},
		{nsPerSec, 1<<34 + 12345}, {62500000, nsPerSec}, {1 << 40, nsPerSec}, {7, 2},
	} {
		exact := new(big.Rat).SetFrac(new(big.Int).Lsh(new(big.Int).SetUint64(c.num), 32), new(big.Int).SetUint64(c.den))
		got := scaleMult(c.num, c.den)
		diff := new(big.Rat).Sub(exact, new(big.Rat).SetInt(new(big.Int).SetUint64(got)))
		if diff.Abs(diff).Cmp(big.NewRat(1, 2)) > 0 {
			t.Errorf("scaleMult(%d, %d) = %d, want %s", c.num, c.den, got, exact.FloatString(3))
		}
	}
}

// TestNanotimeConversionWithin1ppm checks the TSC->ns conversion against exact
// arithmetic for TSC rates from 1 to 5 GHz and uptimes from microseconds to a decade.
func TestNanotimeConversionWithin1ppm(t *testing.T) {
	const tenYearsNs = 10 * 365 * 24 * 3600 * nsPerSec
	for hz := uint64(1e9); hz <= 5e9; hz += 12345679 {
		mult := scaleMult(nsPerSec, hz)
		for _, ns := range []uint64{1e3, 1e6, 1e9, 3600e9, 86400e9, tenYearsNs} {
			cycles := mulDiv(ns, hz, nsPerSec)
			want := new(big.Int).Mul(new(big.Int).SetUint64(cycles), big.NewInt(nsPerSec))
			want.Quo(want, new(big.Int).SetUint64(hz))
			got := scale(cycles, mult)
			diff := int64(got) - want.Int64()
			if diff < 0 {
				diff = -diff
			}
			// 1 ppm, plus 1 ns of truncation for tiny intervals.
			if limit := want.Int64()/1e6 + 1; diff > limit {
				t.Fatalf("hz=%d cycles=%d: got %d ns, want %s (off by %d)", hz, cycles, got, want, diff)
			}
		}
	}
}

func TestScaleSaturates(t *testing.T) {
	if got := scale(^uint64(0), 1<<40); got != ^uint64(0) {
		t.Errorf("scale(max, 2^40) = %d, want saturation", got)
	}
}

func TestLAPICCountClamps(t *testing.T) {
	mult := scaleMult(62500000, nsPerSec) // QEMU: 1 GHz / 16
	for _, c := range []struct {
		ns   int64
		want uint32
	}{
		{-5, lapicMinCount}, {0, lapicMinCount}, {1, lapicMinCount}, {16, 1},
		{1000, 62}, {1e6, 62500}, {1e9, 62500000}, {3600e9, lapicMaxCount}, {1<<63 - 1, lapicMaxCount},
	} {
		if got := lapicCount(c.ns, mult); got != c.want {
			t.Errorf("lapicCount(%d ns) = %d, want %d", c.ns, got, c.want)
		}
	}
}
