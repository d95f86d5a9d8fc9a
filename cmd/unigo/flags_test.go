package main

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/unigo-os/unigo/internal/vmm"
)

func parseRun(t *testing.T, args ...string) (*vmFlags, []string, []string, error) {
	t.Helper()
	fs := newFlagSet("run", runSynopsis, io.Discard)
	var vf vmFlags
	addVMFlags(fs, &vf)
	pos, extra, err := parseArgs(fs, args)
	return &vf, pos, extra, err
}

func TestRunFlagDefaults(t *testing.T) {
	vf, pos, extra, err := parseRun(t, "./hello")
	if err != nil {
		t.Fatal(err)
	}
	if uint64(vf.mem) != 256*vmm.MiB || vf.cpus != 1 || vf.machine.val != "microvm" ||
		vf.accel.val != "auto" || vf.timeout != 0 || vf.qemu != "" || vf.verbose || len(vf.env) != 0 {
		t.Errorf("defaults: %+v", vf)
	}
	if !reflect.DeepEqual(pos, []string{"./hello"}) || extra != nil {
		t.Errorf("pos %q extra %q", pos, extra)
	}
}

func TestRunFlagsBeforeAndAfterTarget(t *testing.T) {
	vf, pos, extra, err := parseRun(t,
		"--mem", "1G", "-e", "A=1", "./hello", "--cpus=2", "-e", "B=x y=z",
		"--machine", "q35", "--accel=tcg", "--timeout", "30s", "--qemu", "/q", "--verbose",
		"--", "-e", "--mem", "x", "--")
	if err != nil {
		t.Fatal(err)
	}
	if uint64(vf.mem) != vmm.GiB || vf.cpus != 2 || vf.machine.val != "q35" || vf.accel.val != "tcg" ||
		time.Duration(vf.timeout) != 30*time.Second || vf.qemu != "/q" || !vf.verbose {
		t.Errorf("flags: %+v", vf)
	}
	if want := []string{"A=1", "B=x y=z"}; !reflect.DeepEqual([]string(vf.env), want) {
		t.Errorf("env %q, want %q", vf.env, want)
	}
	if !reflect.DeepEqual(pos, []string{"./hello"}) {
		t.Errorf("positional %q", pos)
	}
	if want := []string{"-e", "--mem", "x", "--"}; !reflect.DeepEqual(extra, want) {
		t.Errorf("program args %q, want %q", extra, want)
	}
}

func TestRunEmptyArgsAfterSeparator(t *testing.T) {
	_, _, extra, err := parseRun(t, "./hello", "--")
	if err != nil || extra == nil || len(extra) != 0 {
		t.Errorf("extra %#v, err %v; want empty non-nil", extra, err)
	}
}

func TestEnvFlagCopiesBareKeyFromHost(t *testing.T) {
	t.Setenv("UNIGO_TEST_VAR", "v a l")
	vf, _, _, err := parseRun(t, "-e", "UNIGO_TEST_VAR", "-e", "EMPTY=", "x")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"UNIGO_TEST_VAR=v a l", "EMPTY="}; !reflect.DeepEqual([]string(vf.env), want) {
		t.Errorf("env %q, want %q", vf.env, want)
	}
}

func TestRunFlagErrorsNameTheBadValue(t *testing.T) {
	cases := [][]string{
		{"--mem", "12Q"}, {"--mem", "0"}, {"--mem", "1.5G"}, {"--cpus", "0"}, {"--cpus", "65"}, {"--cpus", "many"},
		{"--machine", "vax"}, {"--accel", "warp"}, {"--timeout", "soon"}, {"--timeout", "-1s"},
		{"-e", "=x"}, {"-e", "UNIGO_SURELY_UNSET_VAR"}, {"--bogus-flag"},
	}
	for _, c := range cases {
		var stderr bytes.Buffer
		code := dispatch(append(append([]string{"run"}, c...), "./hello"), io.Discard, &stderr)
		bad := strings.TrimLeft(c[len(c)-1], "-")
		if code != exitUsage || !strings.Contains(stderr.String(), bad) {
			t.Errorf("run %q: exit %d, stderr %q; want %d naming %q", c, code, stderr.String(), exitUsage, bad)
		}
	}
}

func TestDispatch(t *testing.T) {
	cases := []struct {
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{nil, exitUsage, "", "usage:"},
		{[]string{"help"}, 0, "usage:", ""},
		{[]string{"frobnicate"}, exitUsage, "", `"frobnicate"`},
		{[]string{"run"}, exitUsage, "", "want one package or image"},
		{[]string{"run", "a", "b"}, exitUsage, "", "got 2 arguments"},
		{[]string{"run", "-h"}, 0, "--name", ""},
		{[]string{"build"}, exitUsage, "", "want one package"},
		{[]string{"build", "x", "--", "y"}, exitUsage, "", "want one package"},
		{[]string{"test"}, exitUsage, "", "want one package"},
		{[]string{"version", "x"}, exitUsage, "", "usage"},
		{[]string{"version"}, 0, "unigo ", ""},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := dispatch(c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stdout.String(), c.inStdout) || !strings.Contains(stderr.String(), c.inStderr) {
			t.Errorf("unigo %q: exit %d, stdout %q, stderr %q; want %d, %q, %q",
				c.args, code, stdout.String(), stderr.String(), c.code, c.inStdout, c.inStderr)
		}
	}
}

