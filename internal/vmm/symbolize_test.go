package vmm

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

//go:noinline
func symbolizeTarget() uintptr {
	var pcs [1]uintptr
	runtime.Callers(2, pcs[:]) // the return address into our caller
	return pcs[0]
}

// TestSymbolizeOwnBinary names addresses of this test binary, a real Go
// executable, and checks the names against the runtime's own.
func TestSymbolizeOwnBinary(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	tab, err := LoadSymbols(exe)
	if err != nil {
		t.Fatal(err)
	}
	// The entry of a function: exact, offset 0.
	entry := reflect.ValueOf(symbolizeTarget).Pointer()
	file, line := runtime.FuncForPC(entry).FileLine(entry)
	got, ok := Symbolize(tab, uint64(entry), true)
	want := fmt.Sprintf("%s.symbolizeTarget+0x0 %s:%d", pkgPath(), file, line)
	if !ok || got != want {
		t.Errorf("entry: got %q, %v; want %q", got, ok, want)
	}
	// A return address: the call's line, and the offset of the return address.
	ret := symbolizeTarget()
	frame, _ := runtime.CallersFrames([]uintptr{ret}).Next()
	got, ok = Symbolize(tab, uint64(ret), false)
	want = fmt.Sprintf("%s+0x%x %s:%d", frame.Function, uint64(ret)-uint64(frame.Entry), frame.File, frame.Line)
	if !ok || got != want {
		t.Errorf("return address: got %q, %v; want %q", got, ok, want)
	}
	if _, ok := Symbolize(tab, 0x10, true); ok {
		t.Errorf("address 0x10 was named")
	}
}

func pkgPath() string {
	return reflect.TypeOf(ExitError{}).PkgPath()
}

// TestSymbolizeImage names the entry of a PVH image (the fake guest, linked
// at 0x101000 like every unigo image).
func TestSymbolizeImage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	img := buildFakeGuest(t)
	f, err := elf.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	syms, err := f.Symbols()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var entry uint64
	for _, s := range syms {
		if s.Name == "main.pvhEntry.abi0" {
			entry = s.Value
		}
	}
	if entry < 0x101000 {
		t.Fatalf("main.pvhEntry.abi0 at %#x", entry)
	}
	sym := ImageSymbolizer(img)
	got, ok := sym(entry+3, true)
	re := regexp.MustCompile(`^main\.pvhEntry\+0x3 \S+/fakeguest_amd64\.s:\d+$`)
	if !ok || !re.MatchString(got) {
		t.Errorf("got %q, %v; want a match for %s", got, ok, re)
	}
	if got, ok := ImageSymbolizer("/nonexistent.img")(entry, true); ok {
		t.Errorf("a missing image named %#x: %q", entry, got)
	}
}

func fakeSym(pc uint64, exact bool) (string, bool) {
	if pc == 0xdead {
		return "", false
	}
	kind := "ret"
	if exact {
		kind = "exact"
	}
	return fmt.Sprintf("fn%x(%s)", pc, kind), true
}

func TestPCAnnotator(t *testing.T) {
	in := "hello\n" +
		"unigo: kernel fault: page fault\n" +
		"  rip 0x1234  rsp 0x5678\n" +
		"  stack:\r\n" +
		"    pc 0x1234\r\n" +
		"    pc 0x4a0f11\n" +
		"    pc 0xdead\n" +
		"    pc 0x12 trailing\n" +
		"    pc 0x\n" +
		"     pc 0x99\n" +
		"x    pc 0x99\n" +
		"    pc 0x77"
	want := "hello\n" +
		"unigo: kernel fault: page fault\n" +
		"  rip 0x1234  rsp 0x5678\n" +
		"  stack:\r\n" +
		"    pc 0x1234 fn1234(exact)\r\n" +
		"    pc 0x4a0f11 fn4a0f11(ret)\n" +
		"    pc 0xdead\n" +
		"    pc 0x12 trailing\n" +
		"    pc 0x\n" +
		"     pc 0x99\n" +
		"x    pc 0x99\n" +
		"    pc 0x77" // no newline: the stream ended mid-line
	for size := 1; size <= len(in); size++ {
		var out bytes.Buffer
		a := NewPCAnnotator(&out, fakeSym)
		for i := 0; i < len(in); i += size {
			a.Write([]byte(in[i:min(i+size, len(in))]))
		}
		a.Flush()
		if out.String() != want {
			t.Fatalf("writes of %d bytes:\ngot  %q\nwant %q", size, out.String(), want)
		}
	}
}

func TestPCAnnotatorPassesOtherLinesAtOnce(t *testing.T) {
	var out bytes.Buffer
	a := NewPCAnnotator(&out, fakeSym)
	a.Write([]byte("prompt> "))
	if out.String() != "prompt> " {
		t.Errorf("a partial line was held back: %q", out.String())
	}
	a.Write([]byte("\n    pc"))
	if out.String() != "prompt> \n" {
		t.Errorf("got %q; a possible address line should wait for its end", out.String())
	}
	a.Write([]byte(" 0x10!"))
	if !strings.HasSuffix(out.String(), "    pc 0x10!") {
		t.Errorf("got %q; once it is not an address line it should pass", out.String())
	}
}
