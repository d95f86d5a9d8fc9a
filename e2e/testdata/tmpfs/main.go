// Command tmpfs exercises the writable /tmp (a tmpfs) and /dev through the os package,
// comparing errors with Linux's texts, so the same program passes on Linux (run as a user
// with a writable /tmp; the EROFS check then looks at /proc instead of /).
//
//	tmpfs          the behaviour checks (default tmpfs of 64 MiB)
//	tmpfs enospc   fills a small tmpfs (boot with unigo.tmpfs=/tmp:1M) and checks that
//	               ENOSPC loses nothing already written
//
// Each check prints `name: ok details` or `name: FAILED reason`; the output ends with
// `PASS tmpfs`, or `FAIL tmpfs` and exit 1.
package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"github.com/unigo-os/unigo/e2e/testdata/internal/checks"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func main() {
	mode := ""
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	if mode == "enospc" {
		enospc()
	} else {
		files()
		namespace()
		attrs()
		devices()
	}
	if checks.Failed() {
		fmt.Println("FAIL tmpfs")
		os.Exit(1)
	}
	fmt.Println("PASS tmpfs")
}

func files() {
	var p checks.Expect
	dir, err := os.MkdirTemp("", "unigo-*")
	p.That(err == nil && strings.HasPrefix(dir, "/tmp/unigo-"), "MkdirTemp = %q, %v", dir, err)
	want := make([]byte, 4<<20+4321)
	rand.New(rand.NewSource(42)).Read(want)
	name := filepath.Join(dir, "big")
	t0 := time.Now()
	err = os.WriteFile(name, want, 0o644)
	wt := time.Since(t0)
	t0 = time.Now()
	got, rerr := os.ReadFile(name)
	rt := time.Since(t0)
	p.That(err == nil && rerr == nil && sha256.Sum256(got) == sha256.Sum256(want), "WriteFile/ReadFile of %d bytes: %v, %v, %d bytes back", len(want), err, rerr, len(got))
	fi, err := os.Stat(name)
	p.That(err == nil && fi.Size() == int64(len(want)) && fi.Mode() == 0o644, "Stat(big) = %v, %v", fi, err)
	mibs := func(d time.Duration) float64 { return float64(len(want)) / (1 << 20) / d.Seconds() }
	checks.Report("readwrite", p, fmt.Sprintf("4 MiB write %.0f MiB/s, read %.0f MiB/s", mibs(wt), mibs(rt)))

	p = nil // io.Copy between files: copy_file_range on Linux and here
	src, err1 := os.Open(name)
	dst, err2 := os.Create(name + ".copy")
	n, err := io.Copy(dst, src)
	src.Close()
	dst.Close()
	got, rerr = os.ReadFile(name + ".copy")
	p.That(err1 == nil && err2 == nil && err == nil && n == int64(len(want)) && sha256.Sum256(got) == sha256.Sum256(want),
		"io.Copy file to file = %d, %v (open %v, %v), read back %d bytes, %v", n, err, err1, err2, len(got), rerr)
	checks.Report("copy", p, "")

	p = nil
	log := filepath.Join(dir, "log")
	for _, s := range []string{"one\n", "two\n"} {
		f, err := os.OpenFile(log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		p.That(err == nil, "OpenFile(O_APPEND): %v", err)
		if err == nil {
			f.Seek(0, io.SeekStart) // O_APPEND writes at the end anyway
			f.WriteString(s)
			f.Close()
		}
	}
	b, err := os.ReadFile(log)
	p.That(string(b) == "one\ntwo\n", "append: %q, %v", b, err)
	checks.Report("append", p, "")

	p = nil
	f, err := os.Create(filepath.Join(dir, "sparse"))
	p.That(err == nil, "Create(sparse): %v", err)
	if err == nil {
		off, err := f.Seek(1<<20, io.SeekStart)
		p.That(off == 1<<20 && err == nil, "Seek past EOF = %d, %v", off, err)
		f.Write([]byte("end"))
		buf := make([]byte, 8)
		n, _ := f.ReadAt(buf, 1<<20-5)
		p.That(n == 8 && bytes.Equal(buf, []byte("\x00\x00\x00\x00\x00end")), "hole then data: %q", buf[:n])
		p.That(f.Truncate(2) == nil, "Truncate(2) failed")
		p.That(f.Truncate(4000) == nil, "Truncate(4000) failed")
		n, _ = f.ReadAt(buf[:4], 0)
		p.That(n == 4 && bytes.Equal(buf[:4], make([]byte, 4)), "after shrink and regrow: %q", buf[:n])
		fi, _ := f.Stat()
		p.That(fi.Size() == 4000, "size after Truncate(4000) = %d", fi.Size())
		f.Close()
	}
	checks.Report("holes-truncate", p, "")
	os.RemoveAll(dir)
}

func namespace() {
	var p checks.Expect
	dir, _ := os.MkdirTemp("", "ns-*")
	for _, n := range []string{"c", "a", "b"} {
		os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644)
	}
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	ents, err := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	p.That(err == nil && slices.Equal(names, []string{"a", "b", "c", "d"}) && ents[3].IsDir(), "ReadDir = %q, %v", names, err)

	err = os.Rename(filepath.Join(dir, "a"), filepath.Join(dir, "d", "a2"))
	b, _ := os.ReadFile(filepath.Join(dir, "d", "a2"))
	p.That(err == nil && string(b) == "a", "Rename into subdir: %v, %q", err, b)
	_, err = os.Stat(filepath.Join(dir, "a"))
	p.That(errors.Is(err, os.ErrNotExist), "old name after rename: %v", err)
	err = os.Rename(filepath.Join(dir, "b"), filepath.Join(dir, "c")) // replaces c
	b, _ = os.ReadFile(filepath.Join(dir, "c"))
	p.That(err == nil && string(b) == "b", "Rename over a file: %v, %q", err, b)
	err = os.Rename(filepath.Join(dir, "c"), "/dev/tmpfs-escape") // /dev is another mount
	p.That(strings.HasSuffix(errText(err), "invalid cross-device link"), "Rename across mounts = %v", err)
	err = os.Remove(filepath.Join(dir, "d"))
	p.That(strings.HasSuffix(errText(err), "directory not empty"), "Remove(non-empty dir) = %v", err)
	err = os.Mkdir(dir, 0o755)
	p.That(errors.Is(err, os.ErrExist), "Mkdir(existing) = %v", err)

	p.That(os.Symlink("d/a2", filepath.Join(dir, "ln")) == nil, "Symlink failed")
	t, err := os.Readlink(filepath.Join(dir, "ln"))
	p.That(t == "d/a2" && err == nil, "Readlink = %q, %v", t, err)
	fi, err := os.Lstat(filepath.Join(dir, "ln"))
	p.That(err == nil && fi.Mode()&os.ModeSymlink != 0, "Lstat(ln) = %v, %v", fi, err)
	b, err = os.ReadFile(filepath.Join(dir, "ln"))
	p.That(string(b) == "a", "read through symlink = %q, %v", b, err)

	p.That(os.Link(filepath.Join(dir, "c"), filepath.Join(dir, "hard")) == nil, "Link failed")
	var st *syscall.Stat_t
	if fi, err = os.Stat(filepath.Join(dir, "hard")); err == nil {
		st, _ = fi.Sys().(*syscall.Stat_t)
	}
	p.That(st != nil && st.Nlink == 2, "nlink after Link = %v", st)

	f, err := os.Open(filepath.Join(dir, "hard"))
	os.Remove(filepath.Join(dir, "hard"))
	os.Remove(filepath.Join(dir, "c"))
	if err == nil {
		b, _ = io.ReadAll(f)
		p.That(string(b) == "b", "read of an unlinked open file = %q", b)
		f.Close()
	}
	wd, _ := os.Getwd()
	os.Chdir(filepath.Join(dir, "d"))
	cwd, err := os.Getwd()
	p.That(cwd == filepath.Join(dir, "d"), "Getwd in tmpfs = %q, %v", cwd, err)
	b, _ = os.ReadFile("../../" + filepath.Base(dir) + "/d/a2")
	p.That(string(b) == "a", "relative path out and back in: %q", b)
	os.Chdir(wd)

	err = os.RemoveAll(dir)
	_, serr := os.Stat(dir)
	p.That(err == nil && errors.Is(serr, os.ErrNotExist), "RemoveAll: %v, then Stat: %v", err, serr)
	roTarget := "/unigo-rofs-check"
	if runtime.GOOS == "linux" && os.Getenv("UNIGO") == "" {
		if _, err := os.Stat("/proc/self"); err == nil {
			roTarget = "/proc/unigo-rofs-check" // on Linux, / is writable for root
		}
	}
	err = os.WriteFile(roTarget, nil, 0o644)
	p.That(err != nil && (strings.HasSuffix(errText(err), "read-only file system") || roTarget != "/unigo-rofs-check"), "create on the read-only root = %v", err)
	checks.Report("namespace", p, "")
}

