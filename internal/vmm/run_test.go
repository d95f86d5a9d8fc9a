package vmm

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/unigo-os/unigo/internal/build"
)

// These tests boot testdata/fakeguest, a few lines of 32-bit assembly that
// print, emit exit markers and stop the VM the way the kernel does, so the
// console relay and exit-code protocol are checked against real QEMU without
// the kernel.

var fakeGuest struct {
	once sync.Once
	path string
	err  error
}

func fakeGuestImage(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("boots QEMU")
	}
	if _, err := exec.LookPath(DefaultQEMU); err != nil {
		t.Skipf("%s not installed", DefaultQEMU)
	}
	return buildFakeGuest(t)
}

// buildFakeGuest builds the fake guest image once (go build, PVH note).
func buildFakeGuest(t *testing.T) string {
	t.Helper()
	fakeGuest.once.Do(func() {
		dir, err := os.MkdirTemp("", "unigo-fakeguest-")
		if err != nil {
			fakeGuest.err = err
			return
		}
		out := filepath.Join(dir, "fakeguest.img")
		cmd := exec.Command("go", "build", "-o", out, "-ldflags", "-T 0x101000 -E main.pvhEntry", ".")
		cmd.Dir = filepath.Join("testdata", "fakeguest")
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off")
		if msg, err := cmd.CombinedOutput(); err != nil {
			fakeGuest.err = errors.New("building fakeguest: " + err.Error() + "\n" + string(msg))
			return
		}
		if _, err := build.PatchPVHFile(out); err != nil {
			fakeGuest.err = err
			return
		}
		fakeGuest.path = out
	})
	if fakeGuest.err != nil {
		t.Fatal(fakeGuest.err)
	}
	return fakeGuest.path
}

func bootFake(t *testing.T, machine, mode string, opts RunOptions) (string, int, error) {
	t.Helper()
	argv, err := Command(Config{Machine: machine, Accel: AccelTCG, MemBytes: 64 * MiB, CPUs: 1,
		Image: fakeGuestImage(t), Cmdline: "unigo.seed=00 #" + mode})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	opts.Stdout = &out
	code, err := Run(argv, opts)
	return out.String(), code, err
}

func TestRunRelaysConsoleAndStripsMarker(t *testing.T) {
	for _, m := range Machines {
		out, code, err := bootFake(t, m, "m", RunOptions{Timeout: time.Minute})
		if out != "out:\n" || code != 7 || err != nil {
			t.Errorf("%s: got %q, code %d, %v; want \"out:\\n\", 7, nil", m, out, code, err)
		}
	}
}

func TestRunExitZero(t *testing.T) {
	out, code, err := bootFake(t, MachineMicrovm, "z", RunOptions{Timeout: time.Minute})
	if out != "zero\n" || code != 0 || err != nil {
		t.Errorf("got %q, code %d, %v; want \"zero\\n\", 0, nil", out, code, err)
	}
}

func TestRunWithoutMarkerDecodesQEMUStatus(t *testing.T) {
	out, code, err := bootFake(t, MachineMicrovm, "n", RunOptions{Timeout: time.Minute})
	var ee *ExitError
	if out != "nomarker\n" || code != 5 || !errors.As(err, &ee) || ee.Code != 5 ||
		!strings.Contains(ee.Msg, "without status marker") {
		t.Errorf("got %q, code %d, %v; want \"nomarker\\n\", 5, without status marker", out, code, err)
	}
}

func TestRunStatusOneWithoutMarkerIsAnError(t *testing.T) {
	// QEMU status 1 with nothing on stderr is what a guest writing 0 to
	// isa-debug-exit gives; without the marker our kernel always prints, it
	// is not success.
	out, code, err := bootFake(t, MachineMicrovm, "s", RunOptions{Timeout: time.Minute})
	var ee *ExitError
	want := "guest ended without an exit status (QEMU status 1)"
	if out != "s\n" || code != ExitQEMUFailed || !errors.As(err, &ee) || ee.Code != ExitQEMUFailed || ee.Msg != want {
		t.Errorf("got %q, code %d, %v; want \"s\\n\", %d, %q", out, code, err, ExitQEMUFailed, want)
	}
}

