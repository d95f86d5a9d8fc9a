package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/unigo-os/unigo"
	"github.com/unigo-os/unigo/internal/build"
)

// versionMain is `unigo version`: the CLI's version, the Go toolchain it
// was built with and the hash of the kernel sources it carries (the name of
// their extracted copy).
func versionMain(args []string, stdout, stderr io.Writer) int {
	if len(args) != 0 {
		fmt.Fprintln(stderr, "usage: unigo version")
		return exitUsage
	}
	version := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				version += " " + s.Value[:12]
			}
		}
	}
	src, err := build.SourceHash(unigo.Source)
	if err != nil {
		src = "unreadable: " + err.Error()
	}
	fmt.Fprintf(stdout, "unigo %s %s kernel-src %s\n", version, runtime.Version(), src)
	return 0
}
