package e2e

import (
	"strings"
	"testing"
	"time"
)

// stdAcceptance is the acceptance list: standard-library packages
// whose own tests (-test.short) must pass inside unigo as they do on Linux.
// Tests that cannot work in one process without a network are skipped by
// the CLI (internal/build/stdskips.go), each with its reason on stderr.
//
// Budget: about 80 s of TCG in all, two at a time; math/big is most of it
// (about 55 s alone) and still fits, so it runs in full.
var stdAcceptance = []string{
	"math/big", // first: the longest, so the others fill the second slot
	"strings", "sync", "sync/atomic", "context", "strconv", "sort",
	"container/heap", "crypto/sha256", "regexp",
}

// stdSkipLines are the CLI's notes for the table's entries in these packages.
var stdSkipLines = map[string][]string{
	"sync": {
		"unigo: skipping sync TestIssue76126: it runs a subprocess (unigo runs one process)",
		"unigo: skipping sync TestMutexMisuse: it runs a subprocess (unigo runs one process)",
	},
	"context": {"unigo: skipping context ExampleAfterFunc_connection: needs TCP/IP, and a standard-library test binary cannot link the netstack (gVisor is a module)"},
}

func TestStdlibTestsPassInsideUnigo(t *testing.T) {
	if testing.Short() {
		t.Skip("boots ten standard-library test binaries (about 90 s of TCG); runs without -short")
	}
	stdPackagesPass(t, stdAcceptance, stdSkipLines)
}

// stdFiles is the file-system issue's list: the standard library's own tests for the
// packages that touch files, run where go test would run them (a slice of GOROOT packed
// at /goroot, internal/build and cmd/unigo's stdTestTree), with a writable /tmp for
// t.TempDir.
var stdFiles = []string{
	"os", // first: the longest
	"time", "io/fs", "path/filepath", "io/ioutil", "bufio", "archive/tar", "archive/zip",
	"compress/gzip", "embed",
}

// stdFilesSkipLines are some of the CLI's notes for these packages (the table has more).
var stdFilesSkipLines = map[string][]string{
	"compress/gzip": {"unigo: skipping compress/gzip Example_compressingReader: needs TCP/IP, and a standard-library test binary cannot link the netstack (gVisor is a module)"},
	"os": {
		"unigo: skipping os TestStartProcess: it runs a subprocess (unigo runs one process)",
		"unigo: skipping os TestChdirAndGetwd: it reads /usr/bin, which a one-program root file system does not have",
	},
}

func TestStdlibFileTestsPassInsideUnigo(t *testing.T) {
	if testing.Short() {
		t.Skip("boots ten standard-library test binaries; runs without -short")
	}
	stdPackagesPass(t, stdFiles, stdFilesSkipLines)
}

// stdPackagesPass runs each package's tests with -test.short on the host and in unigo,
// two at a time, and wants PASS from both and the listed skip notes on unigo's stderr.
func stdPackagesPass(t *testing.T, pkgs []string, skipLines map[string][]string) {
	requireQEMU(t)
	// The same packages must pass on the host, or a failure here says
	// nothing about unigo.
	t.Run("host", func(t *testing.T) {
		t.Parallel()
		args := append([]string{"test", "-short", "-count=1"}, pkgs...)
		r := command(t, opts{noVM: true}, "go", args...)
		if r.code != 0 {
			r.dump(t)
			t.Errorf("go test -short on the host failed (exit %d): the packages must pass there first", r.code)
		}
	})
	for _, pkg := range pkgs {
		t.Run(strings.ReplaceAll(pkg, "/", "_"), func(t *testing.T) {
			t.Parallel()
			r := unigo(t, opts{}, "test", "--timeout", "200s", pkg, "--", "-test.short")
			t.Logf("unigo test %s -- -test.short: exit %d after %v", pkg, r.code, r.elapsed.Round(100*time.Millisecond))
			wantExit(t, r, 0)
			if last := lastLine(r.stdout); last != "PASS" {
				r.dump(t)
				t.Errorf("the test binary's last line is %q, want PASS", last)
			}
			for _, l := range skipLines[pkg] {
				if !strings.Contains(r.stderr, l+"\n") {
					r.dump(t)
					t.Errorf("stderr lacks the skip note %q", l)
				}
			}
		})
	}
}

// lastLine returns the last non-empty line of s, without CR.
func lastLine(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r", ""), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return ""
}

func TestPackageTestsSeeTheirDirectory(t *testing.T) {
	// unigo test packs the package directory (testdata/ included) into the
	// guest's root file system and starts the test binary there, as go test
	// runs it in the package directory. The same tests pass on the host
	// (go test ./... runs them).
	requireQEMU(t)
	r := unigo(t, opts{}, "test", "--timeout", defaultTimeout, "./e2e/testdata/pkgtest", "--", "-v")
	wantExit(t, r, 0)
	wantMatch(t, r, `^--- PASS: TestReadsTestdata \(`)
	wantMatch(t, r, `^--- PASS: TestSeesItsPackageDirectory \(`)
	if last := lastLine(r.stdout); last != "PASS" {
		r.dump(t)
		t.Errorf("the test binary's last line is %q, want PASS", last)
	}
}
