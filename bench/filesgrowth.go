package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// FilesGrowth is how much an image grows with `unigo build --files`: the same
// program (bench/guest) built with no --files and with PayloadMiB MiB packed in
// two shapes. Sizes are the ELF image plus its root archive (<image>.root.tar),
// the two files `unigo run <image>` boots. unigo only: the Linux VM has no such
// option.
type FilesGrowth struct {
	PayloadMiB int   `json:"payload_mib"`
	Base       int64 `json:"base_bytes"`   // no --files
	Random     int64 `json:"random_bytes"` // one file of PayloadMiB MiB of random bytes
	Small      int64 `json:"small_bytes"`  // the same bytes in SmallFiles files
	SmallFiles int   `json:"small_files"`
}

// PerMiB is the bytes added per MiB of payload for a build of total bytes.
func (g FilesGrowth) PerMiB(total int64) float64 {
	return float64(total-g.Base) / float64(g.PayloadMiB)
}

const (
	growthMiB   = 8
	growthFiles = 1000
)

// writePayloads writes the two --files trees under dir: random/ with one file
// of mib MiB, and small/ with the same number of bytes in n files (sizes
// differing by at most one byte). Random bytes, so compression of either
// archive would gain nothing; a fixed seed, so every run packs the same.
func writePayloads(dir string, mib, n int) (random, small string, err error) {
	random, small = filepath.Join(dir, "random"), filepath.Join(dir, "small")
	os.RemoveAll(dir)
	for _, d := range []string{random, small} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", "", err
		}
	}
	total := mib << 20
	data := make([]byte, total)
	r := rand.NewChaCha8([32]byte{'u', 'n', 'i', 'g', 'o'})
	r.Read(data)
	if err := os.WriteFile(filepath.Join(random, "data.bin"), data, 0o644); err != nil {
		return "", "", err
	}
	for i, off := 0, 0; i < n; i++ {
		size := total / n
		if i < total%n {
			size++
		}
		if err := os.WriteFile(filepath.Join(small, fmt.Sprintf("f%04d.bin", i)), data[off:off+size], 0o644); err != nil {
			return "", "", err
		}
		off += size
	}
	return random, small, nil
}

// filesGrowth builds bench/guest with --files of each payload (/payload in the
// guest) and compares with base, the default build's image (built the same
// way without --files, beside its root archive).
func (s *suite) filesGrowth(base string) (*FilesGrowth, error) {
	dir := filepath.Join(s.cache, "build", "files-growth")
	random, small, err := writePayloads(filepath.Join(dir, "payload"), growthMiB, growthFiles)
	if err != nil {
		return nil, err
	}
	g := &FilesGrowth{PayloadMiB: growthMiB, SmallFiles: growthFiles, Base: imageBytes(base)}
	s.logf("image growth: building bench/guest with --files of %d MiB (one random file; %d files)", growthMiB, growthFiles)
	for _, c := range []struct {
		tree string
		out  *int64
	}{{random, &g.Random}, {small, &g.Small}} {
		img := filepath.Join(dir, filepath.Base(c.tree)+".img")
		if err := s.goRun(nil, "run", "./cmd/unigo", "build", "--files", c.tree+":/payload", "-o", img, "./bench/guest"); err != nil {
			return nil, err
		}
		*c.out = imageBytes(img)
	}
	os.RemoveAll(filepath.Join(dir, "payload"))
	return g, nil
}

// imageBytes is the size of an image and its root archive.
func imageBytes(img string) int64 {
	return fileSize(img) + fileSize(img+".root.tar")
}
