package dev

import "github.com/unigo-os/unigo/kernel/arch/amd64"

// Random numbers for getrandom and AT_RANDOM. RDRAND when the CPU has it (QEMU TCG's
// "max" CPU and every modern KVM guest do); otherwise a ChaCha8 generator seeded by the
// host through the kernel command line (unigo.seed=<32 hex digits>).

const cpuidRDRAND = 1 << 30 // CPUID.1:ECX

// rng is written by SeedRandom, the RDRAND probe and the generator itself.
var rng struct {
	probed, rdrand bool
	seeded         bool
	chacha         chachaRNG
}

// HaveRDRAND reports whether the CPU implements RDRAND.
func HaveRDRAND() bool {
	if !rng.probed {
		_, _, c, _ := amd64.Cpuid(cpuidFeatures, 0)
		rng.rdrand = c&cpuidRDRAND != 0
		rng.probed = true
	}
	return rng.rdrand
}

// SeedRandom seeds the software generator. It may be called again to reseed.
func SeedRandom(seed [32]byte) {
	rng.chacha.seed(&seed)
	rng.seeded = true
}

// RandomSource names the source FillRandom uses: "rdrand", "chacha8" or "none".
func RandomSource() string {
	switch {
	case HaveRDRAND():
		return "rdrand"
	case rng.seeded:
		return "chacha8"
	}
	return "none"
}

// fillRandom fills b from RDRAND, falling back to the seeded generator for whatever
// RDRAND cannot supply (absent, or out of entropy after its retries). It returns false,
// with b partly filled, if neither source could fill it.
func fillRandom(b []byte) bool {
	if HaveRDRAND() {
		for len(b) > 0 {
			v, ok := amd64.Rdrand()
			if !ok {
				break
			}
			for j := 0; j < 8 && len(b) > 0; j++ {
				b[0] = byte(v >> (8 * j))
				b = b[1:]
			}
		}
	}
	if len(b) == 0 {
		return true
	}
	if !rng.seeded {
		return false
	}
	rng.chacha.read(b)
	return true
}

// ParseSeed decodes the value of unigo.seed: 32 hex digits (128 bits, placed in the first
// half of the seed) or 64 (256 bits). It rejects anything else.
func ParseSeed(s string) (seed [32]byte, ok bool) {
	if len(s) != 32 && len(s) != 64 {
		return seed, false
	}
	for i := 0; i < len(s); i += 2 {
		hi, ok1 := hexDigit(s[i])
		lo, ok2 := hexDigit(s[i+1])
		if !ok1 || !ok2 {
			return [32]byte{}, false
		}
		seed[i/2] = hi<<4 | lo
	}
	return seed, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
