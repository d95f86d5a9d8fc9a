package build

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// The CLI carries the kernel sources (the root package's embed.FS: go.mod and
// kernel/). A program outside our module is built against an extracted copy,
// named by a hash of its contents so that different CLI versions never share
// one and an existing copy is never rewritten.

// SourceDir returns the directory holding the extracted kernel sources,
// extracting src under cacheRoot/unigo/src-<hash> on first use.
//
// Extraction writes a temporary sibling directory and renames it into place,
// so a concurrent or interrupted run never leaves a half-written tree under
// the final name.
func SourceDir(src fs.FS, cacheRoot string) (string, error) {
	files, err := readTree(src)
	if err != nil {
		return "", fmt.Errorf("reading embedded kernel sources: %v", err)
	}
	if _, ok := files["go.mod"]; !ok {
		return "", errors.New("embedded kernel sources have no go.mod")
	}
	base := filepath.Join(cacheRoot, "unigo")
	dir := filepath.Join(base, "src-"+treeHash(files))
	if fi, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && fi.Mode().IsRegular() {
		return dir, nil
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(base, "tmp-src-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // no-op after a successful rename
	for name, data := range files {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return "", err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Someone else won the race: their tree has the same contents.
		if fi, serr := os.Stat(filepath.Join(dir, "go.mod")); serr == nil && fi.Mode().IsRegular() {
			return dir, nil
		}
		return "", err
	}
	return dir, nil
}

// readTree returns every regular file of fsys by slash-separated path.
func readTree(fsys fs.FS) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files[p] = data
		return nil
	})
	return files, err
}

// treeHash is the first 12 hex digits of a SHA-256 over the sorted file names
// and contents, each length-prefixed so that no two trees collide by
// concatenation.
func treeHash(files map[string][]byte) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%d:%s\n%d:", len(n), n, len(files[n]))
		h.Write(files[n])
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// SourceHash returns the 12-hex-digit content hash that names src's
// extracted copy.
func SourceHash(src fs.FS) (string, error) {
	files, err := readTree(src)
	if err != nil {
		return "", err
	}
	return treeHash(files), nil
}
