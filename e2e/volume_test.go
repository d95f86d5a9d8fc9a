package e2e

import (
	"bufio"
	"context"
	"fmt"
	"hash/crc32"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// newVolume makes a volume image with `unigo volume create`.
func newVolume(t *testing.T, size string) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "data.img")
	r := unigo(t, opts{noVM: true}, "volume", "create", "--size", size, img)
	wantExit(t, r, 0)
	return img
}

// e2fsprogs finds one of the ext2 tools, or skips the test.
func e2fsprogs(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range []string{"/usr/sbin", "/sbin"} {
		if _, err := os.Stat(filepath.Join(d, name)); err == nil {
			return filepath.Join(d, name)
		}
	}
	t.Skipf("%s (e2fsprogs) is not installed", name)
	return ""
}

// debugfs runs one debugfs request on img (read-only unless write) and returns its output.
func debugfs(t *testing.T, img string, write bool, req string) string {
	t.Helper()
	args := []string{"-R", req, img}
	if write {
		args = append([]string{"-w"}, args...)
	}
	out, err := exec.Command(e2fsprogs(t, "debugfs"), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("debugfs %s: %v\n%s", req, err, out)
	}
	return string(out)
}

// fsckClean has e2fsck check img read-only and fails on any complaint.
func fsckClean(t *testing.T, img string) {
	t.Helper()
	out, err := exec.Command(e2fsprogs(t, "e2fsck"), "-fn", img).CombinedOutput()
	if err != nil {
		t.Errorf("e2fsck -fn found problems: %v\n%s", err, out)
	}
}

// TestVolumeFilesPersistAcrossBootsAndHost writes files, directories and links to a volume,
// has e2fsck find the image clean and debugfs read the data on the host, adds a file from
// the host, and boots again to read it all back.
func TestVolumeFilesPersistAcrossBootsAndHost(t *testing.T) {
	img := newVolume(t, "64M")
	r := runProg(t, opts{}, "volume", []string{"-v", img + ":/data"}, "write", "emfile")
	wantPass(t, r, "volume")
	fsckClean(t, img)
	if got := debugfs(t, img, false, "cat /persist.txt"); !strings.Contains(got, "hello volume") {
		t.Errorf("debugfs cat /persist.txt:\n%s", got)
	}
	if got := debugfs(t, img, false, "ls -l /docs"); !strings.Contains(got, "new-name") || !strings.Contains(got, "big.bin") {
		t.Errorf("debugfs ls -l /docs:\n%s", got)
	}
	host := filepath.Join(t.TempDir(), "from-host.txt")
	os.WriteFile(host, []byte("written on the host"), 0o644)
	debugfs(t, img, true, "write "+host+" from-host.txt")
	r = runProg(t, opts{}, "volume", []string{"-v", img + ":/data"}, "persisted", "hostfile")
	wantPass(t, r, "volume")
	wantMatch(t, r, `^hostfile: ok "written on the host"$`)
	fsckClean(t, img)
}

// TestVolumeReadOnlyMountGivesEROFS mounts a volume with :ro: reads work, every change
// fails with EROFS, and the image is untouched.
func TestVolumeReadOnlyMountGivesEROFS(t *testing.T) {
	img := newVolume(t, "16M")
	wantPass(t, runProg(t, opts{}, "volume", []string{"-v", img + ":/data"}, "write"), "volume")
	before, _ := os.ReadFile(img)
	r := runProg(t, opts{}, "volume", []string{"-v", img + ":/data:ro"}, "readonly", "persisted")
	wantPass(t, r, "volume")
	after, _ := os.ReadFile(img)
	if string(before) != string(after) {
		t.Error("a read-only mount changed the image")
	}
}

// TestVolumeFullGivesENOSPCAndLosesNothing fills a small volume: the write that does not
// fit fails with ENOSPC, everything written before reads back, removing the file frees the
// space, and e2fsck finds the image clean.
func TestVolumeFullGivesENOSPCAndLosesNothing(t *testing.T) {
	img := newVolume(t, "16M")
	r := runProg(t, opts{}, "volume", []string{"-v", img + ":/data"}, "write", "enospc")
	wantPass(t, r, "volume")
	fsckClean(t, img)
	if got := debugfs(t, img, false, "cat /after-enospc"); !strings.Contains(got, "room again") {
		t.Errorf("debugfs cat /after-enospc:\n%s", got)
	}
}

