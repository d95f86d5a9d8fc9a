package build

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

func fakeSource() fstest.MapFS {
	return fstest.MapFS{
		"go.mod":              {Data: []byte("module " + ModulePath + "\n\ngo 1.26\n")},
		"kernel/kernel.go":    {Data: []byte("package kernel\n")},
		"kernel/mm/mm.go":     {Data: []byte("package mm\n")},
		"kernel/mm/x_test.go": {Data: []byte("package mm\n")},
	}
}

func TestSourceDirExtractsOnceByHash(t *testing.T) {
	cache := t.TempDir()
	src := fakeSource()
	dir, err := SourceDir(src, cache)
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := SourceHash(src)
	if want := filepath.Join(cache, "unigo", "src-"+hash); dir != want || len(hash) != 12 {
		t.Errorf("dir = %s, want %s (12-digit hash)", dir, want)
	}
	for name, f := range src {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || string(got) != string(f.Data) {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, f.Data)
		}
	}
	// A second call reuses the tree, even if someone touched it.
	marker := filepath.Join(dir, "kernel", "marker")
	os.WriteFile(marker, nil, 0o644)
	if again, err := SourceDir(src, cache); err != nil || again != dir {
		t.Errorf("second SourceDir = %s, %v; want %s", again, err, dir)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("second SourceDir rewrote the tree")
	}
	// No temporary directories are left behind.
	entries, _ := os.ReadDir(filepath.Join(cache, "unigo"))
	if len(entries) != 1 {
		t.Errorf("cache holds %d entries, want 1", len(entries))
	}
}

func TestSourceHashDependsOnNamesAndContents(t *testing.T) {
	a := fakeSource()
	ha, _ := SourceHash(a)
	b := fakeSource()
	b["kernel/kernel.go"] = &fstest.MapFile{Data: []byte("package kernel // changed\n")}
	hb, _ := SourceHash(b)
	c := fakeSource()
	c["kernel/kernel2.go"] = c["kernel/kernel.go"]
	delete(c, "kernel/kernel.go")
	hc, _ := SourceHash(c)
	if ha == hb || ha == hc || hb == hc {
		t.Errorf("hashes collide: %s %s %s", ha, hb, hc)
	}
}

func TestSourceDirNeedsGoMod(t *testing.T) {
	src := fakeSource()
	delete(src, "go.mod")
	if _, err := SourceDir(src, t.TempDir()); err == nil {
		t.Errorf("SourceDir without go.mod succeeded")
	}
}
