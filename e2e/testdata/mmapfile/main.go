// Command mmapfile checks memory-mapped files through syscall.Mmap, on the directory
// named by $MMAP_DIR (default /tmp). It passes on Linux too: only behaviour both share is
// checked (unigo fills a mapping when it is made and keeps MAP_SHARED mappings in step by
// copying; see kernel/mmap_file.go).
//
// Output as package checks prints it.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/unigo-os/unigo/e2e/testdata/internal/checks"
)

var dir = "/tmp"

func main() {
	if d := os.Getenv("MMAP_DIR"); d != "" {
		dir = d
	}
	checks.Main("mmapfile", os.Args[1:], []checks.Check{
		{Name: "read-mapping", Run: readMapping},
		{Name: "shared-sees-writes", Run: sharedSeesWrites},
		{Name: "private-is-private", Run: privateIsPrivate},
		{Name: "shared-stores-reach-file", Run: sharedStores},
		{Name: "errors", Run: mmapErrors},
	})
}

func tempFile(name string, content []byte) (*os.File, error) {
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_RDWR, 0)
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/4096)
	}
	return b
}

// readMapping maps three and a half pages and checks every byte, and zeros after the end.
func readMapping() (string, error) {
	want := pattern(3*4096 + 100)
	f, err := tempFile("m1", want)
	if err != nil {
		return "", err
	}
	defer f.Close()
	m, err := syscall.Mmap(int(f.Fd()), 0, 4*4096, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return "", err
	}
	defer syscall.Munmap(m)
	if !bytes.Equal(m[:len(want)], want) {
		return "", fmt.Errorf("mapped bytes differ from the file")
	}
	if !bytes.Equal(m[len(want):], make([]byte, 4*4096-len(want))) {
		return "", fmt.Errorf("the rest of the last page is not zero")
	}
	// An offset mapping shows the file from there.
	m2, err := syscall.Mmap(int(f.Fd()), 4096, 4096, syscall.PROT_READ, syscall.MAP_PRIVATE)
	if err != nil {
		return "", err
	}
	defer syscall.Munmap(m2)
	if !bytes.Equal(m2, want[4096:8192]) {
		return "", fmt.Errorf("mapping at offset 4096 differs")
	}
	return fmt.Sprintf("%d bytes", len(want)), nil
}

// sharedSeesWrites is what bbolt relies on: pwrite, growth and truncation show in a shared
// mapping made earlier.
func sharedSeesWrites() (string, error) {
	f, err := tempFile("m2", pattern(8192))
	if err != nil {
		return "", err
	}
	defer f.Close()
	m, err := syscall.Mmap(int(f.Fd()), 0, 4*4096, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return "", err
	}
	defer syscall.Munmap(m)
	if _, err := f.WriteAt([]byte("hello across a page boundary"), 4096-5); err != nil {
		return "", err
	}
	if got := string(m[4096-5 : 4096-5+28]); got != "hello across a page boundary" {
		return "", fmt.Errorf("after pwrite the mapping shows %q", got)
	}
	// Growing the file by writing past its end shows in the mapping too.
	if _, err := f.WriteAt([]byte("grown"), 3*4096+10); err != nil {
		return "", err
	}
	if got := string(m[3*4096+10 : 3*4096+15]); got != "grown" {
		return "", fmt.Errorf("after growth the mapping shows %q", got)
	}
	if err := f.Truncate(100); err != nil {
		return "", err
	}
	// The rest of the last page reads as zeros (whole pages past the end raise SIGBUS on
	// Linux, so they are not touched).
	if !bytes.Equal(m[100:4096], make([]byte, 4096-100)) {
		return "", fmt.Errorf("after truncate the mapping still shows old bytes")
	}
	return "pwrite, growth, truncate", nil
}

