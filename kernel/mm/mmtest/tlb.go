package mmtest

// TLB records the pages the code under test asked to flush. It implements mm.TLB.
type TLB struct {
	Flushed    []uint64
	Shootdowns int
}

// Flush records va.
func (t *TLB) Flush(va uint64) { t.Flushed = append(t.Flushed, va) }

// Reset forgets the recorded flushes.
func (t *TLB) Reset() { t.Flushed = t.Flushed[:0] }

// Shootdown counts the calls (there is only one CPU in tests).
func (t *TLB) Shootdown() { t.Shootdowns++ }

// Has reports whether va was flushed since the last Reset.
func (t *TLB) Has(va uint64) bool {
	for _, v := range t.Flushed {
		if v == va {
			return true
		}
	}
	return false
}
