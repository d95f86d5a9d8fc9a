package build

import "strings"

// Skip is a standard-library test that cannot work in a one-process
// unikernel and would fail rather than skip itself: `unigo test` passes it to
// the test binary as -test.skip and says so.
//
// Only tests that truly need something unigo does not have belong here (a
// subprocess, a network, a writable file system). A test that fails for any
// other reason is a kernel bug and must stay visible.
type Skip struct {
	Package string // import path
	Test    string // regexp matching whole top-level test or example names
	Reason  string
}

const (
	needsExec    = "it runs a subprocess (unigo runs one process)"
	needsUsrBin  = "it reads /usr/bin, which a one-program root file system does not have"
	needsNetwork = "needs TCP/IP, and a standard-library test binary cannot link the netstack (gVisor is a module)"
)

// stdSkips is the table; keep it sorted by package.
var stdSkips = []Skip{
	// testenv.MustHaveExec believes exec works on linux, so these fail.
	{"compress/gzip", "Example_compressingReader", needsNetwork},
	{"context", "ExampleAfterFunc_connection", needsNetwork},
	{"os", "TestChdirAndGetwd", needsUsrBin},
	{"os", "TestExecutable", needsExec},
	{"os", "TestFileChdirTestlog", needsExec},
	{"os", "TestGetppid", needsExec},
	{"os", "TestKillFindProcess", needsExec},
	{"os", "TestKillStartProcess", needsExec},
	{"os", "TestLargeCopyViaNetwork", needsNetwork},
	{"os", "TestProcessWithHandleLinux", needsExec},
	{"os", "TestReadNonblockingFd", needsExec},
	{"os", "TestReaddirnamesOneAtATime", needsUsrBin},
	{"os", "TestSendFile", needsNetwork},
	{"os", "TestSpliceFile", needsNetwork},
	{"os", "TestStartProcess", needsExec},
	{"os", "TestStatStdin", needsExec},
	{"os", "TestStdPipe", needsExec},
	{"sync", "TestIssue76126", needsExec},
	{"sync", "TestMutexMisuse", needsExec},
}

// SkipsFor returns the table's entries for the package importPath.
func SkipsFor(importPath string) []Skip {
	var out []Skip
	for _, s := range stdSkips {
		if s.Package == importPath {
			out = append(out, s)
		}
	}
	return out
}

// SkipPattern returns the -test.skip regular expression matching exactly the
// given tests (at the top level), or "" for none.
func SkipPattern(skips []Skip) string {
	if len(skips) == 0 {
		return ""
	}
	names := make([]string, len(skips))
	for i, s := range skips {
		names[i] = s.Test
	}
	return "^(?:" + strings.Join(names, "|") + ")$"
}
