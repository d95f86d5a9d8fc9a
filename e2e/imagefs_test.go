package e2e

import (
	"os"
	"path/filepath"
	"testing"
)

// imagefsChecks are the checks e2e/testdata/imagefs prints.
var imagefsChecks = []string{"files", "etc", "zoneinfo", "proc-self", "proc-fd", "proc-system"}

// TestImageFileSystem runs e2e/testdata/imagefs with a --files tree at /srv and the
// tmpfs moved to /scratch: the tree's files, the default /etc (net.LookupHost through
// /etc/hosts, os/user through /etc/passwd), time.LoadLocation from the packed time zone
// database, os.Executable, and /proc (self/maps, self/fd, meminfo, cpuinfo, mounts...).
func TestImageFileSystem(t *testing.T) {
	r := runProg(t, opts{}, "imagefs",
		[]string{"--files", "./e2e/testdata/imagefs/static:/srv", "--tmpfs", "/scratch:8M"}, "tmpfs=/scratch")
	for _, c := range append(imagefsChecks, "tmpfs-flag") {
		wantCheckOK(t, r, c)
	}
	wantPass(t, r, "imagefs")
}

// TestBuiltImageCarriesItsRoot builds the same program with --files into an image,
// which gets its root archive beside it, and boots the image with `unigo run`, which
// passes that archive to QEMU.
func TestBuiltImageCarriesItsRoot(t *testing.T) {
	requireQEMU(t)
	img := filepath.Join(shareDir, "imagefs.img")
	b := unigo(t, opts{noVM: true}, "build", "--files", "./e2e/testdata/imagefs/static:/srv", "-o", img, "./e2e/testdata/imagefs")
	if b.code != 0 {
		b.dump(t)
		t.Fatalf("unigo build: exit %d", b.code)
	}
	fi, err := os.Stat(img + ".root.tar")
	if err != nil {
		t.Fatalf("the image's root archive: %v", err)
	}
	t.Logf("root archive %d bytes", fi.Size())
	r := unigo(t, opts{}, runArgs(nil, img)...)
	for _, c := range imagefsChecks {
		wantCheckOK(t, r, c)
	}
	wantPass(t, r, "imagefs")
}
