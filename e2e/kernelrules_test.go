package e2e

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// forbiddenInKernel are runtime entry points kernel code must never reach: they allocate,
// run a write barrier, or need a real goroutine (docs/design.md, "Rules for every package
// under kernel/"). The compiler inserts them silently: a defer it cannot open-code becomes
// a deferprocStack call, a pointer store a write barrier.
var forbiddenInKernel = regexp.MustCompile(`^runtime\.(deferproc|deferprocStack|newobject|makeslice|makeslicecopy|growslice|makemap|makemap_small|mallocgc|concatstring\d*|slicebytetostring|convT\w*|gcWriteBarrier\d*|wbMove|typedmemmove|newproc)\(SB\)$`)

// TestKernelCodeNeverCallsTheAllocatorOrDefer disassembles a built image and fails if any
// function of the kernel package tree (kernel/netsvc, which runs as program code, aside)
// calls a forbidden runtime function.
func TestKernelCodeNeverCallsTheAllocatorOrDefer(t *testing.T) {
	requireCLI(t)
	img := filepath.Join(t.TempDir(), "hello.img")
	r := unigo(t, opts{noVM: true}, "build", "-o", img, "./examples/hello")
	wantExit(t, r, 0)
	out, err := exec.Command("go", "tool", "objdump", img).Output()
	if err != nil {
		t.Fatalf("go tool objdump: %v", err)
	}
	var fn string
	found := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "TEXT ") {
			fn = strings.Fields(line)[1]
			continue
		}
		if !strings.Contains(fn, "unigo-os/unigo/kernel") || strings.Contains(fn, "unigo-os/unigo/kernel/netsvc") {
			continue
		}
		f := strings.Fields(line)
		if len(f) >= 2 && f[len(f)-2] == "CALL" && forbiddenInKernel.MatchString(f[len(f)-1]) {
			found[fn+" calls "+f[len(f)-1]] = true
		}
	}
	for s := range found {
		t.Errorf("kernel code: %s", s)
	}
}
