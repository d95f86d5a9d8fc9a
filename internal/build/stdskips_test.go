package build

import (
	"regexp"
	"strings"
	"testing"
)

func TestSkipTable(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range stdSkips {
		if s.Package == "" || s.Test == "" || s.Reason == "" {
			t.Errorf("incomplete entry %+v", s)
		}
		if strings.Contains(s.Test, "/") {
			t.Errorf("%s %s: a slash would make -test.skip match subtests", s.Package, s.Test)
		}
		if _, err := regexp.Compile(s.Test); err != nil {
			t.Errorf("%s %s: %v", s.Package, s.Test, err)
		}
		if seen[s.Package+" "+s.Test] {
			t.Errorf("duplicate entry %s %s", s.Package, s.Test)
		}
		seen[s.Package+" "+s.Test] = true
	}
}

func TestSkipPattern(t *testing.T) {
	if p := SkipPattern(SkipsFor("strings")); p != "" {
		t.Errorf("strings: pattern %q, want none", p)
	}
	p := SkipPattern(SkipsFor("sync"))
	re := regexp.MustCompile(p)
	for name, want := range map[string]bool{
		"TestMutexMisuse": true, "TestIssue76126": true,
		"TestMutexMisuseX": false, "XTestMutexMisuse": false, "TestMutex": false,
	} {
		if re.MatchString(name) != want {
			t.Errorf("%s matches %q: %v, want %v", p, name, !want, want)
		}
	}
}
