package e2e

import (
	"path/filepath"
	"testing"
)

// TestTmpfsBehavesLikeLinux runs e2e/testdata/tmpfs: files of a few MiB with a hash
// check, append, holes and truncate, rename/remove/ReadDir/symlink/link, attributes,
// statfs, locks, and /dev's null, zero, full and urandom; errors are compared with
// Linux's texts. Then it fills a 1 MiB tmpfs (the unigo.tmpfs kernel option, given to
// plain QEMU: the CLI has no flag for it yet) and checks that ENOSPC loses nothing.
func TestTmpfsBehavesLikeLinux(t *testing.T) {
	t.Run("behaviour", func(t *testing.T) {
		t.Parallel()
		r := runProg(t, opts{}, "tmpfs", nil)
		for _, c := range []string{"readwrite", "copy", "append", "holes-truncate", "namespace", "attributes", "devices"} {
			wantCheckOK(t, r, c)
		}
		wantPass(t, r, "tmpfs")
	})
	t.Run("enospc", func(t *testing.T) {
		t.Parallel()
		requireQEMU(t)
		img := filepath.Join(shareDir, "tmpfs.img")
		b := command(t, opts{noVM: true}, unigoBin, "build", "-o", img, "./e2e/testdata/tmpfs")
		if b.code != 0 {
			b.dump(t)
			t.Fatalf("unigo build ./e2e/testdata/tmpfs: exit %d", b.code)
		}
		r := command(t, opts{}, qemuPath,
			"-M", "microvm,acpi=off", "-kernel", img, "-nodefaults", "-display", "none", "-serial", "stdio",
			"-no-reboot", "-device", "isa-debug-exit,iobase=0x501,iosize=2", "-accel", "tcg", "-m", "256",
			"-append", "unigo.tmpfs=/tmp:1M -- arg=tmpfs arg=enospc")
		wantCheckOK(t, r, "enospc")
		wantContains(t, r, "PASS tmpfs")
		wantContains(t, r, exitMarker("0"))
	})
}
