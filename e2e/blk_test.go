package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// virtio-blk and volumes: the kernel's block self-test over both transports, booted with
// plain QEMU command lines, and the CLI's -v checks.

// blkMachines are the two transports: virtio-mmio on microvm, virtio-pci on q35.
var blkMachines = []struct {
	name    string
	machine []string
	dev     string
}{
	{"microvm", []string{"-M", "microvm,acpi=off", "-global", "virtio-mmio.force-legacy=false"}, "virtio-blk-device"},
	{"q35", []string{"-M", "q35"}, "virtio-blk-pci"},
}

// scratchImage writes a file of size bytes of random data and returns its path and hash.
func scratchImage(t *testing.T, size int) (string, [32]byte) {
	t.Helper()
	b := make([]byte, size)
	rand.Read(b)
	p := filepath.Join(t.TempDir(), "scratch.img")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, sha256.Sum256(b)
}

func wantImageUnchanged(t *testing.T, img string, sum [32]byte) {
	t.Helper()
	b, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(b) != sum {
		t.Errorf("%s changed: the self-test must restore what it overwrote", filepath.Base(img))
	}
}

// The self-test writes, flushes and checks the disk's last MiB with many requests in
// flight, puts the old contents back, and the program then runs as usual.
func TestBlkSelftest(t *testing.T) {
	requireQEMU(t)
	img := helloImage(t)
	for _, m := range blkMachines {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			disk, sum := scratchImage(t, 4<<20)
			r := command(t, opts{}, qemuPath, plainQEMU(img, "max", "unigo.selftest=blk -- arg=hello", m.machine,
				"-drive", "file="+disk+",if=none,id=vol0,format=raw,cache=writeback", "-device", m.dev+",drive=vol0")...)
			wantMatch(t, r, `^unigo: selftest blk: disk 0: 8192 sectors, write cache \(flush\)$`)
			wantMatch(t, r, `^unigo: selftest blk: wrote 1 MiB in \d+ us \(\d+ MB/s\)$`)
			wantMatch(t, r, `^unigo: selftest blk: read back and checked 1 MiB in \d+ us \(\d+ MB/s\)$`)
			wantMatch(t, r, `^unigo: selftest blk: 512 reads, 512 writes, 2 flushes, up to 64 requests in flight, \d+ interrupts$`)
			wantLines(t, r, "unigo: selftest blk: PASS", "Hello from unigo!")
			wantExit(t, r, 1) // isa-debug-exit: (0<<1)|1
			wantImageUnchanged(t, disk, sum)
		})
	}
}

// A read-only drive is reported as such; the self-test reads and checks that writes are
// refused, and nothing changes on the host.
func TestBlkSelftestReadOnlyDisk(t *testing.T) {
	requireQEMU(t)
	img := helloImage(t)
	m := blkMachines[0]
	disk, sum := scratchImage(t, 2<<20)
	r := command(t, opts{}, qemuPath, plainQEMU(img, "max", "unigo.selftest=blk -- arg=hello", m.machine,
		"-drive", "file="+disk+",if=none,id=vol0,format=raw,readonly=on", "-device", m.dev+",drive=vol0")...)
	wantMatch(t, r, `^unigo: selftest blk: disk 0: 4096 sectors, .*read-only$`)
	wantLines(t, r, "unigo: selftest blk: PASS", "Hello from unigo!")
	wantExit(t, r, 1)
	wantImageUnchanged(t, disk, sum)
}

// Without a disk the self-test says so instead of hanging.
func TestBlkSelftestWithoutDisk(t *testing.T) {
	requireQEMU(t)
	img := helloImage(t)
	r := command(t, opts{}, qemuPath, plainQEMU(img, "max", "unigo.selftest=blk -- arg=hello", blkMachines[0].machine)...)
	wantLines(t, r, "unigo: selftest blk: FAIL: no virtio-blk device", "Hello from unigo!")
	wantExit(t, r, 1)
}

// mke2fsPath finds mke2fs (e2fsck lies beside it), or skips.
func mke2fsPath(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/sbin/mke2fs"); err == nil {
		return "/usr/sbin/mke2fs"
	}
	p, err := exec.LookPath("mke2fs")
	if err != nil {
		t.Skip("mke2fs not found (e2fsprogs)")
	}
	return p
}

// mke2fsImage makes an empty ext2 file system the way the ext2 tests do, or skips.
func mke2fsImage(t *testing.T, dir, name, size string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	out, err := exec.Command(mke2fsPath(t), "-q", "-t", "ext2", "-b", "4096", "-I", "256",
		"-O", "^dir_index,^resize_inode,^ext_attr", "-F", p, size).CombinedOutput()
	if err != nil {
		t.Fatalf("mke2fs: %v\n%s", err, out)
	}
	return p
}