// TestVolumeKVSurvivesKill runs examples/kv writing 10,000 records with fsync, kills the VM
// (SIGKILL to QEMU: no shutdown) at a random moment, then boots again: every record that
// was acknowledged before the kill is there. The host then reads the log with debugfs and
// e2fsck repairs what an ext2 volume without a journal can be left with (counts), nothing
// worse.
func TestVolumeKVSurvivesKill(t *testing.T) {
	requireQEMU(t)
	requireCLI(t)
	img := newVolume(t, "64M")
	seed := time.Now().UnixNano()
	killAt := 1 + rand.New(rand.NewSource(seed)).Intn(6000)
	t.Logf("seed %d: kill after %d acknowledged records", seed, killAt)

	qemuSlots.acquire(1)
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	cmd := exec.CommandContext(ctx, unigoBin, runArgs([]string{"--timeout", "200s", "-v", img + ":/data"}, "./examples/kv", "fill", "10000")...)
	cmd.Dir = repoRoot
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := -1
	var tail []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		tail = append(tail, line)
		if len(tail) > 20 {
			tail = tail[1:]
		}
		if n, ok := strings.CutPrefix(line, "acked "); ok {
			acked, _ = strconv.Atoi(n)
			if acked+1 >= killAt {
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				break
			}
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	cmd.Wait()
	qemuSlots.release(1)
	if acked < 0 {
		t.Fatalf("no record was acknowledged; console tail:\n%s\n%s", strings.Join(tail, "\n"), stderr.String())
	}
	t.Logf("killed after %d acknowledged records", acked+1)

	r := unigo(t, opts{}, runArgs([]string{"-v", img + ":/data"}, "./examples/kv", "check")...)
	wantExit(t, r, 0)
	m := wantMatch(t, r, `^records (\d+) keys (\d+) last key-(\d+)$`)
	if m != nil {
		records, _ := strconv.Atoi(m[1])
		keys, _ := strconv.Atoi(m[2])
		last, _ := strconv.Atoi(m[3])
		if records < acked+1 || keys != records || last != records-1 {
			t.Errorf("after the kill: %d records, %d keys, last key-%d; %d were acknowledged", records, keys, last, acked+1)
		}
	}

	// The host reads the log with a standard tool and finds the same records.
	log := debugfs(t, img, false, "cat /kv.log")
	good := 0
	rec := regexp.MustCompile(`^(key-(\d+))\t([^\t]*)\t([0-9a-f]{8})$`)
	for _, line := range strings.Split(log, "\n") {
		mm := rec.FindStringSubmatch(line)
		if mm == nil {
			continue
		}
		if fmt.Sprintf("%08x", crc32.ChecksumIEEE([]byte(mm[1]+"\t"+mm[3]))) != mm[4] {
			break
		}
		if n, _ := strconv.Atoi(mm[2]); n != good {
			t.Errorf("host: record %d is key-%d", good, n)
			break
		}
		good++
	}
	if good < acked+1 {
		t.Errorf("host: debugfs shows %d intact records, %d were acknowledged", good, acked+1)
	}
	// Without a journal, a kill can leave free counts behind; e2fsck -p (preen, what boot
	// scripts run) must be able to fix whatever it finds without asking.
	out, err := exec.Command(e2fsprogs(t, "e2fsck"), "-fp", img).CombinedOutput()
	if code := exitCode(err); code > 1 {
		t.Errorf("e2fsck -fp after the kill: exit %d\n%s", code, out)
	}
	fsckClean(t, img)
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// TestVolumeBboltWorkload runs go.etcd.io/bbolt on a volume: 300 transactions, then a
// second boot reopens the database and checks every key and bbolt's own consistency check.
func TestVolumeBboltWorkload(t *testing.T) {
	img := newVolume(t, "64M")
	r := runProg(t, opts{}, "bolt", []string{"-v", img + ":/data"}, "write", "verify")
	wantPass(t, r, "bolt")
	r = runProg(t, opts{}, "bolt", []string{"-v", img + ":/data"}, "verify")
	wantPass(t, r, "bolt")
	fsckClean(t, img)
	if got := debugfs(t, img, false, "ls -l /"); !strings.Contains(got, "bolt.db") {
		t.Errorf("debugfs ls -l /:\n%s", got)
	}
}

// TestVolumeOnPrebuiltImageAtDeepPath runs an image built beforehand with a volume at
// /mnt/store/kv, a directory its root archive does not have: the CLI adds the mount point,
// and the data lands on the volume.
func TestVolumeOnPrebuiltImageAtDeepPath(t *testing.T) {
	img := newVolume(t, "16M")
	kv := filepath.Join(t.TempDir(), "kv.img")
	wantExit(t, unigo(t, opts{noVM: true}, "build", "-o", kv, "./examples/kv"), 0)
	r := unigo(t, opts{}, runArgs([]string{"-v", img + ":/mnt/store/kv", "-e", "KV_DIR=/mnt/store/kv"}, kv, "put", "colour", "green")...)
	wantExit(t, r, 0)
	wantLines(t, r, "stored colour")
	if got := debugfs(t, img, false, "cat /kv.log"); !strings.Contains(got, "colour\tgreen") {
		t.Errorf("debugfs cat /kv.log:\n%s", got)
	}
}