func attrs() {
	var p checks.Expect
	dir, _ := os.MkdirTemp("", "attr-*")
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "f")
	old := syscall.Umask(0o077)
	os.WriteFile(name, nil, 0o666)
	syscall.Umask(old)
	fi, _ := os.Stat(name)
	p.That(fi.Mode() == 0o600, "mode with umask 077 = %v", fi.Mode())
	p.That(os.Chmod(name, 0o751) == nil, "Chmod failed")
	fi, _ = os.Stat(name)
	p.That(fi.Mode() == 0o751, "mode after Chmod = %v", fi.Mode())
	when := time.Date(2001, 2, 3, 4, 5, 6, 7000, time.UTC)
	p.That(os.Chtimes(name, when, when) == nil, "Chtimes failed")
	fi, _ = os.Stat(name)
	p.That(fi.ModTime().Equal(when), "ModTime after Chtimes = %v", fi.ModTime())
	p.That(os.Chown(name, 1000, 1000) == nil, "Chown failed")
	fi, _ = os.Stat(name)
	st := fi.Sys().(*syscall.Stat_t)
	p.That(st.Uid == 1000 && st.Gid == 1000, "owner after Chown = %d:%d", st.Uid, st.Gid)

	var sf syscall.Statfs_t
	err := syscall.Statfs(dir, &sf)
	p.That(err == nil && sf.Type == 0x01021994 && sf.Bsize == 4096, "Statfs(/tmp) = %+v, %v", sf, err)

	f, _ := os.OpenFile(name, os.O_RDWR, 0)
	lk := syscall.Flock_t{Type: syscall.F_WRLCK}
	p.That(syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk) == nil, "F_SETLK failed")
	lk = syscall.Flock_t{Type: syscall.F_WRLCK}
	p.That(syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk) == nil && lk.Type == syscall.F_UNLCK, "F_GETLK type = %d", lk.Type)
	p.That(f.Sync() == nil, "fsync failed")
	fd2, err := syscall.Dup(int(f.Fd()))
	p.That(err == nil, "dup: %v", err)
	syscall.Write(fd2, []byte("via dup"))
	syscall.Close(fd2)
	f.Close()
	b, _ := os.ReadFile(name)
	p.That(string(b) == "via dup", "write through a dup = %q", b)
	checks.Report("attributes", p, fmt.Sprintf("statfs /tmp: %d blocks of %d", sf.Blocks, sf.Bsize))
}

