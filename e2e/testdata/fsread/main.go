// Command fsread exercises the read-only root file system. Boot it with its own
// directory as the initrd (the tar's root is this directory):
//
//	tar --format=ustar -cf /tmp/fsread.tar -C e2e/testdata/fsread .
//	qemu-system-x86_64 ... -kernel fsread.img -initrd /tmp/fsread.tar
//
// Error texts are compared with what Linux prints, so the same program passes on Linux
// when run from this directory on a read-only mount (on a writable one, the EROFS
// checks fail and testdata/new.txt is created).
//
// Output ends with `PASS fsread`, or `FAIL fsread: reasons` and exit 1.
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"unsafe"
)

var problems []string

func check(ok bool, format string, args ...any) {
	if !ok {
		problems = append(problems, fmt.Sprintf(format, args...))
	}
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func main() {
	start, err := os.Getwd()
	check(err == nil, "getwd: %v", err)

	// Whole files, a short one and one larger than a read buffer.
	b, err := os.ReadFile("testdata/hello.txt")
	check(err == nil && string(b) == "hello, unigo\n", "ReadFile(hello.txt) = %q, %v", b, err)
	src, err := os.ReadFile("main.go")
	check(err == nil && strings.HasPrefix(string(src), "// Command fsread"), "ReadFile(main.go): %d bytes, %v", len(src), err)

	// Stat.
	fi, err := os.Stat("testdata/hello.txt")
	check(err == nil && fi.Mode().IsRegular() && fi.Size() == 13 && fi.Name() == "hello.txt",
		"Stat(hello.txt) = %v, %v", fi, err)
	fi, err = os.Stat("main.go")
	check(err == nil && fi.Size() == int64(len(src)), "Stat(main.go).Size = %v, %v", fi, err)
	fi, err = os.Stat("testdata")
	check(err == nil && fi.IsDir(), "Stat(testdata) = %v, %v", fi, err)
	fi, err = os.Lstat("testdata/link")
	check(err == nil && fi.Mode()&fs.ModeSymlink != 0, "Lstat(link) = %v, %v", fi, err)
	target, err := os.Readlink("testdata/link")
	check(err == nil && target == "hello.txt", "Readlink(link) = %q, %v", target, err)
	b, err = os.ReadFile("testdata/link")
	check(err == nil && string(b) == "hello, unigo\n", "ReadFile(link) = %q, %v", b, err)

	// statx(2) directly: os uses newfstatat, x/sys/unix users call statx.
	var stx [256]byte
	path := []byte("testdata/hello.txt\x00")
	atFDCWD := -100
	_, _, errno := syscall.Syscall6(332, uintptr(atFDCWD), uintptr(unsafe.Pointer(&path[0])), 0, 0x7ff, uintptr(unsafe.Pointer(&stx[0])), 0)
	stxSize := *(*uint64)(unsafe.Pointer(&stx[40])) // stx_size
	stxMode := *(*uint16)(unsafe.Pointer(&stx[28])) // stx_mode
	check(errno == 0 && stxSize == 13 && stxMode&syscall.S_IFMT == syscall.S_IFREG, "statx(hello.txt): size %d mode %o, %v", stxSize, stxMode, errno)
	check(syscall.Access("testdata/hello.txt", 4) == nil, "access(hello.txt, R_OK) failed")

	// Directories.
	ents, err := os.ReadDir("testdata")
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	check(err == nil && slices.Equal(names, []string{"hello.txt", "link", "sub"}), "ReadDir(testdata) = %q, %v", names, err)
	var walked []string
	err = filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (p == "dev" || p == "tmp") {
			return filepath.SkipDir // unigo's mounts: this directory is the guest's root
		}
		walked = append(walked, p)
		return nil
	})
	want := []string{".", "main.go", "testdata", "testdata/hello.txt", "testdata/link", "testdata/sub", "testdata/sub/a.txt", "testdata/sub/b.txt"}
	check(err == nil && slices.Equal(walked, want), "WalkDir(.) = %q, %v", walked, err)

	// Seeking and positional reads.
	f, err := os.Open("testdata/hello.txt")
	check(err == nil, "Open(hello.txt): %v", err)
	if err == nil {
		off, err := f.Seek(7, io.SeekStart)
		buf := make([]byte, 32)
		n, _ := f.Read(buf)
		check(err == nil && off == 7 && string(buf[:n]) == "unigo\n", "Seek(7)+Read = %d %q, %v", off, buf[:n], err)
		n, err = f.ReadAt(buf[:5], 0)
		check(err == nil && string(buf[:n]) == "hello", "ReadAt(0) = %q, %v", buf[:n], err)
		end, err := f.Seek(-1, io.SeekEnd)
		check(err == nil && end == 12, "Seek(-1, End) = %d, %v", end, err)
		n, err = f.Read(buf)
		check(n == 1 && buf[0] == '\n', "Read at end-1 = %d %v", n, err)
		n, err = f.Read(buf)
		check(n == 0 && err == io.EOF, "Read at end = %d, %v", n, err)
		f.Close()
	}

	// Errors, with Linux's texts.
	_, err = os.Open("missing.txt")
	check(errors.Is(err, fs.ErrNotExist) && errText(err) == "open missing.txt: no such file or directory", "Open(missing) = %v", err)
	_, err = os.Stat("testdata/hello.txt/x")
	check(errText(err) == "stat testdata/hello.txt/x: not a directory", "Stat(file/x) = %v", err)
	err = os.WriteFile("testdata/new.txt", []byte("x"), 0o644)
	check(errText(err) == "open testdata/new.txt: read-only file system", "WriteFile(new) = %v", err)
	_, err = os.OpenFile("testdata/hello.txt", os.O_WRONLY, 0)
	check(errText(err) == "open testdata/hello.txt: read-only file system", "OpenFile(hello, O_WRONLY) = %v", err)
	err = syscall.Access("testdata/hello.txt", 2)
	check(err == syscall.EROFS, "access(hello.txt, W_OK) = %v", err)
	_, err = os.ReadFile("testdata")
	check(errText(err) == "read testdata: is a directory", "ReadFile(dir) = %v", err)

	// The working directory.
	err = os.Chdir("testdata/sub")
	check(err == nil, "Chdir(testdata/sub): %v", err)
	wd, err := os.Getwd()
	check(err == nil && wd == filepath.Join(start, "testdata/sub"), "Getwd after chdir = %q, %v", wd, err)
	b, err = os.ReadFile("b.txt")
	check(err == nil && string(b) == "bb\n", "ReadFile(b.txt) in sub = %q, %v", b, err)
	b, err = os.ReadFile("../hello.txt")
	check(err == nil && string(b) == "hello, unigo\n", "ReadFile(../hello.txt) = %q, %v", b, err)
	err = os.Chdir("a.txt")
	check(errText(err) == "chdir a.txt: not a directory", "Chdir(file) = %v", err)

	if len(problems) > 0 {
		fmt.Printf("FAIL fsread: %s\n", strings.Join(problems, "; "))
		os.Exit(1)
	}
	fmt.Println("PASS fsread")
}
