package procfs

import "testing"

func gen(w *Writer) {
	w.Str("MemTotal:")
	w.PadTo(0, 16)
	w.DecWidth(1234, 8)
	w.Str(" kB\n")
	w.Hex(0xbeef, 8)
	w.Byte('-')
	w.Fixed(12345, 2)
	w.Dec(0)
}

func TestWriterKeepsOnlyTheReadWindow(t *testing.T) {
	var all [100]byte
	w := Writer{Buf: all[:]}
	gen(&w)
	want := "MemTotal:           1234 kB\n0000beef-123.450"
	if got := string(all[:w.N]); got != want || w.Len != uint64(len(want)) {
		t.Fatalf("whole text %q (len %d), want %q", got, w.Len, want)
	}
	for off := 0; off <= len(want); off++ {
		for n := 0; n <= 7; n++ {
			buf := make([]byte, n)
			w := Writer{Buf: buf, Skip: uint64(off)}
			gen(&w)
			end := min(off+n, len(want))
			if got := string(buf[:w.N]); got != want[off:end] {
				t.Errorf("window [%d, +%d) = %q, want %q", off, n, got, want[off:end])
			}
		}
	}
}

func TestParseFDIsCanonical(t *testing.T) {
	for s, ok := range map[string]bool{"0": true, "17": true, "": false, "01": false, "-1": false, "1x": false, "99999999": false} {
		if _, got := parseFD(s); got != ok {
			t.Errorf("parseFD(%q) ok = %v, want %v", s, got, ok)
		}
	}
}
