package dev

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// keystream returns n bytes of ChaCha keystream from counter 0.
func keystream(key [32]byte, nonce uint64, counter uint64, rounds, n int) []byte {
	var r chachaRNG
	r.seed(&key)
	var out []byte
	var blk [16]uint32
	for len(out) < n {
		chachaBlock(&blk, &r.key, counter, nonce, rounds)
		counter++
		for _, w := range blk {
			out = append(out, byte(w), byte(w>>8), byte(w>>16), byte(w>>24))
		}
	}
	return out[:n]
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func le64(b []byte) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// TestChaCha8Vectors uses draft-strombergson-chacha-test-vectors-01 (8 rounds, 256-bit key).
func TestChaCha8Vectors(t *testing.T) {
	for _, c := range []struct{ name, key, iv, want string }{
		{"TC1 all zero", "0000000000000000000000000000000000000000000000000000000000000000", "0000000000000000",
			"3e00ef2f895f40d67f5bb8e81f09a5a12c840ec3ce9a7f3b181be188ef711a1e984ce172b9216f419f445367456d5619314a42a3da86b001387bfdb80e0cfe42" +
				"d2aefa0deaa5c151bf0adb6c01f2a5adc0fd581259f9a2aadcf20f8fd566a26b5032ec38bbc5da98ee0c6f568b872a65a08abf251deb21bb4b56e5d8821e68aa"},
		{"TC7 sequence", "00112233445566778899aabbccddeeffffeeddccbbaa99887766554433221100", "0f1e2d3c4b596877",
			"60fdedbd1a280cb741d0593b6ea0309010acf18e1471f68968f4c9e311dca149b8e027b47c81e0353db013891aa5f68ea3b13dd2f3b8dd0873bf3746e7d6c567" +
				"fe882395601ce8aded444867fe62ed8741420002e5d28bb573113a418c1f4008e954c188f38ec4f26bb8555e2b7c92bf4380e2ea9e553187fdd42821794416de"},
		{"TC8 random", "c46ec1b18ce8a878725a37e780dfb7351f68ed2e194c79fbc6aebee1a667975d", "1ada31d5cf688221",
			"838751b42d8ddd8a3d77f48825a2ba752cf4047cb308a5978ef274973be374c96ad848065871417b08f034e681fe46a93f7d5c61d1306614d4aaf257a7cff08b" +
				"16f2fda170cc18a4b58a2667ed962774af792a6e7f3c77992540711a7a136d7e8a2f8d3f93816709d45a3fa5f8ce72fde15be7b841acba3a2abd557228d9fe4f"},
	} {
		var key [32]byte
		copy(key[:], unhex(t, c.key))
		want := unhex(t, c.want)
		got := keystream(key, le64(unhex(t, c.iv)), 0, 8, len(want))
		if !bytes.Equal(got, want) {
			t.Errorf("%s: keystream\n got %x\nwant %x", c.name, got, want)
		}
	}
}

// TestChaCha20BlockRFC8439 checks the shared block function with 20 rounds against RFC
// 8439 section 2.3.2. The IETF layout has a 32-bit counter and a 96-bit nonce: its
// nonce's first word is our counter's high half.
func TestChaCha20BlockRFC8439(t *testing.T) {
	var key [32]byte
	for i := range key {
		key[i] = byte(i)
	}
	const counter = 1 | 0x09000000<<32
	const nonce = 0x4a000000
	want := unhex(t, "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"+
		"d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e")
	if got := keystream(key, nonce, counter, 20, 64); !bytes.Equal(got, want) {
		t.Errorf("block\n got %x\nwant %x", got, want)
	}
}

func TestChaChaRNGErasesKeyAfterEachRead(t *testing.T) {
	var zero [32]byte
	ks := keystream(zero, 0, 0, 8, 192) // blocks 0, 1, 2 of TC1

	var r chachaRNG
	r.seed(&zero)
	first := make([]byte, 100) // blocks 0 and 1 (partly); the rekey uses block 2
	r.read(first)
	if !bytes.Equal(first, ks[:100]) {
		t.Fatalf("first read\n got %x\nwant %x", first, ks[:100])
	}
	var newKey [32]byte
	copy(newKey[:], ks[128:160])
	want := keystream(newKey, 0, 0, 8, 10)
	second := make([]byte, 10)
	r.read(second)
	if !bytes.Equal(second, want) {
		t.Errorf("read after rekey\n got %x\nwant %x", second, want)
	}
}
