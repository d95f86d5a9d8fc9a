package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/unigo-os/unigo/internal/build"
)

const testSynopsis = "[flags] <package> [-- test flags]"

// testMain is `unigo test`: build the package's test binary (go test -c)
// with the kernel linked in, through an overlaid zz_unigo_kernel_test.go,
// and run it in the guest. Test flags after "--" go to the test binary; the
// go test spellings (-v, -run X) are accepted for -test.v, -test.run X.
//
// The package directory (testdata/ included) becomes the guest's read-only
// root file system and the test's working directory, unless --initrd names
// another archive. Standard-library packages build against a private GOROOT
// (see internal/build/std.go); their tests that cannot work in a one-process
// unikernel are skipped, each with its reason (internal/build/stdskips.go).
//
// Not yet: a writable file system (tests using t.TempDir fail), and one
// invocation runs one package.
func testMain(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("test", testSynopsis, stderr)
	var vf vmFlags
	addVMFlags(fs, &vf)
	pos, testArgs, err := parseArgs(fs, args)
	if err != nil {
		return flagError(err, fs, testSynopsis, stdout, stderr)
	}
	if len(pos) != 1 {
		printUsage(stderr, fs, testSynopsis)
		fmt.Fprintf(stderr, "\nunigo test: want one package, got %d arguments\n", len(pos))
		return exitUsage
	}
	code, err := bootTarget(pos[0], true, testBinaryFlags(testArgs), &vf, stdout, stderr)
	if err != nil {
		return report(stderr, "test", err)
	}
	return code
}

// testFlagNames are the go test flags a test binary knows as -test.<name>.
var testFlagNames = map[string]bool{
	"bench": true, "benchmem": true, "benchtime": true, "count": true, "cpu": true,
	"failfast": true, "fullpath": true, "list": true, "parallel": true, "run": true,
	"short": true, "shuffle": true, "skip": true, "timeout": true, "v": true,
}

// testBinaryFlags rewrites go test flag spellings (-v, --run=X) into the
// test binary's (-test.v, -test.run=X). Other arguments pass unchanged.
func testBinaryFlags(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if !strings.HasPrefix(a, "-") {
			continue
		}
		flag := strings.TrimLeft(a, "-")
		name, _, _ := strings.Cut(flag, "=")
		if testFlagNames[name] {
			out[i] = "-test." + flag
		}
	}
	return out
}

// addSkips adds the skip table's entries for the package to the test
// binary's flags as -test.skip, merged with a -test.skip of the user's, and
// says what it skips and why.
func addSkips(importPath string, args []string, stderr io.Writer) []string {
	skips := build.SkipsFor(importPath)
	if len(skips) == 0 {
		return args
	}
	ours := build.SkipPattern(skips)
	// The test binary keeps the last -test.skip; find the user's.
	userAt, user := -1, ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "-test.skip="); ok {
			userAt, user = i, v
		} else if a == "-test.skip" && i+1 < len(args) {
			userAt, user = i, args[i+1]
			i++
		}
	}
	if userAt >= 0 && strings.Contains(user, "/") {
		// A subtest pattern does not combine with ours by "|".
		fmt.Fprintf(stderr, "unigo: -test.skip %q has subtest levels; not adding unigo's skips for %s\n", user, importPath)
		return args
	}
	for _, s := range skips {
		fmt.Fprintf(stderr, "unigo: skipping %s %s: %s\n", importPath, s.Test, s.Reason)
	}
	pattern := ours
	out := append([]string{}, args...)
	if userAt >= 0 {
		pattern = user + "|" + ours
		if strings.HasPrefix(out[userAt], "-test.skip=") {
			out = append(out[:userAt], out[userAt+1:]...)
		} else {
			out = append(out[:userAt], out[userAt+2:]...)
		}
	}
	return append([]string{"-test.skip=" + pattern}, out...)
}