func TestMissingQEMU(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var stderr bytes.Buffer
	code := dispatch([]string{"run", "./hello"}, io.Discard, &stderr)
	want := "unigo: qemu-system-x86_64 not found; install it with: sudo apt-get install -y qemu-system-x86\n"
	if code != 127 || stderr.String() != want {
		t.Errorf("exit %d, stderr %q; want 127, %q", code, stderr.String(), want)
	}
	stderr.Reset()
	code = dispatch([]string{"run", "--qemu", "/no/such/qemu", "./hello"}, io.Discard, &stderr)
	if code != 127 || !strings.Contains(stderr.String(), "/no/such/qemu not found") {
		t.Errorf("--qemu missing: exit %d, stderr %q", code, stderr.String())
	}
}

func TestTestBinaryFlags(t *testing.T) {
	got := testBinaryFlags([]string{"-v", "--run=TestX", "-run", "Y", "-test.count=2", "-custom", "arg", "-short"})
	want := []string{"-test.v", "-test.run=TestX", "-test.run", "Y", "-test.count=2", "-custom", "arg", "-test.short"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestIsImagePath(t *testing.T) {
	for p, want := range map[string]bool{
		"/nonexistent/x.img": true, "./flags_test.go": true, ".": false, "./nope": false, "example.com/x": false,
	} {
		if got := isImagePath(p); got != want {
			t.Errorf("isImagePath(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestTmpfsFlag(t *testing.T) {
	vf, _, _, err := parseRun(t, "--tmpfs", "/scratch/:8M", "x")
	if err != nil || vf.tmpfs.String() != "/scratch:8M" || vf.tmpfs.mountPath() != "/scratch" {
		t.Errorf("--tmpfs /scratch/:8M = %q, %v", vf.tmpfs.String(), err)
	}
	vf, _, _, _ = parseRun(t, "x")
	if vf.tmpfs.String() != "" || vf.tmpfs.mountPath() != "/tmp" {
		t.Errorf("default tmpfs %q at %q", vf.tmpfs.String(), vf.tmpfs.mountPath())
	}
	for _, bad := range []string{"/tmp", "tmp:8M", "/:8M", "/tmp:", "/tmp:8X", "/tmp:100", "/dev/shm:8M", "/proc:1M", "/a b:1M", "/tmp:-1M"} {
		if _, _, _, err := parseRun(t, "--tmpfs", bad, "x"); err == nil {
			t.Errorf("--tmpfs %q accepted", bad)
		}
	}
}

func TestFilesFlagErrorsComeBeforeQEMU(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no QEMU: a --files error must be reported first
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--files", dir + "/missing:/srv"}, "no such directory"},
		{[]string{"--files", dir + ":srv"}, "absolute"},
		{[]string{"--files", dir + ":/dev/x"}, "/dev"},
		{[]string{"--files", dir + ":/proc"}, "/proc"},
		{[]string{"--files", dir + ":/tmp"}, "/tmp"},
		{[]string{"--tmpfs", "/scratch:1M", "--files", dir + ":/scratch/a"}, "/scratch"},
		{[]string{"--files", dir + ":/srv", "--files", dir + ":/srv/"}, "same guest path"},
		{[]string{"--files", dir + ":/srv", "--files", dir + ":/srv/x"}, "inside"},
		{[]string{"--files", "nocolon"}, "HOSTDIR:GUESTPATH"},
	} {
		var stderr bytes.Buffer
		code := dispatch(append(append([]string{"run"}, c.args...), "./hello"), io.Discard, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("run %q: exit %d, stderr %q; want %d naming %q", c.args, code, stderr.String(), exitUsage, c.want)
		}
	}
	var stderr bytes.Buffer
	if code := dispatch([]string{"build", "--files", dir + ":/dev", "./hello"}, io.Discard, &stderr); code != exitUsage ||
		!strings.Contains(stderr.String(), "/dev") {
		t.Errorf("build --files :/dev: exit %d, stderr %q", code, stderr.String())
	}
}

// ext2Image writes a file that passes the CLI's ext2 check (the superblock magic at byte
// 1080) and returns its path.
func ext2Image(t *testing.T, dir, name string) string {
	t.Helper()
	b := make([]byte, 4096)
	binary.LittleEndian.PutUint16(b[1080:], 0xEF53)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVolumeFlagIsRepeatableInOrderWithReadOnly(t *testing.T) {
	vf, pos, _, err := parseRun(t, "-v", "a.img:/data", "./hello", "--volume", "b.img:/srv/b/:ro", "-v", "c.img:/c:rw")
	if err != nil {
		t.Fatal(err)
	}
	want := []vmm.Volume{{Image: "a.img", Guest: "/data"}, {Image: "b.img", Guest: "/srv/b", ReadOnly: true}, {Image: "c.img", Guest: "/c"}}
	if !reflect.DeepEqual([]vmm.Volume(vf.volumes), want) || !reflect.DeepEqual(pos, []string{"./hello"}) {
		t.Errorf("volumes %+v, positional %q; want %+v", vf.volumes, pos, want)
	}
	if vf.verbose {
		t.Error("-v turned on --verbose")
	}
}

func TestVolumeFlagRejectsBadSpecs(t *testing.T) {
	for spec, want := range map[string]string{
		"data.img":           "HOSTIMG:/guest/path",
		"data.img:data":      "absolute",
		"data.img:/data:rx":  `unknown option "rx"`,
		"data.img:/":         "cannot mount a volume at /",
		"data.img:/./":       "cannot mount a volume at /",
		":/data":             "empty image path",
		"c:/x.img:/data:ro":  "too many colons",
		"data.img:/data:ro:": "too many colons",
	} {
		var stderr bytes.Buffer
		code := dispatch([]string{"run", "-v", spec, "./hello"}, io.Discard, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), want) {
			t.Errorf("-v %q: exit %d, stderr %q; want %d naming %q", spec, code, stderr.String(), exitUsage, want)
		}
	}
}

func TestVolumeErrorsComeBeforeQEMU(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no QEMU: a volume error must be reported first
	dir := t.TempDir()
	img := ext2Image(t, dir, "data.img")
	img2 := ext2Image(t, dir, "other.img")
	zeros := filepath.Join(dir, "zeros.img")
	os.WriteFile(zeros, make([]byte, 8192), 0o644)
	tiny := filepath.Join(dir, "tiny.img")
	os.WriteFile(tiny, []byte("x"), 0o644)
	missing := filepath.Join(dir, "missing.img")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-v", missing + ":/data"}, exitFailure, "missing.img: no such file; create it with `unigo volume create --size 1G " + missing + "`"},
		{[]string{"-v", dir + ":/data"}, exitFailure, "not a regular file"},
		{[]string{"-v", zeros + ":/data"}, exitFailure, "not an ext2 file system (bad magic 0x0000 at byte 1080, want 0xef53)"},
		{[]string{"-v", tiny + ":/data"}, exitFailure, "not an ext2 file system (1 bytes, too small"},
		{[]string{"-v", img + ":/data", "-v", img2 + ":/data/"}, exitUsage, "the same guest path twice"},
		{[]string{"-v", img + ":/data", "-v", img2 + ":/data/x"}, exitUsage, "nested volumes are not supported"},
		{[]string{"-v", img + ":/a", "-v", img + ":/b"}, exitUsage, "the same image twice"},
		{[]string{"-v", img + ":/proc/x"}, exitUsage, "lies in /proc"},
		{[]string{"-v", img + ":/dev"}, exitUsage, "lies in /dev"},
		{[]string{"-v", img + ":/tmp"}, exitUsage, "lies in /tmp"},
		{[]string{"--tmpfs", "/scratch:1M", "-v", img + ":/scratch/v"}, exitUsage, "lies in /scratch"},
		{[]string{"--files", dir + ":/data/in", "-v", img + ":/data"}, exitUsage, "would hide --files"},
		{[]string{"-v", img + ":/a", "-v", img2 + ":/b", "-v", zeros + ":/c", "-v", tiny + ":/d", "-v", missing + ":/e"}, exitUsage, "at most 4"},
	} {
		var stderr bytes.Buffer
		code := dispatch(append(append([]string{"run"}, c.args...), "./hello"), io.Discard, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("run %q: exit %d, stderr %q; want %d naming %q", c.args, code, stderr.String(), c.code, c.want)
		}
	}
	// A good volume gets as far as looking for QEMU.
	var stderr bytes.Buffer
	if code := dispatch([]string{"run", "-v", img + ":/data:ro", "./hello"}, io.Discard, &stderr); code != 127 {
		t.Errorf("good volume: exit %d, stderr %q; want 127 (no QEMU)", code, stderr.String())
	}
}

func TestReadWriteVolumeNeedsAWritableImage(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write any file")
	}
	img := ext2Image(t, t.TempDir(), "ro.img")
	os.Chmod(img, 0o444)
	vols := []vmm.Volume{{Image: img, Guest: "/data"}}
	if err := resolveVolumes(vols, "/tmp", nil); err == nil || !strings.Contains(err.Error(), "add :ro") {
		t.Errorf("read-write volume on a read-only file: %v; want a hint to add :ro", err)
	}
	vols[0].ReadOnly = true
	if err := resolveVolumes(vols, "/tmp", nil); err != nil {
		t.Errorf("read-only volume on a read-only file: %v", err)
	}
}
