package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVolumeCreateThenInfo makes a volume through the CLI and reads its summary back.
func TestVolumeCreateThenInfo(t *testing.T) {
	img := filepath.Join(t.TempDir(), "data.img")
	var out, errb bytes.Buffer
	if code := dispatch([]string{"volume", "create", "--size", "64M", "--label", "kv", img}, &out, &errb); code != 0 {
		t.Fatalf("create: exit %d: %s", code, errb.String())
	}
	st, err := os.Stat(img)
	if err != nil || st.Size() != 64<<20 {
		t.Fatalf("image: %v %v", st, err)
	}
	out.Reset()
	if code := dispatch([]string{"volume", "info", img}, &out, &errb); code != 0 {
		t.Fatalf("info: exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"ext2, 4096-byte blocks", "label:      kv", "size:       64 MiB", "state:      clean"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("info lacks %q:\n%s", want, out.String())
		}
	}
}

// TestVolumeCreateErrors covers the mistakes a user makes: each gets a message and a
// usage exit code, and an existing file is never overwritten.
func TestVolumeCreateErrors(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "old.img")
	os.WriteFile(existing, []byte("keep me"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"volume"}, exitUsage, "usage: unigo volume"},
		{[]string{"volume", "grow"}, exitUsage, "unknown subcommand"},
		{[]string{"volume", "create", filepath.Join(dir, "a.img")}, exitUsage, "--size is required"},
		{[]string{"volume", "create", "--size", "lots", filepath.Join(dir, "a.img")}, exitUsage, "bad size"},
		{[]string{"volume", "create", "--size", "1.5G", filepath.Join(dir, "a.img")}, exitUsage, "bad size"},
		{[]string{"volume", "create", "--size", "1M", filepath.Join(dir, "a.img")}, exitFailure, "too small"},
		{[]string{"volume", "create", "--size", "64M"}, exitUsage, "want one file name"},
		{[]string{"volume", "create", "--size", "64M", existing}, exitFailure, "refusing to overwrite"},
		{[]string{"volume", "info", filepath.Join(dir, "missing.img")}, exitFailure, "no such file"},
		{[]string{"volume", "info", existing}, exitFailure, "too small"},
	} {
		var out, errb bytes.Buffer
		code := dispatch(c.args, &out, &errb)
		if code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", c.args, code, errb.String(), c.code, c.want)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Fatalf("existing file changed: %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.img")); err == nil {
		t.Fatal("a failed create left a file behind")
	}
}

// TestParseVolumeSize accepts the spellings users write.
func TestParseVolumeSize(t *testing.T) {
	for in, want := range map[string]int64{"512M": 512 << 20, "1G": 1 << 30, "1GiB": 1 << 30, "1gb": 1 << 30, "2T": 2 << 40, "8388608": 8 << 20, "64k": 64 << 10} {
		if got, err := parseVolumeSize(in); err != nil || got != want {
			t.Errorf("parseVolumeSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}
