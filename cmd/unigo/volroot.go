package main

import (
	"archive/tar"
	"bufio"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/unigo-os/unigo/internal/vmm"
)

// volumeRoot returns a root archive that holds every volume's mount point directory (the
// kernel mounts a volume on an existing directory of the read-only root). A package that
// unigo builds gets them when its root is packed; a prebuilt image's archive, or one given
// with --initrd, may lack them: then a temporary copy with the missing directories
// appended is returned, and done removes it.
func volumeRoot(root string, vols []vmm.Volume) (archive string, done func(), err error) {
	if root == "" || len(vols) == 0 {
		return root, func() {}, nil
	}
	have, err := tarNames(root)
	if err != nil {
		return "", nil, fmt.Errorf("reading the root archive %s: %v", root, err)
	}
	want := map[string]bool{}
	for _, v := range vols {
		for d := strings.TrimPrefix(v.Guest, "/"); d != "." && d != ""; d = path.Dir(d) {
			if !have[d] {
				want[d] = true
			}
		}
	}
	if len(want) == 0 {
		return root, func() {}, nil
	}
	missing := make([]string, 0, len(want))
	for d := range want {
		missing = append(missing, d)
	}
	sort.Strings(missing) // parents before their children
	dir, err := os.MkdirTemp("", "unigo-volroot-")
	if err != nil {
		return "", nil, err
	}
	done = func() { os.RemoveAll(dir) }
	out := filepath.Join(dir, "root.tar")
	if err := appendDirs(root, out, missing); err != nil {
		done()
		return "", nil, fmt.Errorf("adding volume mount points to the root archive %s: %v", root, err)
	}
	return out, done, nil
}

// tarNames lists the archive's entries, without leading "/" or "./" and trailing "/".
func tarNames(name string) (map[string]bool, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names := map[string]bool{}
	tr := tar.NewReader(bufio.NewReaderSize(f, 1<<20))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return names, nil
		}
		if err != nil {
			return nil, err
		}
		names[cleanTarName(hdr.Name)] = true
	}
}

func cleanTarName(n string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(n, "./"), "/"), "/")
}

// appendDirs copies the archive src to dst and adds directory entries for dirs.
func appendDirs(src, dst string, dirs []string) error {
	now := time.Now().Truncate(time.Second)
	return copyTar(src, dst, copyEntry, func(tw *tar.Writer) error {
		for _, d := range dirs {
			if err := tw.WriteHeader(&tar.Header{Name: d + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: now, Format: tar.FormatUSTAR}); err != nil {
				return err
			}
		}
		return nil
	})
}