func TestDecodeStatusOne(t *testing.T) {
	ps := exitedWith(t, 1)
	code, err := decodeStatus(ps, "")
	var ee *ExitError
	if code != 1 || !errors.As(err, &ee) || ee.Code != 1 || ee.Msg != "guest ended without an exit status (QEMU status 1)" {
		t.Errorf("status 1, no stderr: got %d, %v", code, err)
	}
	code, err = decodeStatus(ps, "qemu: some failure\n")
	if code != 1 || !errors.As(err, &ee) || ee.Msg != "QEMU failed" || ee.Detail != "qemu: some failure" {
		t.Errorf("status 1 with stderr: got %d, %#v", code, err)
	}
	code, err = decodeStatus(exitedWith(t, 7), "")
	if code != 3 || !errors.As(err, &ee) || !strings.Contains(ee.Msg, "without status marker") {
		t.Errorf("status 7: got %d, %v; want 3, without status marker", code, err)
	}
}

// exitedWith returns the state of a process that exited with status.
func exitedWith(t *testing.T, status int) *os.ProcessState {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", "exit "+strconv.Itoa(status))
	cmd.Run()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != status {
		t.Fatalf("sh -c 'exit %d' did not exit %d: %v", status, status, cmd.ProcessState)
	}
	return cmd.ProcessState
}

func TestRunGuestReset(t *testing.T) {
	_, code, err := bootFake(t, MachineMicrovm, "r", RunOptions{Timeout: time.Minute})
	var ee *ExitError
	if code != ExitGuestReset || !errors.As(err, &ee) || !strings.Contains(ee.Msg, "reset") {
		t.Errorf("got code %d, %v; want %d, guest reset", code, err, ExitGuestReset)
	}
}

func TestRunTimeoutKillsQEMU(t *testing.T) {
	start := time.Now()
	out, code, err := bootFake(t, MachineMicrovm, "h", RunOptions{Timeout: 2 * time.Second})
	if out != "hang\n" || code != ExitTimeout || err == nil || err.Error() != "timeout after 2s" {
		t.Errorf("got %q, code %d, %v; want hang, %d, timeout after 2s", out, code, err, ExitTimeout)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %v to time out", d)
	}
}

func TestRunStopSignalKillsQEMU(t *testing.T) {
	stop := make(chan os.Signal, 1)
	time.AfterFunc(time.Second, func() { stop <- syscall.SIGINT })
	out, code, err := bootFake(t, MachineMicrovm, "h", RunOptions{Stop: stop})
	if out != "hang\n" || code != 130 || err == nil || !strings.Contains(err.Error(), "SIGINT") {
		t.Errorf("got %q, code %d, %v; want hang, 130, SIGINT", out, code, err)
	}
}

func TestRunQEMUFailure(t *testing.T) {
	img := fakeGuestImage(t)
	argv, _ := Command(Config{Machine: MachineMicrovm, Accel: AccelTCG, MemBytes: 64 * MiB, CPUs: 1, Image: img, Cmdline: "#m"})
	argv = append(argv, "-bogus-option")
	code, err := Run(argv, RunOptions{Stdout: &bytes.Buffer{}})
	var ee *ExitError
	if code != ExitQEMUFailed || !errors.As(err, &ee) || !strings.Contains(ee.Detail, "bogus") {
		t.Errorf("got code %d, %#v; want %d with QEMU's complaint", code, err, ExitQEMUFailed)
	}
}

func TestRunMissingQEMU(t *testing.T) {
	code, err := Run([]string{"/nonexistent/qemu"}, RunOptions{Stdout: &bytes.Buffer{}})
	if code != ExitNoQEMU || err == nil {
		t.Errorf("got %d, %v; want %d", code, err, ExitNoQEMU)
	}
}
