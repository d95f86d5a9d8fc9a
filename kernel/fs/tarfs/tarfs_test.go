package tarfs

import (
	"archive/tar"
	"bytes"
	"testing"
	"time"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

// entry describes one archive member for makeTar.
type entry struct {
	name string
	typ  byte
	body string // contents, or the link target for links
	mode int64
}

func makeTar(t *testing.T, format tar.Format, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, ModTime: time.Unix(1700000000, 0), Format: format}
		if h.Mode == 0 {
			h.Mode = 0644
		}
		switch e.typ {
		case tar.TypeReg:
			h.Size = int64(len(e.body))
		case tar.TypeSymlink, tar.TypeLink:
			h.Linkname = e.body
		}
		if err := w.WriteHeader(h); err != nil {
			t.Fatalf("WriteHeader(%s): %v", e.name, err)
		}
		if e.typ == tar.TypeReg {
			w.Write([]byte(e.body))
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustLookup(t *testing.T, dir Ino, path string, follow bool) Ino {
	t.Helper()
	i, err := Lookup(dir, path, follow)
	if err != 0 {
		t.Fatalf("Lookup(%d, %q) = %v", dir, path, err)
	}
	return i
}

func readAll(t *testing.T, i Ino) string {
	t.Helper()
	var out []byte
	buf := make([]byte, 3) // small, to cross read boundaries
	for off := uint64(0); ; {
		n, err := ReadAt(i, off, buf)
		if err != 0 {
			t.Fatalf("ReadAt: %v", err)
		}
		if n == 0 {
			return string(out)
		}
		out = append(out, buf[:n]...)
		off += uint64(n)
	}
}

var sample = []entry{
	{"etc/", tar.TypeDir, "", 0755},
	{"etc/hosts", tar.TypeReg, "127.0.0.1 localhost\n", 0},
	{"testdata/deep/x/file.txt", tar.TypeReg, "deep", 0}, // parents implied
	{"empty", tar.TypeReg, "", 0},
	{"link", tar.TypeSymlink, "etc/hosts", 0777},
	{"abs", tar.TypeSymlink, "/testdata/deep", 0777},
	{"dirlink", tar.TypeSymlink, "testdata", 0777},
	{"loop1", tar.TypeSymlink, "loop2", 0777},
	{"loop2", tar.TypeSymlink, "loop1", 0777},
	{"dangling", tar.TypeSymlink, "nowhere", 0777},
	{"hard", tar.TypeLink, "etc/hosts", 0},
	{"run.sh", tar.TypeReg, "#!/bin/sh\n", 0755},
}

func TestMountReadsFilesAndImpliedDirs(t *testing.T) {
	mountBytes(t, makeTar(t, tar.FormatUSTAR, sample...), 0)
	if got := readAll(t, mustLookup(t, Root, "/etc/hosts", true)); got != "127.0.0.1 localhost\n" {
		t.Errorf("etc/hosts = %q", got)
	}
	d := mustLookup(t, Root, "testdata/deep", true)
	if !IsDir(d) {
		t.Errorf("implied directory testdata/deep is not a directory")
	}
	if got := readAll(t, mustLookup(t, d, "x/file.txt", true)); got != "deep" {
		t.Errorf("file.txt = %q", got)
	}
	if got := readAll(t, mustLookup(t, Root, "hard", true)); got != "127.0.0.1 localhost\n" {
		t.Errorf("hard link = %q", got)
	}
	if got := readAll(t, mustLookup(t, Root, "empty", true)); got != "" {
		t.Errorf("empty = %q", got)
	}
	a := Stat(mustLookup(t, Root, "run.sh", true))
	if a.Mode != linux.S_IFREG|0755 || a.Size != 10 || a.Mtime != 1700000000 || a.Ino == 0 {
		t.Errorf("Stat(run.sh) = %+v", a)
	}
	if _, err := ReadAt(d, 0, make([]byte, 1)); err != linux.EISDIR {
		t.Errorf("ReadAt(dir) = %v, want EISDIR", err)
	}
}

func TestLookupResolvesLikeLinux(t *testing.T) {
	mountBytes(t, makeTar(t, tar.FormatUSTAR, sample...), 0)
	hosts := mustLookup(t, Root, "etc/hosts", false)
	deep := mustLookup(t, Root, "testdata/deep", false)
	etc := mustLookup(t, Root, "etc", false)
	cases := []struct {
		dir    Ino
		path   string
		follow bool
		want   Ino
		err    linux.Errno
	}{
		{Root, "/", true, Root, 0},
		{Root, "..", true, Root, 0},
		{etc, "..", true, Root, 0},
		{etc, "hosts", true, hosts, 0},
		{etc, "./../etc//hosts", true, hosts, 0},
		{deep, "/etc/hosts", true, hosts, 0},
		{Root, "link", true, hosts, 0},
		{Root, "abs", true, deep, 0},
		{Root, "dirlink/deep", false, deep, 0}, // middle symlinks are always followed
		{Root, "dirlink/deep/..", true, mustLookup(t, Root, "testdata", true), 0},
		{Root, "", true, 0, linux.ENOENT},
		{Root, "missing", true, 0, linux.ENOENT},
		{Root, "missing/x", true, 0, linux.ENOENT},
		{Root, "etc/hosts/x", true, 0, linux.ENOTDIR},
		{Root, "etc/hosts/", true, 0, linux.ENOTDIR},
		{Root, "link/", false, 0, linux.ENOTDIR}, // trailing slash follows, then hosts is no dir
		{Root, "loop1", true, 0, linux.ELOOP},
		{Root, "dangling", true, 0, linux.ENOENT},
		{Root, string(bytes.Repeat([]byte("a"), 256)), true, 0, linux.ENAMETOOLONG},
		{Root, string(bytes.Repeat([]byte("a/"), 2048)), true, 0, linux.ENAMETOOLONG},
	}
	for _, c := range cases {
		got, err := Lookup(c.dir, c.path, c.follow)
		if err != c.err || (err == 0 && got != c.want) {
			t.Errorf("Lookup(%d, %.40q, %v) = %d, %v; want %d, %v", c.dir, c.path, c.follow, got, err, c.want, c.err)
		}
	}
	// Without follow, the last component is the link itself.
	for _, p := range []string{"link", "loop1", "dangling"} {
		i := mustLookup(t, Root, p, false)
		if !IsSymlink(i) || Stat(i).Mode&linux.S_IFMT != linux.S_IFLNK {
			t.Errorf("Lookup(%q, nofollow) is not a symlink", p)
		}
	}
	if target, err := Readlink(mustLookup(t, Root, "abs", false)); err != 0 || target != "/testdata/deep" {
		t.Errorf("Readlink(abs) = %q, %v", target, err)
	}
	if _, err := Readlink(hosts); err != linux.EINVAL {
		t.Errorf("Readlink(file) = %v, want EINVAL", err)
	}
}

func TestReadDirListsEveryEntryOnce(t *testing.T) {
	mountBytes(t, makeTar(t, tar.FormatUSTAR, sample...), 0)
	var names []string
	types := map[string]uint8{}
	for c := uint64(0); ; {
		d, ok := ReadDir(Root, c)
		if !ok {
			break
		}
		names = append(names, d.Name)
		types[d.Name] = d.Type
		c = d.Next
	}
	want := []string{".", "..", "etc", "testdata", "empty", "link", "abs", "dirlink", "loop1", "loop2", "dangling", "hard", "run.sh"}
	if len(names) != len(want) {
		t.Fatalf("ReadDir(/) = %q, want %q", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("ReadDir(/) = %q, want %q", names, want)
		}
	}
	if types["etc"] != linux.DT_DIR || types["link"] != linux.DT_LNK || types["empty"] != linux.DT_REG {
		t.Errorf("types = %v", types)
	}
	// Resuming from a cookie continues where the listing left off.
	d, _ := ReadDir(Root, cookieFirst)
	if d2, ok := ReadDir(Root, d.Next); !ok || d2.Name != "testdata" {
		t.Errorf("resume after %q = %q, %v", d.Name, d2.Name, ok)
	}
	// A cookie from another directory ends the listing instead of wandering.
	etcHosts := mustLookup(t, Root, "etc/hosts", false)
	if _, ok := ReadDir(Root, uint64(etcHosts)+cookieFirst); ok {
		t.Errorf("foreign cookie listed an entry")
	}
}

func TestPathNamesDirectories(t *testing.T) {
	mountBytes(t, makeTar(t, tar.FormatUSTAR, sample...), 0)
	buf := make([]byte, 64)
	for _, p := range []string{"/", "/etc", "/testdata/deep/x"} {
		n, err := Path(mustLookup(t, Root, p, true), buf)
		if err != 0 || string(buf[:n]) != p {
			t.Errorf("Path(%q) = %q, %v", p, buf[:n], err)
		}
	}
	if _, err := Path(mustLookup(t, Root, "/testdata/deep/x", true), buf[:5]); err != linux.ERANGE {
		t.Errorf("Path into a short buffer = %v, want ERANGE", err)
	}
}

func TestLongNames(t *testing.T) {
	long := "d1/" + string(bytes.Repeat([]byte("n"), 120)) + "/" + string(bytes.Repeat([]byte("f"), 150))
	prefixed := string(bytes.Repeat([]byte("p"), 90)) + "/" + string(bytes.Repeat([]byte("q"), 60)) + "/file"
	for _, format := range []tar.Format{tar.FormatGNU, tar.FormatPAX} {
		mountBytes(t, makeTar(t, format,
			entry{long, tar.TypeReg, "long", 0},
			entry{"ln", tar.TypeSymlink, long, 0777},
		), 0)
		if got := readAll(t, mustLookup(t, Root, "ln", true)); got != "long" {
			t.Errorf("%v: long name via long link = %q", format, got)
		}
	}
	// ustar splits a long path between the prefix and name fields.
	mountBytes(t, makeTar(t, tar.FormatUSTAR, entry{prefixed, tar.TypeReg, "pre", 0}), 0)
	if got := readAll(t, mustLookup(t, Root, prefixed, true)); got != "pre" {
		t.Errorf("ustar prefix: %q", got)
	}
}

func TestMountRejectsBadArchives(t *testing.T) {
	good := makeTar(t, tar.FormatUSTAR, sample...)
	bad := bytes.Clone(good)
	bad[0] ^= 1 // checksum no longer matches
	mountBytes(t, bad, int(linux.EINVAL))
	mountBytes(t, good[:1024+5], int(linux.EINVAL))       // etc/hosts's data cut short
	mountBytes(t, good[:1024+512+100], int(linux.EINVAL)) // a partial header
	mountBytes(t, makeTar(t, tar.FormatUSTAR, entry{"../escape", tar.TypeReg, "x", 0}), int(linux.EINVAL))
	mountBytes(t, makeTar(t, tar.FormatUSTAR, entry{"a/../../x", tar.TypeReg, "x", 0}), int(linux.EINVAL))
}

func TestEmptyRoot(t *testing.T) {
	mountBytes(t, nil, 0)
	if i := mustLookup(t, Root, "/", true); !IsDir(i) {
		t.Fatal("root is not a directory")
	}
	if _, err := Lookup(Root, "/etc/hosts", true); err != linux.ENOENT {
		t.Errorf("Lookup in empty root = %v, want ENOENT", err)
	}
	d, _ := ReadDir(Root, cookieFirst)
	if d.Name != "" {
		t.Errorf("empty root lists %q", d.Name)
	}
}

func TestTooManyEntries(t *testing.T) {
	var es []entry
	for i := 0; i < MaxInodes; i++ {
		es = append(es, entry{name: "f" + string(rune('a'+i%26)) + itoa(i), typ: tar.TypeReg})
	}
	mountBytes(t, makeTar(t, tar.FormatUSTAR, es...), int(linux.ENOSPC))
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}

func TestRootEntryAndReplacement(t *testing.T) {
	// "./" sets the root's attributes; a later entry replaces an earlier one.
	mountBytes(t, makeTar(t, tar.FormatUSTAR,
		entry{"./", tar.TypeDir, "", 0700},
		entry{"./f", tar.TypeReg, "old", 0},
		entry{"./f", tar.TypeReg, "new!", 0},
	), 0)
	if m := Stat(Root).Mode; m != linux.S_IFDIR|0700 {
		t.Errorf("root mode = %o", m)
	}
	if got := readAll(t, mustLookup(t, Root, "f", true)); got != "new!" {
		t.Errorf("replaced file = %q", got)
	}
}
