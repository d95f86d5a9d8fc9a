package vmm

import (
	"reflect"
	"strings"
	"testing"
)

func TestEncodeCmdlineGolden(t *testing.T) {
	got, err := EncodeCmdline("00112233445566778899aabbccddeeff", nil, Program{
		Args: []string{"hello", "a b", "x=y", `"q"`, ""},
		Env:  []string{"HOME=/", "MSG=100% sure"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "unigo.seed=00112233445566778899aabbccddeeff -- env=HOME=/ env=MSG=100%25%20sure " +
		"arg=hello arg=a%20b arg=x=y arg=%22q%22 arg="
	if got != want {
		t.Errorf("EncodeCmdline:\n got %q\nwant %q", got, want)
	}
}

func TestCmdlineRoundTripsWeirdStrings(t *testing.T) {
	weird := []string{
		"", " ", "  two  spaces ", "tab\there", "new\nline", "quote\"s", "it's", "back\\slash",
		"%", "%2", "%zz", "--", "arg=x", "env=Y=z", "unicode ✓ ü", "\x00nul\xff\x80",
		"a/b:c,d+e=f-g_h.i", "$(rm -rf /)", ";|&<>*?[]{}()#~`!",
	}
	p := Program{Args: append([]string{"prog"}, weird...)}
	for i, w := range weird {
		if w != "" {
			p.Env = append(p.Env, "K"+string(rune('A'+i))+"="+w)
		}
	}
	s, err := EncodeCmdline(NewSeed(), []string{"unigo.debug"}, p)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && (c < 0x21 || c > 0x7e) {
			t.Fatalf("encoded command line has byte %#x at %d: %q", c, i, s)
		}
	}
	c, err := DecodeCmdline(s)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Program, p) {
		t.Errorf("round trip:\n got %q\nwant %q", c.Program, p)
	}
	if !reflect.DeepEqual(c.Kernel[1:], []string{"unigo.debug"}) {
		t.Errorf("kernel options: got %q", c.Kernel)
	}
}

func TestDecodeCmdlineKeepsQEMUAppendedOptions(t *testing.T) {
	s := "unigo.seed=ab -- arg=hi env=A=1  arg=there virtio_mmio.device=512@0xfeb00e00:12"
	c, err := DecodeCmdline(s)
	if err != nil {
		t.Fatal(err)
	}
	want := &Cmdline{
		Kernel:  []string{"unigo.seed=ab", "virtio_mmio.device=512@0xfeb00e00:12"},
		Program: Program{Args: []string{"hi", "there"}, Env: []string{"A=1"}},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v\nwant %+v", c, want)
	}
	if v, ok := c.Option("unigo.seed"); !ok || v != "ab" {
		t.Errorf("Option(unigo.seed) = %q, %v", v, ok)
	}
}

func TestDecodeCmdlineTokensBeforeSeparatorAreKernelOptions(t *testing.T) {
	c, err := DecodeCmdline("arg=x env=Y=1")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Program.Args)+len(c.Program.Env) != 0 || len(c.Kernel) != 2 {
		t.Errorf("got %+v, want two kernel options and no program", c)
	}
}

func TestDecodeCmdlineRejectsBadEscapes(t *testing.T) {
	for _, s := range []string{"-- arg=%", "-- arg=%4", "-- arg=%g0", "-- env=A=%0z"} {
		if _, err := DecodeCmdline(s); err == nil {
			t.Errorf("DecodeCmdline(%q) succeeded, want error", s)
		}
	}
}

func TestEncodeCmdlineRejectsBadInput(t *testing.T) {
	cases := []struct {
		name string
		opts []string
		p    Program
	}{
		{"no argv0", nil, Program{}},
		{"env without =", nil, Program{Args: []string{"p"}, Env: []string{"FOO"}}},
		{"env empty key", nil, Program{Args: []string{"p"}, Env: []string{"=x"}}},
		{"option with space", []string{"a b"}, Program{Args: []string{"p"}}},
		{"option --", []string{"--"}, Program{Args: []string{"p"}}},
		{"too long", nil, Program{Args: []string{"p", strings.Repeat(" ", MaxCmdline)}}},
	}
	for _, c := range cases {
		if _, err := EncodeCmdline("00", c.opts, c.p); err == nil {
			t.Errorf("%s: EncodeCmdline succeeded, want error", c.name)
		}
	}
}

func TestNewSeedIs32HexDigits(t *testing.T) {
	a, b := NewSeed(), NewSeed()
	if len(a) != 32 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Errorf("NewSeed() = %q, want 32 lower-case hex digits", a)
	}
	if a == b {
		t.Errorf("two seeds are equal: %q", a)
	}
}
