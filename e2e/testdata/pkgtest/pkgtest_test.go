package pkgtest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestReadsTestdata(t *testing.T) {
	got, err := Greeting()
	if err != nil || got != "gopher\n" {
		t.Fatalf("Greeting() = %q, %v; want \"gopher\\n\"", got, err)
	}
}

func TestSeesItsPackageDirectory(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(names, "pkgtest_test.go") || !slices.Contains(names, "pkgtest.go") {
		t.Errorf("*.go in the working directory: %q", names)
	}
	var dirs []string
	filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return err
	})
	if want := []string{"testdata", "testdata/sub"}; !slices.Equal(dirs, want) {
		t.Errorf("directories under testdata: %q, want %q", dirs, want)
	}
}