// privateIsPrivate: stores into a MAP_PRIVATE mapping never reach the file.
func privateIsPrivate() (string, error) {
	f, err := tempFile("m3", pattern(4096))
	if err != nil {
		return "", err
	}
	defer f.Close()
	m, err := syscall.Mmap(int(f.Fd()), 0, 4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
	if err != nil {
		return "", err
	}
	copy(m, "private!")
	if err := syscall.Munmap(m); err != nil {
		return "", err
	}
	got, err := os.ReadFile(f.Name())
	if err != nil {
		return "", err
	}
	if !bytes.Equal(got, pattern(4096)) {
		return "", fmt.Errorf("a private store reached the file: %q", got[:8])
	}
	return "", nil
}

// sharedStores: stores into a MAP_SHARED mapping reach the file by msync and by munmap.
func sharedStores() (string, error) {
	f, err := tempFile("m4", pattern(3*4096))
	if err != nil {
		return "", err
	}
	defer f.Close()
	m, err := syscall.Mmap(int(f.Fd()), 0, 3*4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return "", err
	}
	copy(m[4096:], "synced")
	if err := msync(m); err != nil {
		return "", fmt.Errorf("msync: %v", err)
	}
	buf := make([]byte, 6)
	if _, err := f.ReadAt(buf, 4096); err != nil || string(buf) != "synced" {
		return "", fmt.Errorf("after msync the file holds %q, %v", buf, err)
	}
	copy(m[2*4096:], "unmapped")
	if err := syscall.Munmap(m); err != nil {
		return "", err
	}
	buf = make([]byte, 8)
	if _, err := f.ReadAt(buf, 2*4096); err != nil || string(buf) != "unmapped" {
		return "", fmt.Errorf("after munmap the file holds %q, %v", buf, err)
	}
	got, _ := os.ReadFile(f.Name())
	want := pattern(3 * 4096)
	copy(want[4096:], "synced")
	copy(want[2*4096:], "unmapped")
	if !bytes.Equal(got, want) {
		return "", fmt.Errorf("other bytes of the file changed")
	}
	return "msync, munmap", nil
}

func msync(b []byte) error {
	_, _, e := syscall.Syscall(syscall.SYS_MSYNC, uintptr(sliceAddr(b)), uintptr(len(b)), syscall.MS_SYNC)
	if e != 0 {
		return e
	}
	return nil
}

// mmapErrors: Linux's errnos for the mistakes.
func mmapErrors() (string, error) {
	f, err := tempFile("m5", pattern(4096))
	if err != nil {
		return "", err
	}
	f.Close()
	ro, err := os.Open(f.Name())
	if err != nil {
		return "", err
	}
	defer ro.Close()
	var problems []string
	expect := func(what string, err, want error) {
		if !errors.Is(err, want) {
			problems = append(problems, fmt.Sprintf("%s: %v, want %v", what, err, want))
		}
	}
	_, err = syscall.Mmap(int(ro.Fd()), 0, 4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	expect("shared writable mapping of a read-only fd", err, syscall.EACCES)
	_, err = syscall.Mmap(int(ro.Fd()), 100, 4096, syscall.PROT_READ, syscall.MAP_SHARED)
	expect("unaligned offset", err, syscall.EINVAL)
	d, err := os.Open(dir)
	if err != nil {
		return "", err
	}
	defer d.Close()
	_, err = syscall.Mmap(int(d.Fd()), 0, 4096, syscall.PROT_READ, syscall.MAP_SHARED)
	expect("a directory", err, syscall.ENODEV)
	_, err = syscall.Mmap(999, 0, 4096, syscall.PROT_READ, syscall.MAP_SHARED)
	expect("a closed fd", err, syscall.EBADF)
	m, err := syscall.Mmap(int(ro.Fd()), 0, 4096, syscall.PROT_READ, syscall.MAP_SHARED)
	if err == nil {
		expect("mprotect PROT_WRITE on a read-only shared mapping", syscall.Mprotect(m, syscall.PROT_READ|syscall.PROT_WRITE), syscall.EACCES)
		syscall.Munmap(m)
	}
	z, err := os.OpenFile("/dev/zero", os.O_RDWR, 0)
	if err != nil {
		return "", err
	}
	defer z.Close()
	zm, err := syscall.Mmap(int(z.Fd()), 0, 8192, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
	if err != nil {
		problems = append(problems, fmt.Sprintf("mmap /dev/zero: %v", err))
	} else {
		zm[5000] = 1
		syscall.Munmap(zm)
	}
	if len(problems) > 0 {
		return "", errors.New(fmt.Sprint(problems))
	}
	return "EACCES, EINVAL, ENODEV, EBADF, /dev/zero", nil
}
