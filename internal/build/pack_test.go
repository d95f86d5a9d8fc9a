package build

import (
	"archive/tar"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPackDir(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("d", 90) + "/" + strings.Repeat("f", 90) + ".txt" // > 100 bytes
	writeTree(t, dir, map[string]string{
		"a.go":                 "package a\n",
		"testdata/x.txt":       "x\n",
		"testdata/sub/y.txt":   "yy\n",
		"testdata/empty/.keep": "",
		"testdata/" + long:     "long\n",
	})
	if err := os.Symlink("x.txt", filepath.Join(dir, "testdata", "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "emptydir"), 0o755); err != nil {
		t.Fatal(err)
	}
	huge, err := os.Create(filepath.Join(dir, "testdata", "huge.bin"))
	if err != nil {
		t.Fatal(err)
	}
	huge.Truncate(MaxPackedFile + 1) // sparse: costs nothing
	huge.Close()

	out := filepath.Join(t.TempDir(), "p.tar")
	var skipped []string
	if err := PackDir(dir, out, func(rel string, size int64) { skipped = append(skipped, rel) }); err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 1 || skipped[0] != "testdata/huge.bin" {
		t.Errorf("skipped %q, want [testdata/huge.bin]", skipped)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string]string{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		switch h.Typeflag {
		case tar.TypeDir:
			got[h.Name] = "dir"
		case tar.TypeSymlink:
			got[h.Name] = "-> " + h.Linkname
		case tar.TypeReg:
			got[h.Name] = string(data)
		default:
			t.Errorf("%s: type %c", h.Name, h.Typeflag)
		}
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || strings.HasPrefix(h.Name, "/") || strings.HasPrefix(h.Name, "./") {
			t.Errorf("header %+v", h)
		}
	}
	want := map[string]string{
		"a.go": "package a\n", "emptydir/": "dir", "testdata/": "dir", "testdata/x.txt": "x\n",
		"testdata/sub/": "dir", "testdata/sub/y.txt": "yy\n", "testdata/empty/": "dir", "testdata/empty/.keep": "",
		"testdata/link": "-> x.txt", "testdata/" + strings.Repeat("d", 90) + "/": "dir", "testdata/" + long: "long\n",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected entry %s", k)
		}
	}
}
