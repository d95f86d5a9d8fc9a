package e2e

import (
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var helloImg struct {
	once sync.Once
	path string
	err  string // the failed build's report
}

// helloImage builds examples/hello into an image once for all tests.
func helloImage(t *testing.T) string {
	t.Helper()
	requireCLI(t)
	helloImg.once.Do(func() {
		helloImg.err = "building hello.img did not complete: see the first test that needed it"
		p := filepath.Join(shareDir, "hello.img")
		r := command(t, opts{noVM: true}, unigoBin, "build", "-o", p, "./examples/hello")
		if r.code != 0 {
			r.dump(t)
			helloImg.err = "unigo build -o hello.img ./examples/hello failed: exit " + strconv.Itoa(r.code) + "\n" + r.stderr
			return
		}
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			helloImg.err = "unigo build exited 0 but wrote no image: " + errString(err)
			return
		}
		helloImg.path = p
	})
	if helloImg.path == "" {
		t.Fatal(helloImg.err)
	}
	return helloImg.path
}

// exitMarker is what the kernel prints on exit_group(n) (see docs/design.md);
// with plain QEMU nobody strips it.
func exitMarker(n string) string { return "\x1b]777;unigo-exit=" + n + "\x07" }

func TestImageBootsWithPlainQEMU(t *testing.T) {
	requireQEMU(t)
	img := helloImage(t)
	fi, _ := os.Stat(img)
	t.Logf("hello image: %d bytes", fi.Size())
	// Hand-written on purpose: this is the command line a user would type,
	// independent of the CLI's runner.
	r := command(t, opts{}, qemuPath,
		"-M", "microvm", "-kernel", img, "-nodefaults", "-nographic", "-serial", "stdio",
		"-device", "isa-debug-exit,iobase=0x501,iosize=2", "-accel", "tcg")
	wantHello(t, r, "[]", "")
	wantContains(t, r, exitMarker("0"))
	// isa-debug-exit: QEMU exits with (0<<1)|1.
	wantExit(t, r, 1)
}

func TestRunPrebuiltImage(t *testing.T) {
	requireQEMU(t)
	img := helloImage(t)
	r := unigo(t, opts{}, runArgs([]string{"-e", "GREETING=hi", "--mem", "64M"}, img, "a", "b c")...)
	wantExit(t, r, 0)
	wantHello(t, r, `["a" "b c"]`, "hi")
	if strings.Contains(r.console(), "\x1b]777;") {
		r.dump(t)
		t.Errorf("the CLI passed the exit marker through to the console; it must strip it")
	}
}

func TestMachinePcAndQ35Boot(t *testing.T) {
	requireQEMU(t)
	for _, m := range []string{"pc", "q35"} {
		t.Run(m, func(t *testing.T) {
			t.Parallel()
			r := unigo(t, opts{}, runArgs([]string{"--machine", m, "--verbose", "-e", "GREETING=from " + m, "-e", "EXIT_CODE=5"}, "./examples/hello", m)...)
			wantHello(t, r, `["`+m+`"]`, "from "+m)
			wantLines(t, r, "exiting with 5")
			wantExit(t, r, 5)
			// --verbose shows the QEMU command line, with the machine and
			// the accelerator that auto chose.
			if !regexp.MustCompile(`qemu-system-x86_64.*(-M|-machine)[ =](type=)?` + m + `\b`).MatchString(r.console()) {
				r.dump(t)
				t.Errorf("--verbose: no QEMU command line selecting machine %s in the output", m)
			}
			if !strings.Contains(r.console(), "tcg") && !strings.Contains(r.console(), "kvm") {
				r.dump(t)
				t.Errorf("--verbose: the output does not say which accelerator (tcg or kvm) was chosen")
			}
		})
	}
}

func TestCorruptImageRejected(t *testing.T) {
	requireQEMU(t)
	dir := t.TempDir()
	garbage := make([]byte, 64<<10)
	rand.Read(garbage)
	cases := []struct {
		name string
		make func(path string) error
	}{
		{"empty file", func(p string) error { return os.WriteFile(p, nil, 0o644) }},
		{"random bytes", func(p string) error { return os.WriteFile(p, garbage, 0o644) }},
		{"ELF without PVH note", func(p string) error {
			// An ordinary host build of hello: a valid ELF that QEMU
			// cannot boot.
			cmd := exec.Command("go", "build", "-o", p, "./examples/hello")
			cmd.Dir = repoRoot
			cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
			out, err := cmd.CombinedOutput()
			if err != nil {
				return &buildError{err, out}
			}
			return nil
		}},
		{"truncated image", func(p string) error {
			data, err := os.ReadFile(helloImage(t))
			if err != nil {
				return err
			}
			return os.WriteFile(p, data[:min(len(data), 8192)], 0o644)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".img")
			if err := c.make(p); err != nil {
				t.Fatalf("making the image: %v", err)
			}
			r := unigo(t, opts{}, runArgs([]string{"--timeout", "60s"}, p)...)
			if r.code == 0 || r.code == exitTimeout {
				r.dump(t)
				t.Fatalf("exit code: got %d%s, want a prompt failure", r.code, exitHint(r.code))
			}
			wantClearMessage(t, r, "image", "elf", "pvh", "corrupt", "invalid", "truncated", "empty")
		})
	}
}

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + string(e.out) }

// wantClearMessage checks that the CLI explained itself on stderr, in one of
// the words given (case-insensitive).
func wantClearMessage(t *testing.T, r *result, words ...string) {
	t.Helper()
	msg := strings.ToLower(r.stderr)
	if strings.TrimSpace(msg) == "" {
		r.dump(t)
		t.Errorf("no message on stderr")
		return
	}
	for _, w := range words {
		if strings.Contains(msg, strings.ToLower(w)) {
			return
		}
	}
	r.dump(t)
	t.Errorf("stderr %q does not explain the problem: want one of %q", r.stderr, words)
}

func errString(err error) string {
	if err == nil {
		return "empty file"
	}
	return err.Error()
}
