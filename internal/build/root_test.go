package build

import (
	"archive/tar"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readTar returns the archive's entries: name -> contents, "dir" or "-> target".
func readTar(t *testing.T, name string) (map[string]string, []string) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string]string{}
	var order []string
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return got, order
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
		default:
			got[h.Name] = string(data)
		}
		order = append(order, h.Name)
		if h.Uid != 0 || h.Gid != 0 || strings.HasPrefix(h.Name, "/") {
			t.Errorf("header %+v", h)
		}
	}
}

func testDefaults(t *testing.T) []DefaultFile {
	d, err := DefaultFiles("")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPackRootPlacesFilesAndDefaults(t *testing.T) {
	static := t.TempDir()
	writeTree(t, static, map[string]string{"index.html": "<p>hi</p>\n", "css/a.css": "a{}\n"})
	os.Symlink("index.html", filepath.Join(static, "home"))
	out := filepath.Join(t.TempDir(), "root.tar")
	err := PackRoot(out, RootOptions{
		Files:    []FileMount{{Host: static, Guest: "/srv/www"}},
		Defaults: testDefaults(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, order := readTar(t, out)
	want := map[string]string{
		"srv/": "dir", "srv/www/": "dir", "srv/www/index.html": "<p>hi</p>\n", "srv/www/css/": "dir",
		"srv/www/css/a.css": "a{}\n", "srv/www/home": "-> index.html",
		"etc/": "dir", "etc/hosts": etcHosts, "etc/resolv.conf": etcResolv, "etc/passwd": etcPasswd,
		"etc/group": etcGroup, "etc/nsswitch.conf": etcNsswitch,
		"usr/": "dir", "usr/local/": "dir", "usr/local/go/": "dir", "usr/local/go/lib/": "dir",
		"usr/local/go/lib/time/": "dir",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	if z := got["usr/local/go/lib/time/zoneinfo.zip"]; !strings.HasPrefix(z, "PK") {
		t.Errorf("zoneinfo.zip missing or not a zip (%d bytes)", len(z))
	}
	if len(got) != len(want)+1 {
		t.Errorf("%d entries, want %d: %q", len(got), len(want)+1, order)
	}
	// A directory precedes its contents.
	seen := map[string]bool{}
	for _, n := range order {
		if d := filepath.Dir(strings.TrimSuffix(n, "/")); d != "." && !seen[d+"/"] {
			t.Errorf("%s comes before its directory", n)
		}
		seen[n] = true
	}
}

func TestPackRootUserFilesWinOverDefaults(t *testing.T) {
	etc := t.TempDir()
	writeTree(t, etc, map[string]string{"hosts": "10.0.0.1 db\n"})
	base := t.TempDir()
	writeTree(t, base, map[string]string{"a_test.go": "package a\n", "etc/passwd": "me:x:1000:1000::/home/me:/bin/sh\n"})
	out := filepath.Join(t.TempDir(), "root.tar")
	err := PackRoot(out, RootOptions{
		Base:     base,
		Files:    []FileMount{{Host: etc, Guest: "/etc"}},
		Defaults: testDefaults(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := readTar(t, out)
	for k, v := range map[string]string{
		"a_test.go": "package a\n", "etc/hosts": "10.0.0.1 db\n", // --files over the default
		"etc/passwd": "me:x:1000:1000::/home/me:/bin/sh\n", // the base tree over the default
		"etc/group":  etcGroup,                             // the default where nobody has one
	} {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
}

func TestFileMountErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, nil, 0o644)
	for spec, want := range map[string]string{
		"nocolon":                        "HOSTDIR:GUESTPATH",
		":/srv":                          "empty HOSTDIR",
		dir + "/missing:/srv":            "no such directory",
		file + ":/srv":                   "not a directory",
		dir + ":srv":                     "absolute",
		dir + ":/dev":                    "/dev",
		dir + ":/proc/x":                 "/proc",
		dir + ":/tmp/../tmp/data":        "/tmp",
		dir + ":/scratch/x":              "/scratch",
		"c:\\host:/x:/srv/../nowhere/..": "no such directory",
	} {
		_, err := ParseFileMount(spec, "/scratch")
		if spec == dir+":/tmp/../tmp/data" {
			_, err = ParseFileMount(spec, "/tmp")
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseFileMount(%q) = %v, want an error naming %q", spec, err, want)
		}
	}
	m, err := ParseFileMount(dir+":/srv//www/", "/tmp")
	if err != nil || m.Guest != "/srv/www" || m.Host != dir {
		t.Errorf("ParseFileMount = %+v, %v", m, err)
	}
	for _, c := range []struct {
		a, b string
		want string
	}{
		{"/srv", "/srv", "same guest path"},
		{"/srv", "/srv/www", "inside"},
		{"/", "/srv", "inside"},
	} {
		err := CheckFileMounts([]FileMount{{dir, c.a}, {dir, c.b}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("CheckFileMounts(%s, %s) = %v, want %q", c.a, c.b, err, c.want)
		}
	}
	if err := CheckFileMounts([]FileMount{{dir, "/srv"}, {dir, "/srv2"}}); err != nil {
		t.Errorf("/srv and /srv2: %v", err)
	}
}

func TestPackRootMakesVolumeMountPoints(t *testing.T) {
	srv := t.TempDir()
	writeTree(t, srv, map[string]string{"data/keep.txt": "k\n", "file": "f\n"})
	out := filepath.Join(t.TempDir(), "root.tar")
	err := PackRoot(out, RootOptions{
		Files: []FileMount{{Host: srv, Guest: "/srv"}},
		Dirs:  []string{"/data", "/mnt/a/b/", "/srv/data"},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := readTar(t, out)
	for _, d := range []string{"data/", "mnt/", "mnt/a/", "mnt/a/b/", "srv/data/"} {
		if got[d] != "dir" {
			t.Errorf("%s: %q, want a directory", d, got[d])
		}
	}
	if got["srv/data/keep.txt"] != "k\n" {
		t.Errorf("a mount point inside a --files tree lost the tree's contents: %q", got["srv/data/keep.txt"])
	}
	for _, bad := range []string{"/srv/file", "/srv/file/x"} {
		if err := PackRoot(out, RootOptions{Files: []FileMount{{Host: srv, Guest: "/srv"}}, Dirs: []string{bad}}); err == nil {
			t.Errorf("mount point %s over a file: packed without an error", bad)
		}
	}
}
