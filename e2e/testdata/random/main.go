// Command random checks that crypto/rand (getrandom(2) in the guest) returns
// real entropy: 1 MiB that is not all zero, whose byte values are evenly
// spread, and that differs from a second read.
//
// The last line is `PASS random` or `FAIL random: reason` (exit 1).
package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"math"
	"os"
)

const name = "random"

const size = 1 << 20

func main() {
	a := make([]byte, size)
	b := make([]byte, size)
	if _, err := rand.Read(a); err != nil {
		fail(fmt.Sprintf("crypto/rand.Read: %v", err))
	}
	if _, err := rand.Read(b); err != nil {
		fail(fmt.Sprintf("second crypto/rand.Read: %v", err))
	}
	if bytes.Equal(a, make([]byte, size)) {
		fail("1 MiB from crypto/rand is all zero")
	}
	if bytes.Equal(a, b) {
		fail("two 1 MiB reads from crypto/rand are identical")
	}
	// Identical 64-byte blocks in a 1 MiB buffer would mean a repeating
	// generator (the chance for real randomness is nil).
	seen := make(map[string]bool, size/64)
	for i := 0; i < size; i += 64 {
		blk := string(a[i : i+64])
		if seen[blk] {
			fail(fmt.Sprintf("64-byte block at offset %d repeats an earlier block", i))
		}
		seen[blk] = true
	}

	// Each byte value is expected size/256 = 4096 times, standard deviation
	// about 64. Bounds of +-640 (10 sigma) never trip on real randomness.
	var counts [256]int
	for _, x := range a {
		counts[x]++
	}
	const expected = size / 256
	minC, maxC := size, 0
	chi2 := 0.0
	for v, c := range counts {
		if c < expected-640 || c > expected+640 {
			fail(fmt.Sprintf("byte value %#02x occurs %d times, want %d +- 640", v, c, expected))
		}
		minC, maxC = min(minC, c), max(maxC, c)
		d := float64(c - expected)
		chi2 += d * d / expected
	}
	// Chi-square with 255 degrees of freedom: mean 255, sd 22.6. 400 is
	// beyond 6 sigma.
	if chi2 > 400 || math.IsNaN(chi2) {
		fail(fmt.Sprintf("byte distribution chi-square %.1f > 400 (255 degrees of freedom)", chi2))
	}
	// The two reads must not be correlated either: matching bytes at the
	// same offset should be about 1/256.
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	if same > expected+640 {
		fail(fmt.Sprintf("the two reads agree at %d offsets, want about %d", same, expected))
	}
	fmt.Printf("read 2 x %d KiB: byte counts %d..%d (expected %d), chi-square %.1f, equal offsets %d\n",
		size>>10, minC, maxC, expected, chi2, same)
	fmt.Println("PASS " + name)
}

func fail(reason string) {
	fmt.Printf("FAIL %s: %s\n", name, reason)
	os.Exit(1)
}
