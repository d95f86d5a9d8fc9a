package dev

// ChaCha (D. J. Bernstein, "ChaCha, a variant of Salsa20", 2008) in its original form:
// 256-bit key, 64-bit block counter, 64-bit nonce. The software random generator uses 8
// rounds (ChaCha8), which has a wide security margin for this use; tests run the same
// code with 20 rounds against RFC 8439 as well.

// ChaCha's constant words: "expand 32-byte k" read as four little-endian words.
const (
	chachaC0 = 0x61707865
	chachaC1 = 0x3320646e
	chachaC2 = 0x79622d32
	chachaC3 = 0x6b206574
)

func rotl(x uint32, n uint) uint32 { return x<<n | x>>(32-n) }

// quarterRound is ChaCha's QR(a, b, c, d) on four words of the state.
func quarterRound(a, b, c, d uint32) (uint32, uint32, uint32, uint32) {
	a += b
	d = rotl(d^a, 16)
	c += d
	b = rotl(b^c, 12)
	a += b
	d = rotl(d^a, 8)
	c += d
	b = rotl(b^c, 7)
	return a, b, c, d
}

// chachaBlock computes one 64-byte keystream block as 16 little-endian words.
//
// Preconditions:
//   - rounds is even
func chachaBlock(out *[16]uint32, key *[8]uint32, counter, nonce uint64, rounds int) {
	// State layout: constants, key, counter (low, high), nonce (low, high).
	var in [16]uint32
	in[0], in[1], in[2], in[3] = chachaC0, chachaC1, chachaC2, chachaC3
	copy(in[4:12], key[:])
	in[12], in[13] = uint32(counter), uint32(counter>>32)
	in[14], in[15] = uint32(nonce), uint32(nonce>>32)

	x := in
	for i := 0; i < rounds; i += 2 {
		// Column round.
		x[0], x[4], x[8], x[12] = quarterRound(x[0], x[4], x[8], x[12])
		x[1], x[5], x[9], x[13] = quarterRound(x[1], x[5], x[9], x[13])
		x[2], x[6], x[10], x[14] = quarterRound(x[2], x[6], x[10], x[14])
		x[3], x[7], x[11], x[15] = quarterRound(x[3], x[7], x[11], x[15])
		// Diagonal round.
		x[0], x[5], x[10], x[15] = quarterRound(x[0], x[5], x[10], x[15])
		x[1], x[6], x[11], x[12] = quarterRound(x[1], x[6], x[11], x[12])
		x[2], x[7], x[8], x[13] = quarterRound(x[2], x[7], x[8], x[13])
		x[3], x[4], x[9], x[14] = quarterRound(x[3], x[4], x[9], x[14])
	}
	for i := range out {
		out[i] = x[i] + in[i]
	}
}

// chachaRounds is the generator's round count.
const chachaRounds = 8

// chachaRNG is a fast-key-erasure generator (D. J. Bernstein, "Fast-key-erasure
// random-number generators", 2017): every request is served from the keystream and then
// the key is replaced by fresh keystream, so a later leak of the state does not reveal
// earlier output.
type chachaRNG struct {
	key     [8]uint32
	counter uint64
}

// seed sets the key from 32 bytes, read as little-endian words.
func (r *chachaRNG) seed(s *[32]byte) {
	for i := range r.key {
		r.key[i] = uint32(s[4*i]) | uint32(s[4*i+1])<<8 | uint32(s[4*i+2])<<16 | uint32(s[4*i+3])<<24
	}
	r.counter = 0
}

// read fills b with keystream and then rekeys.
func (r *chachaRNG) read(b []byte) {
	var blk [16]uint32
	for len(b) > 0 {
		chachaBlock(&blk, &r.key, r.counter, 0, chachaRounds)
		r.counter++
		for i := 0; i < len(blk) && len(b) > 0; i++ {
			w := blk[i]
			for j := 0; j < 4 && len(b) > 0; j++ {
				b[0] = byte(w >> (8 * j))
				b = b[1:]
			}
		}
	}
	chachaBlock(&blk, &r.key, r.counter, 0, chachaRounds)
	copy(r.key[:], blk[:8])
	r.counter = 0
}
