package dev

import (
	"bytes"
	"testing"
)

func TestParseSeed(t *testing.T) {
	seed, ok := ParseSeed("000102030405060708090a0B0c0D0e0F")
	if !ok {
		t.Fatal("ParseSeed rejected 32 hex digits")
	}
	var want [32]byte
	for i := 0; i < 16; i++ {
		want[i] = byte(i)
	}
	if seed != want {
		t.Errorf("ParseSeed = %x, want %x", seed, want)
	}
	long := "ff" + string(bytes.Repeat([]byte("00"), 31))
	if seed, ok := ParseSeed(long); !ok || seed[0] != 0xff {
		t.Errorf("ParseSeed(64 digits) = %x, %v", seed, ok)
	}
	for _, bad := range []string{"", "00", "000102030405060708090a0b0c0d0e0g", "000102030405060708090a0b0c0d0e0f0"} {
		if _, ok := ParseSeed(bad); ok {
			t.Errorf("ParseSeed(%q) accepted", bad)
		}
	}
}

func TestFillRandomFallsBackToSeededChaCha(t *testing.T) {
	saved := rng
	defer func() { rng = saved }()

	rng.probed, rng.rdrand, rng.seeded = true, false, false
	if got := RandomSource(); got != "none" {
		t.Errorf("RandomSource() unseeded = %q, want none", got)
	}
	if fillRandom(make([]byte, 8)) {
		t.Error("fillRandom succeeded with no source")
	}
	SeedRandom([32]byte{})
	if got := RandomSource(); got != "chacha8" {
		t.Errorf("RandomSource() seeded = %q, want chacha8", got)
	}
	b := make([]byte, 64)
	if !fillRandom(b) {
		t.Fatal("fillRandom failed when seeded")
	}
	if want := keystream([32]byte{}, 0, 0, 8, 64); !bytes.Equal(b, want) {
		t.Errorf("fillRandom = %x, want the ChaCha8 keystream %x", b, want)
	}
}

// TestFillRandomUsesRDRANDOnHost runs the RDRAND path when the build host has it.
func TestFillRandomUsesRDRANDOnHost(t *testing.T) {
	saved := rng
	defer func() { rng = saved }()
	rng = saved
	rng.probed = false
	if !HaveRDRAND() {
		t.Skip("host CPU has no RDRAND")
	}
	if got := RandomSource(); got != "rdrand" {
		t.Errorf("RandomSource() = %q, want rdrand", got)
	}
	a, b := make([]byte, 37), make([]byte, 37)
	if !fillRandom(a) || !fillRandom(b) || bytes.Equal(a, b) {
		t.Errorf("fillRandom gave %x then %x", a, b)
	}
}