// Volumes the CLI refuses before it starts QEMU, each with a message naming the image or
// the path and saying what to do.
func TestVolumeFlagErrors(t *testing.T) {
	requireCLI(t)
	dir := t.TempDir()
	zeros := filepath.Join(dir, "zeros.img")
	os.WriteFile(zeros, make([]byte, 1<<20), 0o644)
	good := mke2fsImage(t, dir, "good.img", "16M")
	cases := []struct {
		name string
		v    []string
		want string
	}{
		{"missing image", []string{"-v", "data.img:/data"},
			"unigo: volume data.img: no such file; create it with `unigo volume create --size 1G data.img`"},
		{"not ext2", []string{"-v", zeros + ":/data"},
			"unigo: volume " + zeros + ": not an ext2 file system (bad magic 0x0000 at byte 1080, want 0xef53)"},
		{"directory", []string{"-v", dir + ":/data"}, "not a regular file"},
		{"no guest path", []string{"-v", good}, "want HOSTIMG:/guest/path[:ro]"},
		{"relative guest path", []string{"-v", good + ":data"}, "must be absolute"},
		{"bad option", []string{"-v", good + ":/data:rx"}, `unknown option "rx"`},
		{"root", []string{"-v", good + ":/"}, "cannot mount a volume at /"},
		{"proc", []string{"-v", good + ":/proc/x"}, "lies in /proc"},
		{"twice", []string{"-v", good + ":/data", "-v", zeros + ":/data"}, "the same guest path twice"},
	}
	env, marker := fakeQEMUEnv(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			os.Remove(marker)
			r := unigo(t, opts{noVM: true, env: env}, append(append([]string{"run"}, c.v...), "./examples/hello")...)
			if r.code == 0 {
				r.dump(t)
				t.Errorf("exit code: got 0, want non-zero")
			}
			if !strings.Contains(r.stderr, c.want) {
				r.dump(t)
				t.Errorf("stderr lacks %q", c.want)
			}
			wantNoQEMU(t, r, marker)
		})
	}
}

// A second VM on a volume another VM has open fails with a message about the volume
// (QEMU's image lock), and the image is left alone.
func TestVolumeInUseByAnotherVM(t *testing.T) {
	requireQEMU(t)
	img := helloImage(t)
	vol := mke2fsImage(t, t.TempDir(), "data.img", "64M")
	before, _ := os.ReadFile(vol)
	// The first VM: paused before its first instruction, holding the image's lock.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	holder := exec.CommandContext(ctx, qemuPath, "-M", "microvm,acpi=off", "-S", "-display", "none", "-nodefaults",
		"-drive", "file="+vol+",if=none,id=vol0,format=raw", "-device", "virtio-blk-device,drive=vol0")
	var holderErr bytes.Buffer
	holder.Stderr = &holderErr
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Wait()
	defer cancel()
	time.Sleep(time.Second) // QEMU takes the lock while it starts
	r := unigo(t, opts{}, runArgs([]string{"-v", vol + ":/data"}, img)...)
	wantExit(t, r, 1)
	if !strings.Contains(r.stderr, "unigo: volume "+vol+" is in use by another VM") {
		r.dump(t)
		t.Errorf("stderr lacks the volume-in-use message (holder's stderr: %q)", holderErr.String())
	}
	if after, _ := os.ReadFile(vol); !bytes.Equal(before, after) {
		t.Error("the refused VM changed the image")
	}
}

// A volume the kernel cannot mount stops the boot before the program starts, with a
// message naming the volume's number, its mount point and ext2's reason, and exit 125. The
// image here has the ext2 magic (so the CLI lets it through) and nothing else; the
// volumes are numbered in -v order.
func TestVolumeMountFailureStopsTheBoot(t *testing.T) {
	requireQEMU(t)
	img := helloImage(t)
	dir := t.TempDir()
	good := mke2fsImage(t, dir, "good.img", "16M")
	fake := filepath.Join(dir, "fake.img")
	b := make([]byte, 1<<20)
	b[1080], b[1081] = 0x53, 0xEF
	os.WriteFile(fake, b, 0o644)
	r := unigo(t, opts{}, runArgs([]string{"-v", good + ":/a", "-v", fake + ":/b"}, img)...)
	wantMatch(t, r, `^unigo: volume 1 at /b: .+$`)
	if strings.Contains(r.console(), "Hello from unigo!") {
		t.Error("the program ran though a volume failed to mount")
	}
	wantExit(t, r, 125)
}

// The bbolt workload on a volume over virtio-pci (q35) with two CPUs: every transaction
// survives a second boot, and e2fsck finds the file system clean.
func TestVolumeOnQ35WithTwoCPUs(t *testing.T) {
	requireQEMU(t)
	vol := mke2fsImage(t, t.TempDir(), "data.img", "64M")
	flags := []string{"--machine", "q35", "--cpus", "2", "-v", vol + ":/data"}
	r := runProg(t, opts{exclusive: true}, "bolt", flags, "write", "verify")
	wantPass(t, r, "bolt")
	r = runProg(t, opts{exclusive: true}, "bolt", flags, "verify")
	wantPass(t, r, "bolt")
	e2fsck := strings.TrimSuffix(mke2fsPath(t), "mke2fs") + "e2fsck"
	if out, err := exec.Command(e2fsck, "-fn", vol).CombinedOutput(); err != nil {
		t.Errorf("e2fsck -fn: %v\n%s", err, out)
	}
}

// Many goroutines on one volume at once, on one and on two CPUs: the volume lock and the
// I/O waits sleep (a spinning goroutine keeps running) and survive Go's preemption
// signals; a syscall ended by EFAULT inside the file system gives the volume lock back.
func TestBlkStressAndEFAULT(t *testing.T) {
	requireQEMU(t)
	for _, c := range []struct {
		name  string
		flags []string
	}{
		{"microvm", nil},
		{"q35-2cpus", []string{"--machine", "q35", "--cpus", "2"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			vol := mke2fsImage(t, t.TempDir(), "data.img", "64M")
			r := runProg(t, opts{exclusive: len(c.flags) > 0}, "blkstress", append(c.flags, "-v", vol+":/data"))
			wantPass(t, r, "blkstress")
			e2fsck := strings.TrimSuffix(mke2fsPath(t), "mke2fs") + "e2fsck"
			if out, err := exec.Command(e2fsck, "-fn", vol).CombinedOutput(); err != nil {
				t.Errorf("e2fsck -fn: %v\n%s", err, out)
			}
		})
	}
}
