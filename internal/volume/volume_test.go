package volume

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// e2fsck runs the standard checker read-only on img and fails the test on any complaint.
func e2fsck(t *testing.T, img string) {
	t.Helper()
	bin, err := exec.LookPath("e2fsck")
	if err != nil {
		for _, p := range []string{"/usr/sbin/e2fsck", "/sbin/e2fsck"} {
			if _, err := os.Stat(p); err == nil {
				bin = p
			}
		}
	}
	if bin == "" {
		t.Skip("e2fsck (e2fsprogs) is not installed")
	}
	out, err := exec.Command(bin, "-fn", img).CombinedOutput()
	if err != nil {
		t.Fatalf("e2fsck -fn %s: %v\n%s", img, err, out)
	}
}

func debugfs(t *testing.T, img, req string) string {
	t.Helper()
	bin := "/usr/sbin/debugfs"
	if p, err := exec.LookPath("debugfs"); err == nil {
		bin = p
	}
	out, err := exec.Command(bin, "-R", req, img).CombinedOutput()
	if err != nil {
		t.Skipf("debugfs: %v\n%s", err, out)
	}
	return string(out)
}

// TestCreatedVolumesPassE2fsck formats volumes of one group, several groups with backup
// superblocks, and a short last group, and has e2fsck check each.
func TestCreatedVolumesPassE2fsck(t *testing.T) {
	for _, size := range []int64{MinSize, 64 << 20, 1 << 30, 5000000000} {
		img := filepath.Join(t.TempDir(), "v.img")
		if err := Create(img, size, Options{Label: "data"}); err != nil {
			t.Fatal(err)
		}
		e2fsck(t, img)
	}
}

// TestCreatedVolumeHasRootAndLostFound lists the new volume with debugfs, the e2fsprogs
// tool that reads an image without mounting it.
func TestCreatedVolumeHasRootAndLostFound(t *testing.T) {
	img := filepath.Join(t.TempDir(), "v.img")
	if err := Create(img, 64<<20, Options{}); err != nil {
		t.Fatal(err)
	}
	out := debugfs(t, img, "ls -l /")
	if !strings.Contains(out, "lost+found") {
		t.Fatalf("root listing lacks lost+found:\n%s", out)
	}
}

// TestCreatedVolumeIsSparse checks that a 1 GiB volume costs only its metadata on disk.
func TestCreatedVolumeIsSparse(t *testing.T) {
	img := filepath.Join(t.TempDir(), "v.img")
	if err := Create(img, 1<<30, Options{}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(img)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != 1<<30 {
		t.Fatalf("size %d, want 1 GiB", st.Size())
	}
	if used := diskUsage(st); used > 4<<20 {
		t.Fatalf("the image takes %d bytes on disk; want it sparse", used)
	}
}

// TestCreateRefusesToOverwrite keeps an existing file, volume or not, intact.
func TestCreateRefusesToOverwrite(t *testing.T) {
	img := filepath.Join(t.TempDir(), "v.img")
	if err := os.WriteFile(img, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Create(img, 64<<20, Options{})
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Create over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(img); string(b) != "precious" {
		t.Fatalf("the existing file was changed: %q", b)
	}
}

// TestCreateRejectsBadSizesAndLabels fails cleanly and leaves no file behind.
func TestCreateRejectsBadSizesAndLabels(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		size  int64
		label string
		want  string
	}{
		{1 << 20, "", "too small"},
		{64 << 40, "", "too large"},
		{64 << 20, strings.Repeat("x", 17), "longer than 16"},
	} {
		img := filepath.Join(dir, "v.img")
		err := Create(img, c.size, Options{Label: c.label})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Create(%d, %q) = %v, want an error saying %q", c.size, c.label, err, c.want)
		}
		if _, serr := os.Stat(img); serr == nil {
			t.Errorf("Create(%d, %q) left a file behind", c.size, c.label)
		}
	}
}

// TestInspectReportsWhatCreateWrote reads back the geometry, label and counts.
func TestInspectReportsWhatCreateWrote(t *testing.T) {
	img := filepath.Join(t.TempDir(), "v.img")
	if err := Create(img, 256<<20, Options{Label: "mydata", Now: time.Unix(1700000000, 0)}); err != nil {
		t.Fatal(err)
	}
	in, err := Inspect(img)
	if err != nil {
		t.Fatal(err)
	}
	if in.BlockSize != 4096 || in.Blocks != 65536 || in.Label != "mydata" || !in.Clean || in.Unsupported != "" {
		t.Fatalf("Inspect = %+v", in)
	}
	if in.FreeInodes != in.Inodes-11 || in.FreeBlocks == 0 || in.FreeBlocks >= in.Blocks {
		t.Fatalf("counts: %+v", in)
	}
}

// TestInspectRejectsNonVolumes names the problem for files that are not ext2 images.
func TestInspectRejectsNonVolumes(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("hello"), 0o644)
	zero := filepath.Join(dir, "zero")
	os.WriteFile(zero, make([]byte, 1<<20), 0o644)
	for path, want := range map[string]string{
		small:                      "too small",
		zero:                       "not an ext2 volume",
		dir:                        "not a regular file",
		filepath.Join(dir, "nope"): "no such file",
	} {
		if _, err := Inspect(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Inspect(%s) = %v, want %q", path, err, want)
		}
	}
}

// TestInspectFlagsExt4 sees that an ext4 image made by mke2fs uses features the guest
// does not implement.
func TestInspectFlagsExt4(t *testing.T) {
	mke2fs, err := exec.LookPath("mke2fs")
	if err != nil {
		mke2fs = "/usr/sbin/mke2fs"
		if _, err := os.Stat(mke2fs); err != nil {
			t.Skip("mke2fs is not installed")
		}
	}
	img := filepath.Join(t.TempDir(), "v.img")
	if out, err := exec.Command(mke2fs, "-q", "-t", "ext4", "-F", img, "64M").CombinedOutput(); err != nil {
		t.Fatalf("mke2fs: %v\n%s", err, out)
	}
	in, err := Inspect(img)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(in.Unsupported, "incompatible features") {
		t.Fatalf("ext4 image: Unsupported = %q", in.Unsupported)
	}
}
