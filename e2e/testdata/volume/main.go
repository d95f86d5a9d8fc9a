// Command volume exercises a persistent volume mounted at /data (an ext2 image on
// virtio-blk) through the os package. The e2e tests boot it several times on one image
// and read the image on the host with e2fsprogs between boots.
//
// Checks (run the ones named on the command line):
//
//	write      files, directories, a symlink, a hard link, modes, rename, remove, statfs
//	persisted  what `write` left is there after a reboot, with its modes and links
//	hostfile   /data/from-host.txt, written by the host with debugfs, reads back
//	readonly   on a read-only mount (-v img:/data:ro) every change fails with EROFS
//	enospc     filling the volume ends in ENOSPC and loses nothing already written
//	emfile     opening files without closing them ends in EMFILE, and recovers
//
// Output as package checks prints it.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/unigo-os/unigo/e2e/testdata/internal/checks"
)

var dir = "/data"

func main() {
	if d := os.Getenv("VOLUME_DIR"); d != "" {
		dir = d // for running it on the host
	}
	checks.Main("volume", os.Args[1:], []checks.Check{
		{Name: "write", Run: write},
		{Name: "persisted", Run: persisted},
		{Name: "hostfile", Run: hostfile},
		{Name: "readonly", Run: readonly},
		{Name: "enospc", Run: enospc},
		{Name: "emfile", Run: emfile},
	}, "write", "persisted", "hostfile", "readonly", "enospc", "emfile")
}

func p(name string) string { return filepath.Join(dir, name) }

// pattern is n bytes that differ from block to block, so a block written to the wrong
// place shows.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i/4096)*31 + byte(i) + seed
	}
	return b
}

func write() (string, error) {
	var e checks.Expect
	if err := os.MkdirAll(p("docs/deep/er"), 0o755); err != nil {
		return "", err
	}
	// A file bigger than the direct blocks reach (48 KiB with 4 KiB blocks), with a hole.
	big := pattern(300<<10, 1)
	f, err := os.Create(p("docs/big.bin"))
	if err != nil {
		return "", err
	}
	if _, err := f.Write(big); err != nil {
		return "", err
	}
	if _, err := f.WriteAt([]byte("after the hole"), 8<<20); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	f.Close()
	if err := os.WriteFile(p("persist.txt"), []byte("hello volume\n"), 0o600); err != nil {
		return "", err
	}
	err = os.Symlink("docs/big.bin", p("link-to-big"))
	e.That(err == nil, "symlink: %v", err)
	err = os.Link(p("persist.txt"), p("hard.txt"))
	e.That(err == nil, "link: %v", err)
	if err := os.WriteFile(p("old-name"), []byte("renamed"), 0o644); err != nil {
		return "", err
	}
	err = os.Rename(p("old-name"), p("docs/new-name"))
	e.That(err == nil, "rename: %v", err)
	os.WriteFile(p("gone"), []byte("x"), 0o644)
	err = os.Remove(p("gone"))
	e.That(err == nil, "remove: %v", err)
	_, err = os.Stat(p("gone"))
	e.That(errors.Is(err, os.ErrNotExist), "removed file: %v", err)
	err = os.Remove(p("docs"))
	e.That(errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST), "rmdir of a full directory: %v", err)
	// Many files: the directory spans several blocks.
	for i := 0; i < 300; i++ {
		if err := os.WriteFile(p(fmt.Sprintf("docs/deep/f%03d-with-a-longish-name", i)), []byte{byte(i)}, 0o644); err != nil {
			return "", err
		}
	}
	ents, err := os.ReadDir(p("docs/deep"))
	e.That(err == nil && len(ents) == 301, "ReadDir docs/deep: %d entries, %v", len(ents), err)
	var st syscall.Statfs_t
	e.That(syscall.Statfs(dir, &st) == nil && st.Bfree > 0 && st.Bfree < st.Blocks && st.Ffree < st.Files, "statfs: %+v", st)
	got, err := os.ReadFile(p("docs/big.bin"))
	e.That(err == nil && len(got) == 8<<20+14 && bytes.Equal(got[:len(big)], big) &&
		bytes.Equal(got[len(big):len(big)+4096], make([]byte, 4096)) && string(got[8<<20:]) == "after the hole",
		"big.bin reads back wrong (%d bytes, %v)", len(got), err)
	checks.Report("write-details", e, "")
	if len(e) > 0 {
		return "", fmt.Errorf("see write-details")
	}
	syscall.Sync()
	return fmt.Sprintf("statfs %d/%d blocks free, %d/%d inodes free", st.Bfree, st.Blocks, st.Ffree, st.Files), nil
}