func devices() {
	var p checks.Expect
	n, err := io.WriteString(mustOpen(&p, "/dev/null", os.O_WRONLY), "discarded")
	p.That(n == 9 && err == nil, "write /dev/null = %d, %v", n, err)
	b, err := os.ReadFile("/dev/null")
	p.That(len(b) == 0 && err == nil, "read /dev/null = %q, %v", b, err)
	buf := bytes.Repeat([]byte{1}, 4096)
	n, err = io.ReadFull(mustOpen(&p, "/dev/zero", os.O_RDONLY), buf)
	p.That(n == 4096 && bytes.Equal(buf, make([]byte, 4096)), "read /dev/zero = %d, %v", n, err)
	r := make([]byte, 64)
	n, err = io.ReadFull(mustOpen(&p, "/dev/urandom", os.O_RDONLY), r)
	p.That(n == 64 && !bytes.Equal(r, make([]byte, 64)), "read /dev/urandom = %d, %v", n, err)
	_, err = mustOpen(&p, "/dev/full", os.O_WRONLY).Write([]byte("x"))
	p.That(strings.HasSuffix(errText(err), "no space left on device"), "write /dev/full = %v", err)
	fi, err := os.Stat("/dev/null")
	p.That(err == nil && fi.Mode()&os.ModeCharDevice != 0, "Stat(/dev/null) = %v, %v", fi, err)
	checks.Report("devices", p, "")
}

func mustOpen(p *checks.Expect, name string, flag int) *os.File {
	f, err := os.OpenFile(name, flag, 0)
	if err != nil {
		p.That(false, "open %s: %v", name, err)
		f, _ = os.Open(os.DevNull)
	}
	return f
}

// enospc fills a small tmpfs: the write that runs out reports ENOSPC, the bytes it
// placed stay readable, and removing the file gives the space back.
func enospc() {
	var p checks.Expect
	var sf syscall.Statfs_t
	syscall.Statfs("/tmp", &sf)
	want := make([]byte, 2<<20)
	rand.New(rand.NewSource(7)).Read(want)
	f, err := os.Create("/tmp/fill")
	p.That(err == nil, "Create: %v", err)
	n, err := f.Write(want)
	p.That(errors.Is(err, syscall.ENOSPC) && n > 0 && n < len(want), "Write of 2 MiB to a 1 MiB tmpfs = %d, %v", n, err)
	_, err = f.Write([]byte("more"))
	p.That(errors.Is(err, syscall.ENOSPC), "Write when full = %v", err)
	_, err = os.Create("/tmp/another")
	p.That(err == nil || errors.Is(err, syscall.ENOSPC), "Create when full = %v", err)
	f.Close()
	got, err := os.ReadFile("/tmp/fill")
	p.That(err == nil && bytes.Equal(got, want[:n]), "after ENOSPC: %d bytes back (want the %d written), %v", len(got), n, err)
	os.Remove("/tmp/another")
	os.Remove("/tmp/fill")
	err = os.WriteFile("/tmp/again", want[:512<<10], 0o644)
	p.That(err == nil, "WriteFile after removing the big file: %v", err)
	checks.Report("enospc", p, fmt.Sprintf("tmpfs of %d blocks took %d bytes before ENOSPC", sf.Blocks, n))
}
