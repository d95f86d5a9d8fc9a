package vmm

import (
	"io"
	"strconv"
)

// The guest reports its exit code on the console before it stops the VM:
//
//	ESC ] 777 ; unigo-exit=N BEL      ("\x1b]777;unigo-exit=N\x07")
//
// an OSC sequence terminals ignore. N is decimal, optionally negative; the
// exit code is N & 0xff, as for a Linux process.
const (
	exitMarkerPrefix = "\x1b]777;unigo-exit="
	exitMarkerEnd    = '\a'
	maxMarkerDigits  = 11 // "-2147483648"
)

// ExitFilter copies the console to W byte for byte, except that it removes
// exit markers and remembers the code of the last one. A marker may arrive
// split across any number of writes; bytes that might start one are held
// back until they can be decided, and Flush releases them at end of stream.
type ExitFilter struct {
	W io.Writer

	pend  []byte // a proper prefix of a marker, not yet written
	out   []byte // scratch for one Write
	code  int
	found bool
	err   error // first write error; later output is dropped
}

// Write implements io.Writer. It always consumes all of p, so that a broken
// console never stalls the guest; the first write error is reported once.
func (f *ExitFilter) Write(p []byte) (int, error) {
	f.out = f.out[:0]
	for _, c := range p {
		f.feed(c)
	}
	err := f.emit()
	return len(p), err
}

// feed advances the marker matcher by one byte.
func (f *ExitFilter) feed(c byte) {
	if len(f.pend) == 0 {
		if c == exitMarkerPrefix[0] {
			f.pend = append(f.pend, c)
		} else {
			f.out = append(f.out, c)
		}
		return
	}
	n := len(f.pend)
	switch {
	case n < len(exitMarkerPrefix):
		if c == exitMarkerPrefix[n] {
			f.pend = append(f.pend, c)
			return
		}
	case c == exitMarkerEnd:
		if code, err := strconv.Atoi(string(f.pend[len(exitMarkerPrefix):])); err == nil {
			f.code, f.found = code&0xff, true
			f.pend = f.pend[:0]
			return
		}
	case n-len(exitMarkerPrefix) < maxMarkerDigits &&
		(c >= '0' && c <= '9' || c == '-' && n == len(exitMarkerPrefix)):
		f.pend = append(f.pend, c)
		return
	}
	// Not a marker after all. The prefix has no ESC past its first byte, so
	// no marker can start inside the held bytes: release them and look at c
	// afresh (it may be the ESC of a real marker).
	f.out = append(f.out, f.pend...)
	f.pend = f.pend[:0]
	f.feed(c)
}

func (f *ExitFilter) emit() error {
	if len(f.out) == 0 || f.err != nil {
		return nil
	}
	if _, err := f.W.Write(f.out); err != nil {
		f.err = err
		return err
	}
	return nil
}

// Flush writes any held-back bytes: at end of stream they are not a marker.
func (f *ExitFilter) Flush() error {
	f.out = append(f.out[:0], f.pend...)
	f.pend = f.pend[:0]
	return f.emit()
}

// Code returns the exit code from the last marker seen, if any.
func (f *ExitFilter) Code() (code int, ok bool) {
	return f.code, f.found
}
