package procfs

// Writer formats a generated file's text into the window of one read: the first Skip
// bytes of output are dropped (the read's offset), the next len(Buf) are stored, and the
// rest only counted. Pass it by value across interfaces (a pointer would escape to the
// heap) and by pointer to helpers.
type Writer struct {
	Buf  []byte // the read's destination
	Skip uint64 // output bytes to drop before Buf starts
	N    int    // bytes stored in Buf so far
	Len  uint64 // output bytes so far, dropped, stored or past the window
}

// Full reports whether the window is filled: generators may stop early.
func (w *Writer) Full() bool { return w.N == len(w.Buf) && w.Len >= w.Skip }

// Str appends s.
func (w *Writer) Str(s string) {
	for len(s) > 0 {
		if w.Len < w.Skip {
			d := w.Skip - w.Len
			if d >= uint64(len(s)) {
				w.Len += uint64(len(s))
				return
			}
			w.Len += d
			s = s[d:]
			continue
		}
		n := copy(w.Buf[w.N:], s)
		w.N += n
		w.Len += uint64(len(s))
		return
	}
}

// Bytes appends b.
func (w *Writer) Bytes(b []byte) {
	for _, c := range b {
		w.Byte(c)
	}
}

// Byte appends c.
func (w *Writer) Byte(c byte) {
	if w.Len >= w.Skip && w.N < len(w.Buf) {
		w.Buf[w.N] = c
		w.N++
	}
	w.Len++
}

// Dec appends v in decimal.
func (w *Writer) Dec(v uint64) { w.DecWidth(v, 0) }

// DecWidth appends v in decimal, right-aligned with spaces to width characters.
func (w *Writer) DecWidth(v uint64, width int) {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	for pad := width - (len(b) - i); pad > 0; pad-- {
		w.Byte(' ')
	}
	w.Bytes(b[i:])
}

// Fixed appends v/10^digits with exactly digits decimals (uptime's "12.34").
func (w *Writer) Fixed(v uint64, digits int) {
	div := uint64(1)
	for i := 0; i < digits; i++ {
		div *= 10
	}
	w.Dec(v / div)
	if digits == 0 {
		return
	}
	w.Byte('.')
	frac := v % div
	for div /= 10; div > 0; div /= 10 {
		w.Byte(byte('0' + frac/div%10))
	}
}

// Hex appends v in lower-case hexadecimal, zero-padded to at least width digits.
func (w *Writer) Hex(v uint64, width int) {
	var b [16]byte
	i := len(b)
	for {
		i--
		b[i] = "0123456789abcdef"[v&15]
		v >>= 4
		if v == 0 {
			break
		}
	}
	for pad := width - (len(b) - i); pad > 0; pad-- {
		w.Byte('0')
	}
	w.Bytes(b[i:])
}

// PadTo appends spaces until the current line (which started at output offset
// lineStart) is col characters long; at least one space.
func (w *Writer) PadTo(lineStart uint64, col int) {
	w.Byte(' ')
	for w.Len-lineStart < uint64(col) {
		w.Byte(' ')
	}
}
