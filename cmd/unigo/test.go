package main

import (
	"fmt"
	"io"
	"strings"
)

const testSynopsis = "[flags] <package> [-- test flags]"

// testMain is `unigo test`: build the package's test binary (go test -c)
// with the kernel linked in, through an overlaid zz_unigo_kernel_test.go,
// and run it in the guest. Test flags after "--" go to the test binary; the
// go test spellings (-v, -run X) are accepted for -test.v, -test.run X.
//
// Not yet: the guest has no file system, so tests that read testdata/ or
// write temporary files fail; and one invocation runs one package.
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
