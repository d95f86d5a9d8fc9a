package vmm

import (
	"bytes"
	"errors"
	"testing"
)

const marker7 = "\x1b]777;unigo-exit=7\a"

func TestExitFilter(t *testing.T) {
	cases := []struct {
		in, out string
		code    int
		found   bool
	}{
		{"hello\n", "hello\n", 0, false},
		{"out:" + marker7 + "\n", "out:\n", 7, true},
		{marker7, "", 7, true},
		{"\x1b]777;unigo-exit=0\a", "", 0, true},
		{"\x1b]777;unigo-exit=-1\a", "", 255, true},
		{"\x1b]777;unigo-exit=256\a", "", 0, true},
		{"\x1b]777;unigo-exit=3\a\x1b]777;unigo-exit=4\a", "", 4, true},
		// Near misses pass through untouched.
		{"\x1b[31mred\x1b[0m", "\x1b[31mred\x1b[0m", 0, false},
		{"\x1b]777;unigo-exit=\a", "\x1b]777;unigo-exit=\a", 0, false},
		{"\x1b]777;unigo-exit=-\a", "\x1b]777;unigo-exit=-\a", 0, false},
		{"\x1b]777;unigo-exit=1-2\a", "\x1b]777;unigo-exit=1-2\a", 0, false},
		{"\x1b]777;unigo-exit=123456789012\a", "\x1b]777;unigo-exit=123456789012\a", 0, false},
		{"\x1b]777;unigo-exit=5", "\x1b]777;unigo-exit=5", 0, false},
		{"\x1b]777;unigo-exi", "\x1b]777;unigo-exi", 0, false},
		{"\x1b\x1b]777;unigo-exit=9\a!", "\x1b!", 9, true},
		{"\x1b]777;\x1b]777;unigo-exit=9\a", "\x1b]777;", 9, true},
	}
	for _, c := range cases {
		// Every split into two writes, plus byte at a time.
		for split := 0; split <= len(c.in); split++ {
			var out bytes.Buffer
			f := &ExitFilter{W: &out}
			f.Write([]byte(c.in[:split]))
			f.Write([]byte(c.in[split:]))
			f.Flush()
			code, found := f.Code()
			if out.String() != c.out || code != c.code || found != c.found {
				t.Errorf("%q split at %d: got %q, %d, %v; want %q, %d, %v",
					c.in, split, out.String(), code, found, c.out, c.code, c.found)
			}
		}
		var out bytes.Buffer
		f := &ExitFilter{W: &out}
		for i := 0; i < len(c.in); i++ {
			f.Write([]byte{c.in[i]})
		}
		f.Flush()
		if out.String() != c.out {
			t.Errorf("%q byte by byte: got %q, want %q", c.in, out.String(), c.out)
		}
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errors.New("broken")
}

func TestExitFilterKeepsMatchingAfterWriteError(t *testing.T) {
	w := &failWriter{}
	f := &ExitFilter{W: w}
	if n, err := f.Write([]byte("a")); n != 1 || err == nil {
		t.Errorf("first Write = %d, %v; want 1, error", n, err)
	}
	f.Write([]byte("b" + marker7))
	if code, ok := f.Code(); !ok || code != 7 {
		t.Errorf("Code() = %d, %v; want 7, true", code, ok)
	}
	if w.n != 1 {
		t.Errorf("writer called %d times after failing, want 1", w.n)
	}
}
