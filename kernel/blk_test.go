package kernel

import "testing"

func TestParseVolOptionDecodesPathAndReadOnly(t *testing.T) {
	cases := []struct {
		in   string
		path string
		ro   bool
		ok   bool
	}{
		{"/data", "/data", false, true},
		{"/data:ro", "/data", true, true},
		{"/my%20files/a%25b:ro", "/my files/a%b", true, true},
		{"/x%2f", "/x/", false, true},
		{"data", "", false, false},    // relative
		{":ro", "", false, false},     // no path
		{"/a:rw", "", false, false},   // only :ro is an option
		{"/a:b:ro", "", false, false}, // ':' in the path
		{"/a%2", "", false, false},    // truncated escape
		{"/a%zz", "", false, false},   // bad escape
	}
	for _, c := range cases {
		var buf [256]byte
		n, ro, ok := parseVolOption(c.in, buf[:])
		if ok != c.ok || ok && (string(buf[:n]) != c.path || ro != c.ro) {
			t.Errorf("parseVolOption(%q) = %q, ro %v, ok %v; want %q, %v, %v", c.in, buf[:n], ro, ok, c.path, c.ro, c.ok)
		}
	}
	var small [4]byte
	if _, _, ok := parseVolOption("/abcd", small[:]); ok {
		t.Error("a path longer than the buffer was accepted")
	}
}
