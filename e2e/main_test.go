package e2e

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Set up once by TestMain.
var (
	repoRoot string // the module root; the CLI runs there
	unigoBin string // the CLI built from ./cmd/unigo
	buildErr error  // why the CLI could not be built
	qemuPath string // qemu-system-x86_64 on PATH, or ""
	shareDir string // scratch space shared by all tests
)

const qemuName = "qemu-system-x86_64"

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	var err error
	repoRoot, err = filepath.Abs("..")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	if _, err := os.Stat(filepath.Join(repoRoot, "go.mod")); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: run from the e2e directory of the unigo module:", err)
		return 1
	}
	shareDir, err = os.MkdirTemp("", "unigo-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(shareDir)

	qemuPath, _ = exec.LookPath(qemuName)
	if cli := os.Getenv("UNIGO_E2E_CLI"); cli != "" {
		// Test a CLI built elsewhere (e.g. an installed release).
		unigoBin, err = filepath.Abs(cli)
		if err != nil {
			buildErr = err
		}
	} else {
		unigoBin = filepath.Join(shareDir, "bin", "unigo")
		cmd := exec.Command("go", "build", "-o", unigoBin, "./cmd/unigo")
		cmd.Dir = repoRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/unigo: %v\n%s", err, out)
		}
	}
	statSources()
	return m.Run()
}

// statSources stats every file of the repository. The go command caches test
// results keyed on the files the test binary itself looked at; the CLI, the
// kernel and the test programs are only read by child processes, so without
// this a changed kernel could be answered from the cache.
func statSources() {
	filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "bench") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			os.Stat(path)
		}
		return nil
	})
}

// requireCLI stops the test if the CLI did not build.
func requireCLI(t *testing.T) {
	t.Helper()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

// requireQEMU skips the test when QEMU is missing, or fails it under CI,
// where a missing QEMU is a broken setup rather than a reason to skip.
func requireQEMU(t *testing.T) {
	t.Helper()
	requireCLI(t)
	if qemuPath != "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not on PATH (CI=true: the end-to-end tests must run; install the qemu-system-x86 package)", qemuName)
	}
	t.Skipf("%s is not on PATH; install it (Debian/Ubuntu: apt-get install qemu-system-x86) to run the end-to-end tests", qemuName)
}
