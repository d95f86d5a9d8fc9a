package main

import (
	"archive/tar"
	"os"
	"path/filepath"
	"testing"

	"github.com/unigo-os/unigo/internal/vmm"
)

func writeTar(t *testing.T, name string, entries map[string]string) {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(f)
	for n, body := range entries {
		h := &tar.Header{Name: n, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}
		if body == "/" {
			h = &tar.Header{Name: n, Mode: 0o755, Typeflag: tar.TypeDir}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(body))
		}
	}
	tw.Close()
	f.Close()
}

// TestVolumeRootAddsMissingMountPoints: a prebuilt image's archive gets the mount point
// directories it lacks (and their parents), keeps everything it had, and is used as it is
// when nothing is missing.
func TestVolumeRootAddsMissingMountPoints(t *testing.T) {
	root := filepath.Join(t.TempDir(), "root.tar")
	writeTar(t, root, map[string]string{"etc/": "/", "etc/hosts": "127.0.0.1 localhost\n", "data/": "/"})
	out, done, err := volumeRoot(root, []vmm.Volume{{Guest: "/data"}, {Guest: "/mnt/vol/a"}})
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	if out == root {
		t.Fatal("nothing was added")
	}
	names, err := tarNames(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"etc", "etc/hosts", "data", "mnt", "mnt/vol", "mnt/vol/a"} {
		if !names[n] {
			t.Errorf("the new archive lacks %s: %v", n, names)
		}
	}
	same, done2, err := volumeRoot(root, []vmm.Volume{{Guest: "/data"}})
	defer done2()
	if err != nil || same != root {
		t.Errorf("with every mount point present: %q, %v; want the archive itself", same, err)
	}
	if _, _, err := volumeRoot(filepath.Join(t.TempDir(), "missing.tar"), []vmm.Volume{{Guest: "/x"}}); err == nil {
		t.Error("a missing archive gave no error")
	}
}
