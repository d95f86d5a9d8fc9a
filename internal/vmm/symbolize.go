package vmm

import (
	"debug/elf"
	"debug/gosym"
	"fmt"
	"io"
	"strconv"
	"sync"
)

// A kernel fault report (kernel/trap.go: kernelFault, walkFrames) lists the
// faulting instruction and the return addresses of the frame-pointer chain:
//
//	  stack:
//	    pc 0x4a1b2c
//	    pc 0x4a0f11
//
// The CLI names them with the image's own symbol table while relaying the
// console:
//
//	    pc 0x4a1b2c runtime.memmove+0x2c /usr/lib/go/src/runtime/memmove_amd64.s:181

// Symbolizer names a code address: "function+0xoff file:line". exact is true
// for the faulting instruction itself and false for a return address, whose
// call instruction (and so its line) lies just before it.
type Symbolizer func(pc uint64, exact bool) (string, bool)

// ImageSymbolizer returns a Symbolizer for the ELF image at path. The table
// is read on first use, so a run that never faults pays nothing; an image
// without a Go symbol table names nothing.
func ImageSymbolizer(path string) Symbolizer {
	var once sync.Once
	var tab *gosym.Table
	return func(pc uint64, exact bool) (string, bool) {
		once.Do(func() { tab, _ = LoadSymbols(path) })
		if tab == nil {
			return "", false
		}
		return Symbolize(tab, pc, exact)
	}
}

// LoadSymbols reads the Go line table (.gopclntab) of the ELF image at path.
func LoadSymbols(path string) (*gosym.Table, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	text := f.Section(".text")
	pcln := f.Section(".gopclntab")
	if text == nil || pcln == nil {
		return nil, fmt.Errorf("%s: no .text or .gopclntab section", path)
	}
	data, err := pcln.Data()
	if err != nil {
		return nil, err
	}
	return gosym.NewTable(nil, gosym.NewLineTable(data, text.Addr))
}

// Symbolize names pc with tab.
func Symbolize(tab *gosym.Table, pc uint64, exact bool) (string, bool) {
	lookup := pc
	if !exact && pc > 0 {
		lookup = pc - 1
	}
	fn := tab.PCToFunc(lookup)
	if fn == nil {
		return "", false
	}
	s := fn.Name + "+0x" + strconv.FormatUint(pc-fn.Entry, 16)
	if file, line, _ := tab.PCToLine(lookup); file != "" {
		s += " " + file + ":" + strconv.Itoa(line)
	}
	return s, true
}

// pcLinePrefix starts each address line of a fault report; stackLine comes
// just before the first one, the faulting instruction.
const (
	pcLinePrefix = "    pc 0x"
	stackLine    = "  stack:"
)

// PCAnnotator copies the console to W, appending Sym's name for the address
// to every line that is exactly "    pc 0x<hex>" (optionally ending in CR).
// Other bytes pass through at once; only a line that so far reads like an
// address line is held back until its end.
type PCAnnotator struct {
	W   io.Writer
	Sym Symbolizer

	line    []byte // the current line, if it may still be an address line
	holding bool   // line is held back (not yet written)
	start   bool   // at the start of a line
	inStack bool   // the previous line was "  stack:"
	exact   bool   // the held line is the faulting instruction
	cur     []byte // what the current (passed-through) line said, up to len(stackLine)+1
	out     []byte
	err     error
}

// NewPCAnnotator returns an annotator writing to w.
func NewPCAnnotator(w io.Writer, sym Symbolizer) *PCAnnotator {
	return &PCAnnotator{W: w, Sym: sym, start: true}
}

// Write implements io.Writer; it always consumes all of p.
func (a *PCAnnotator) Write(p []byte) (int, error) {
	a.out = a.out[:0]
	for _, c := range p {
		a.feed(c)
	}
	return len(p), a.emit()
}

func (a *PCAnnotator) feed(c byte) {
	if a.start {
		a.start = false
		a.holding = true
		a.line = a.line[:0]
		a.cur = a.cur[:0]
	}
	if c == '\n' {
		if a.holding {
			a.finishHeld()
		}
		a.out = append(a.out, c)
		a.inStack = string(a.cur) == stackLine || string(a.cur) == stackLine+"\r"
		a.start = true
		return
	}
	if len(a.cur) <= len(stackLine) {
		a.cur = append(a.cur, c)
	}
	if !a.holding {
		a.out = append(a.out, c)
		return
	}
	a.line = append(a.line, c)
	if !a.mayBePCLine() {
		a.out = append(a.out, a.line...)
		a.holding = false
	}
}

// mayBePCLine reports whether the held line is a prefix of an address line.
func (a *PCAnnotator) mayBePCLine() bool {
	l := a.line
	n := min(len(l), len(pcLinePrefix))
	if string(l[:n]) != pcLinePrefix[:n] {
		return false
	}
	digits := l[n:]
	for i, c := range digits {
		if c == '\r' && i == len(digits)-1 && i > 0 {
			continue
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') || i >= 16 {
			return false
		}
	}
	return true
}

// finishHeld writes the held line at its end, annotated if it is complete.
func (a *PCAnnotator) finishHeld() {
	l := a.line
	cr := len(l) > 0 && l[len(l)-1] == '\r'
	if cr {
		l = l[:len(l)-1]
	}
	a.holding = false
	if len(l) <= len(pcLinePrefix) || a.Sym == nil {
		a.out = append(a.out, a.line...)
		return
	}
	pc, err := strconv.ParseUint(string(l[len(pcLinePrefix):]), 16, 64)
	name, ok := "", false
	if err == nil {
		name, ok = a.Sym(pc, a.inStack)
	}
	a.out = append(a.out, l...)
	if ok {
		a.out = append(a.out, ' ')
		a.out = append(a.out, name...)
	}
	if cr {
		a.out = append(a.out, '\r')
	}
}

func (a *PCAnnotator) emit() error {
	if len(a.out) == 0 || a.err != nil {
		return nil
	}
	if _, err := a.W.Write(a.out); err != nil {
		a.err = err
		return err
	}
	return nil
}

// Flush writes a held-back partial line at end of stream.
func (a *PCAnnotator) Flush() error {
	a.out = a.out[:0]
	if a.holding {
		a.out = append(a.out, a.line...)
		a.holding = false
	}
	a.start = true
	return a.emit()
}