func persisted() (string, error) {
	var e checks.Expect
	b, err := os.ReadFile(p("persist.txt"))
	e.That(err == nil && string(b) == "hello volume\n", "persist.txt = %q, %v", b, err)
	fi, err := os.Stat(p("persist.txt"))
	e.That(err == nil && fi.Mode().Perm() == 0o600, "persist.txt mode %v, %v", fi.Mode(), err)
	if err == nil {
		e.That(fi.Sys().(*syscall.Stat_t).Nlink == 2, "persist.txt nlink %d, want 2", fi.Sys().(*syscall.Stat_t).Nlink)
	}
	target, err := os.Readlink(p("link-to-big"))
	e.That(err == nil && target == "docs/big.bin", "readlink = %q, %v", target, err)
	b, err = os.ReadFile(p("link-to-big"))
	e.That(err == nil && len(b) == 8<<20+14 && bytes.Equal(b[:300<<10], pattern(300<<10, 1)), "big.bin through the link: %d bytes, %v", len(b), err)
	b, err = os.ReadFile(p("docs/new-name"))
	e.That(err == nil && string(b) == "renamed", "docs/new-name = %q, %v", b, err)
	ents, err := os.ReadDir(p("docs/deep"))
	e.That(err == nil && len(ents) == 301, "docs/deep: %d entries, %v", len(ents), err)
	checks.Report("persisted-details", e, "")
	if len(e) > 0 {
		return "", fmt.Errorf("see persisted-details")
	}
	return "contents, mode, links, 301 entries", nil
}

func hostfile() (string, error) {
	b, err := os.ReadFile(p("from-host.txt"))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%q", b), nil
}

func readonly() (string, error) {
	var e checks.Expect
	err := os.WriteFile(p("new"), []byte("x"), 0o644)
	e.That(errors.Is(err, syscall.EROFS), "create: %v", err)
	_, err = os.OpenFile(p("persist.txt"), os.O_WRONLY, 0)
	e.That(errors.Is(err, syscall.EROFS), "open for writing: %v", err)
	e.That(errors.Is(os.Mkdir(p("d"), 0o755), syscall.EROFS), "mkdir")
	e.That(errors.Is(os.Remove(p("persist.txt")), syscall.EROFS), "remove")
	e.That(errors.Is(os.Rename(p("persist.txt"), p("x")), syscall.EROFS), "rename")
	e.That(errors.Is(os.Chmod(p("persist.txt"), 0o644), syscall.EROFS), "chmod")
	b, err := os.ReadFile(p("persist.txt"))
	e.That(err == nil && string(b) == "hello volume\n", "reading still works: %q, %v", b, err)
	checks.Report("readonly-details", e, "")
	if len(e) > 0 {
		return "", fmt.Errorf("see readonly-details")
	}
	return "EROFS for create, open, mkdir, remove, rename, chmod", nil
}

// enospc fills the volume with one file, 256 KiB at a time, syncing as it goes.
func enospc() (string, error) {
	f, err := os.Create(p("fill.bin"))
	if err != nil {
		return "", err
	}
	chunk := 256 << 10
	written := 0
	var werr error
	for i := 0; ; i++ {
		n, err := f.Write(pattern(chunk, byte(i)))
		written += n
		if err != nil {
			werr = err
			break
		}
		if i%16 == 0 {
			if err := f.Sync(); err != nil {
				return "", fmt.Errorf("fsync: %v", err)
			}
		}
	}
	if !errors.Is(werr, syscall.ENOSPC) {
		return "", fmt.Errorf("filling ended with %v, want ENOSPC", werr)
	}
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("fsync after ENOSPC: %v", err)
	}
	// Nothing written before is lost: the file reads back chunk by chunk.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	f.Close()
	r, err := os.Open(p("fill.bin"))
	if err != nil {
		return "", err
	}
	buf := make([]byte, chunk)
	for off, i := 0, 0; off < written; i++ {
		n, err := io.ReadFull(r, buf)
		if n < min(chunk, written-off) {
			return "", fmt.Errorf("read back %d of %d bytes: %v", off+n, written, err)
		}
		if !bytes.Equal(buf[:n], pattern(chunk, byte(i))[:n]) {
			return "", fmt.Errorf("chunk %d differs after ENOSPC", i)
		}
		off += n
	}
	r.Close() // an unlinked file keeps its blocks while it is open, on Linux too
	// persist.txt, written earlier, is intact; and removing the big file frees the space.
	if b, err := os.ReadFile(p("persist.txt")); err != nil || string(b) != "hello volume\n" {
		return "", fmt.Errorf("persist.txt after ENOSPC: %q, %v", b, err)
	}
	var before, after syscall.Statfs_t
	syscall.Statfs(dir, &before)
	if err := os.Remove(p("fill.bin")); err != nil {
		return "", err
	}
	syscall.Statfs(dir, &after)
	if after.Bfree <= before.Bfree {
		return "", fmt.Errorf("removing the file freed nothing: %d -> %d free blocks", before.Bfree, after.Bfree)
	}
	if err := os.WriteFile(p("after-enospc"), []byte("room again"), 0o644); err != nil {
		return "", err
	}
	syscall.Sync()
	return fmt.Sprintf("%d MiB written before ENOSPC, all read back", written>>20), nil
}

func emfile() (string, error) {
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	var err error
	for i := 0; i < 100000; i++ {
		var f *os.File
		f, err = os.Open(p("persist.txt"))
		if err != nil {
			break
		}
		files = append(files, f)
	}
	if !errors.Is(err, syscall.EMFILE) && !errors.Is(err, syscall.ENFILE) {
		return "", fmt.Errorf("after %d opens: %v, want EMFILE", len(files), err)
	}
	n := len(files)
	for _, f := range files {
		f.Close()
	}
	files = nil
	b, err := os.ReadFile(p("persist.txt"))
	if err != nil || string(b) != "hello volume\n" {
		return "", fmt.Errorf("after closing: %q, %v", b, err)
	}
	return fmt.Sprintf("%d files open, then %v", n, syscall.EMFILE), nil
}
