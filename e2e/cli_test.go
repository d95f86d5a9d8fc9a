package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeQEMUEnv returns environment entries that put a fake qemu-system-x86_64
// first on PATH, and the file it creates when started: a command that must
// not start a VM can then be caught doing so.
func fakeQEMUEnv(t *testing.T) (env []string, startedMarker string) {
	t.Helper()
	dir := t.TempDir()
	startedMarker = filepath.Join(dir, "qemu-was-started")
	script := "#!/bin/sh\necho \"$@\" > " + startedMarker + "\necho 'fake qemu: the e2e test expected no VM to start' >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(dir, qemuName), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return []string{"PATH=" + dir + string(os.PathListSeparator) + os.Getenv("PATH")}, startedMarker
}

func wantNoQEMU(t *testing.T, r *result, marker string) {
	t.Helper()
	if args, err := os.ReadFile(marker); err == nil {
		r.dump(t)
		t.Errorf("QEMU was started (%s %s) though the command should have been rejected first", qemuName, strings.TrimSpace(string(args)))
	}
}

func TestBadFlagsAreRejected(t *testing.T) {
	requireCLI(t)
	cases := []struct {
		name string
		args []string
		want []string // the message names one of these (case-insensitive)
	}{
		{"unknown flag", []string{"run", "--bogus-flag", "./examples/hello"}, []string{"bogus-flag"}},
		{"unknown command", []string{"frobnicate", "./examples/hello"}, []string{"frobnicate"}},
		{"bad --mem unit", []string{"run", "--mem", "12Q", "./examples/hello"}, []string{"12Q"}},
		{"--mem 0", []string{"run", "--mem", "0", "./examples/hello"}, []string{"mem"}},
		{"bad --cpus", []string{"run", "--cpus", "0", "./examples/hello"}, []string{"cpus"}},
		{"bad --machine", []string{"run", "--machine", "vax", "./examples/hello"}, []string{"vax"}},
		{"bad --accel", []string{"run", "--accel", "warp", "./examples/hello"}, []string{"warp"}},
		{"bad --timeout", []string{"run", "--timeout", "soon", "./examples/hello"}, []string{"soon"}},
		{"missing package", []string{"run", "./e2e/testdata/does-not-exist"}, []string{"does-not-exist"}},
		{"missing image", []string{"run", "/nonexistent/dir/x.img"}, []string{"x.img"}},
		{"nothing to run", []string{"run"}, []string{"usage", "package", "image"}},
	}
	env, marker := fakeQEMUEnv(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			os.Remove(marker)
			r := unigo(t, opts{noVM: true, env: env}, c.args...)
			if r.code == 0 {
				r.dump(t)
				t.Errorf("exit code: got 0, want non-zero")
			}
			wantClearMessage(t, r, c.want...)
			wantNoQEMU(t, r, marker)
		})
	}
}

func TestBuildErrorIsReported(t *testing.T) {
	requireCLI(t)
	env, marker := fakeQEMUEnv(t)
	r := unigo(t, opts{noVM: true, env: env}, "run", "./e2e/testdata/broken")
	if r.code == 0 {
		r.dump(t)
		t.Errorf("exit code: got 0, want non-zero")
	}
	// The compiler's own message must reach the user.
	wantClearMessage(t, r, "undefinedFunctionForUnigoTest")
	wantNoQEMU(t, r, marker)
}

func TestMissingQEMUIsExplained(t *testing.T) {
	requireCLI(t)
	// A PATH holding only the go command (and git, which go build uses to
	// stamp version information).
	dir := t.TempDir()
	for _, tool := range []string{"go", "git"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			continue
		}
		if err := os.Symlink(p, filepath.Join(dir, tool)); err != nil {
			t.Fatal(err)
		}
	}
	r := unigo(t, opts{noVM: true, env: []string{"PATH=" + dir}}, runArgs(nil, "./examples/hello")...)
	if r.code == 0 {
		r.dump(t)
		t.Errorf("exit code: got 0, want non-zero")
	}
	wantClearMessage(t, r, "install")
	wantClearMessage(t, r, qemuName)
}

func TestTimeoutStopsHungGuest(t *testing.T) {
	requireQEMU(t)
	r := runProg(t, opts{}, "hang", []string{"--timeout", "5s"})
	wantExit(t, r, exitTimeout)
	wantLines(t, r, "hanging on purpose")
	wantClearMessage(t, r, "timeout", "timed out")
	// 5s of guest time plus a build; far less than the harness's guard.
	if r.elapsed > 90*time.Second {
		t.Errorf("unigo run --timeout 5s took %v to give up", r.elapsed)
	}
}

func TestQEMUFailureIsNotSuccess(t *testing.T) {
	// QEMU that dies before the guest runs (here: a fake that exits 1, the
	// same status a finished guest's isa-debug-exit write of 0 gives) must
	// not look like a program that exited 0: there is no exit marker.
	requireCLI(t)
	env, marker := fakeQEMUEnv(t)
	r := unigo(t, opts{noVM: true, env: env}, runArgs(nil, "./examples/hello")...)
	if _, err := os.Stat(marker); err != nil {
		r.dump(t)
		t.Fatalf("the fake QEMU on PATH was not started; cannot test this")
	}
	if r.code == 0 {
		r.dump(t)
		t.Errorf("exit code: got 0 though QEMU failed and the guest never reported an exit status; want non-zero")
	}
	wantClearMessage(t, r, "qemu", "guest")
}

func TestSilentQEMUStatusOneIsNotSuccess(t *testing.T) {
	// Status 1 with nothing on stderr is what a guest that writes 0 to
	// isa-debug-exit without printing the exit marker gives. Our kernel
	// always prints the marker first, so this is an abnormal end: exit 1
	// with a message saying so, never 0.
	requireCLI(t)
	dir := t.TempDir()
	script := "#!/bin/sh\nexit 1\n"
	if err := os.WriteFile(filepath.Join(dir, qemuName), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + dir + string(os.PathListSeparator) + os.Getenv("PATH")}
	r := unigo(t, opts{noVM: true, env: env}, runArgs(nil, "./examples/hello")...)
	wantExit(t, r, 1)
	if want := "unigo: guest ended without an exit status (QEMU status 1)\n"; r.stderr != want {
		r.dump(t)
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
}

// TestStraceAndStatsFlagsReachTheKernel runs a program with --strace and --stats: the
// console shows its system calls with their results ([tid] name(args) = result), and the
// counters the kernel prints at exit, and the program's own output and exit code are
// unchanged.
func TestStraceAndStatsFlagsReachTheKernel(t *testing.T) {
	r := runProg(t, opts{}, "args_env_exit", []string{"--strace", "--stats"}, "exit=3")
	wantExit(t, r, 3)
	wantMatch(t, r, `^\[1\] arch_prctl\(0x1002, 0x[0-9a-f]+, .*\) = 0x0$`)
	wantMatch(t, r, `^\[\d+\] exit_group\(0x3, .*\) = \?$`)
	wantMatch(t, r, `^unigo: stats: uptime \d+ us, syscalls \d+, page faults \d+, timer interrupts \d+, context switches \d+, frames in use \d+$`)
}
