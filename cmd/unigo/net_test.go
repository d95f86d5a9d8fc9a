package main

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/unigo-os/unigo/internal/build"
)

func TestWithDNSReplacesTheDefaultResolvConf(t *testing.T) {
	defaults := []build.DefaultFile{
		{Path: "/etc/hosts", Data: []byte("127.0.0.1 localhost\n")},
		{Path: "/etc/resolv.conf", Data: []byte("nameserver 10.0.2.3\n")},
	}
	got := withDNS(defaults, []string{"10.0.2.2", "192.0.2.53"})
	var resolv []string
	for _, d := range got {
		if d.Path == "/etc/resolv.conf" {
			resolv = append(resolv, string(d.Data))
		}
	}
	want := "# unigo run --dns\nnameserver 10.0.2.2\nnameserver 192.0.2.53\n"
	if len(resolv) != 1 || resolv[0] != want || len(got) != 2 || got[0].Path != "/etc/hosts" {
		t.Errorf("withDNS: resolv.conf %q in %d files, want one %q beside /etc/hosts", resolv, len(got), want)
	}
	if string(defaults[1].Data) != "nameserver 10.0.2.3\n" {
		t.Error("withDNS changed the caller's defaults")
	}
}

func TestWithDNSKeepsTheDefaultWithoutDNS(t *testing.T) {
	defaults := []build.DefaultFile{{Path: "/etc/resolv.conf", Data: []byte("nameserver 10.0.2.3\n")}}
	got := withDNS(defaults, nil)
	if len(got) != 1 || string(got[0].Data) != "nameserver 10.0.2.3\n" {
		t.Errorf("withDNS(nil) = %+v, want the default unchanged", got)
	}
}

// writeTestTar writes entries (name -> contents; a name ending in / is a directory).
func writeTestTar(t *testing.T, path string, names []string, data map[string]string) {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, n := range names {
		h := &tar.Header{Name: n, Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(data[n])), Format: tar.FormatUSTAR}
		if n[len(n)-1] == '/' {
			h.Typeflag, h.Size, h.Mode = tar.TypeDir, 0, 0o755
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(data[n]))
	}
	tw.Close()
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readTestTar returns the archive's names in order and its files' contents.
func readTestTar(t *testing.T, path string) ([]string, map[string]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	var names []string
	data := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names, data
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		b, _ := io.ReadAll(tr)
		data[h.Name] = string(b)
	}
}

func TestDNSRootRewritesResolvConfInAPrebuiltImagesArchive(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "x.img.root.tar")
	names := []string{"etc/", "etc/hosts", "etc/resolv.conf", "usr/", "usr/x"}
	writeTestTar(t, src, names, map[string]string{"etc/hosts": "h\n", "etc/resolv.conf": "nameserver 10.0.2.3\n", "usr/x": "big"})
	got, done, err := dnsRoot(src, []string{"10.0.2.2"})
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	if got == src {
		t.Fatal("dnsRoot with --dns returned the original archive")
	}
	gotNames, data := readTestTar(t, got)
	if want := "# unigo run --dns\nnameserver 10.0.2.2\n"; data["etc/resolv.conf"] != want {
		t.Errorf("resolv.conf = %q, want %q", data["etc/resolv.conf"], want)
	}
	if len(gotNames) != len(names) || data["usr/x"] != "big" || data["etc/hosts"] != "h\n" {
		t.Errorf("archive after rewriting: %v %v, want the same entries %v", gotNames, data, names)
	}
	if _, srcData := readTestTar(t, src); srcData["etc/resolv.conf"] != "nameserver 10.0.2.3\n" {
		t.Error("dnsRoot changed the image's own archive")
	}
	done()
	if _, err := os.Stat(got); !os.IsNotExist(err) {
		t.Errorf("done left %s behind", got)
	}
	if same, _, _ := dnsRoot(src, nil); same != src {
		t.Errorf("dnsRoot without --dns = %s, want the image's archive", same)
	}
}

func TestDNSRootAddsResolvConfWhereTheArchiveHasNone(t *testing.T) {
	src := filepath.Join(t.TempDir(), "root.tar")
	writeTestTar(t, src, []string{"app/", "app/x"}, map[string]string{"app/x": "x"})
	got, done, err := dnsRoot(src, []string{"192.0.2.1", "192.0.2.2"})
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	names, data := readTestTar(t, got)
	if len(names) != 4 || names[2] != "etc/" || names[3] != "etc/resolv.conf" ||
		data["etc/resolv.conf"] != "# unigo run --dns\nnameserver 192.0.2.1\nnameserver 192.0.2.2\n" {
		t.Errorf("archive: %v %q; want etc/ and etc/resolv.conf appended", names, data["etc/resolv.conf"])
	}
}
