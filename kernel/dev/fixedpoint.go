package dev

// Fixed-point scaling without division, for the clock hot paths.
//
// A rate conversion y = x * num / den is precomputed as mult = round(num * 2^32 / den) and
// evaluated as y = (x * mult) >> 32 with a full 128-bit product, so x may use all 64 bits:
// the result only overflows when y itself does not fit in 64 bits.

// scaleShift is the binary point of every mult below.
const scaleShift = 32

// mul64 returns the 128-bit product of a and b as hi:lo (math/bits.Mul64, which the
// kernel may not import).
func mul64(a, b uint64) (hi, lo uint64) {
	const mask32 = 1<<32 - 1
	a0, a1 := a&mask32, a>>32
	b0, b1 := b&mask32, b>>32
	w0 := a0 * b0
	t := a1*b0 + w0>>32
	w1 := t & mask32
	w2 := t >> 32
	w1 += a0 * b1
	hi = a1*b1 + w2 + w1>>32
	lo = a * b
	return
}

// scale returns (x * mult) >> scaleShift, saturating at the largest uint64.
func scale(x, mult uint64) uint64 {
	hi, lo := mul64(x, mult)
	if hi>>scaleShift != 0 {
		return ^uint64(0)
	}
	return hi<<(64-scaleShift) | lo>>scaleShift
}

// scaleMult returns round(num * 2^32 / den), the mult for scale.
//
// Preconditions:
//   - den != 0
//   - num < 2^32 or den < 2^32, so that the intermediates fit in 64 bits (the kernel's
//     rates, in Hz and in ns per second, satisfy one of the two)
func scaleMult(num, den uint64) uint64 {
	// num * 2^32 / den = (q + r/den) * 2^32 with q = num/den and r = num%den < 2^32.
	q, r := num/den, num%den
	f, fr := (r<<scaleShift)/den, (r<<scaleShift)%den
	if fr >= den-fr { // round half up without computing 2*fr
		f++
	}
	return q<<scaleShift + f
}

// mulDiv returns a*b/c, truncated, computing a*b in 128 bits; it saturates at the largest
// uint64 when the quotient does not fit. It divides bit by bit, so it is for init code.
//
// Preconditions:
//   - c != 0
func mulDiv(a, b, c uint64) uint64 {
	hi, lo := mul64(a, b)
	if hi >= c {
		return ^uint64(0)
	}
	// Restoring long division of hi:lo by c. hi is the running remainder, always < c.
	var q uint64
	for i := 0; i < 64; i++ {
		carry := hi >> 63 // the remainder's 65th bit after the shift
		hi = hi<<1 | lo>>63
		lo <<= 1
		q <<= 1
		if carry != 0 || hi >= c {
			hi -= c // wraps correctly when carry is set: the true remainder is < c
			q |= 1
		}
	}
	return q
}
