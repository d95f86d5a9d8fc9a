package e2e

import (
	"strings"
	"testing"
)

func TestNilDereferenceRecovers(t *testing.T) {
	r := runProg(t, opts{}, "panics", nil)
	wantLines(t, r,
		`nil: ok recovered "runtime error: invalid memory address or nil pointer dereference"`,
		`divide: ok recovered "runtime error: integer divide by zero"`,
		`slice: ok recovered "runtime error: slice bounds out of range [5:3]"`,
		`nil-again: ok recovered "runtime error: invalid memory address or nil pointer dereference"`,
		"PASS panics")
	wantPass(t, r, "panics")
}

func TestUnrecoveredPanicExits2WithStack(t *testing.T) {
	requireQEMU(t)
	t.Run("panic", func(t *testing.T) {
		t.Parallel()
		r := runProg(t, opts{}, "panics", nil, "crash")
		wantExit(t, r, 2)
		wantLines(t, r, "PASS panics", "panicking on purpose", "panic: deliberate crash", "goroutine 1 [running]:", "main.main()")
	})
	t.Run("nil dereference", func(t *testing.T) {
		// The runtime's report shows the signal it got: SIGSEGV with
		// si_code SEGV_MAPERR (1) and si_addr 0 prove a real Linux
		// signal was delivered for the page fault.
		t.Parallel()
		r := runProg(t, opts{}, "panics", nil, "crash-nil")
		wantExit(t, r, 2)
		wantLines(t, r, "PASS panics", "dereferencing nil on purpose",
			"panic: runtime error: invalid memory address or nil pointer dereference")
		wantMatch(t, r, `^\[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x[0-9a-f]+\]$`)
		wantLines(t, r, "goroutine 1 [running]:", "main.main()")
	})
}

// unimplementedLog is how the kernel reports a system call it does not
// implement: once per call number, by name and number.
const unimplementedLog = "unigo: unimplemented syscall getpmsg (181)"

func TestUnimplementedSyscallIsENOSYSAndLoggedOnce(t *testing.T) {
	r := runProg(t, opts{}, "enosys", nil)
	wantLines(t, r,
		"call 1: getpmsg(181) = -1, errno 38 (function not implemented)",
		"call 2: getpmsg(181) = -1, errno 38 (function not implemented)",
		"PASS enosys")
	wantPass(t, r, "enosys")
	var mentions []string
	for _, l := range r.lines() {
		if strings.Contains(l, "getpmsg") && !strings.HasPrefix(l, "call ") {
			mentions = append(mentions, l)
		}
	}
	if len(mentions) != 1 || mentions[0] != unimplementedLog {
		r.dump(t)
		t.Errorf("kernel log lines naming getpmsg: got %q, want exactly [%q]", mentions, unimplementedLog)
	}
}

func TestCryptoRandHasEntropy(t *testing.T) {
	r := runProg(t, opts{}, "random", nil)
	wantMatch(t, r, `^read 2 x 1024 KiB: byte counts \d+\.\.\d+ \(expected 4096\), chi-square [\d.]+, equal offsets \d+$`)
	wantPass(t, r, "random")
}

// TestBadSyscallPointersGetEFAULT passes syscalls pointers into page 0: each must fail with
// EFAULT, as on Linux, instead of faulting the kernel.
func TestBadSyscallPointersGetEFAULT(t *testing.T) {
	r := runProg(t, opts{}, "efault", nil)
	wantExit(t, r, 0)
	wantPass(t, r, "efault")
}
