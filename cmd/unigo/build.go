package main

import (
	"fmt"
	"io"

	"github.com/unigo-os/unigo/internal/vmm"
)

const buildSynopsis = "[-o out.img] [--machine m] <package>"

// buildMain is `unigo build`: write a bootable PVH ELF image.
func buildMain(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("build", buildSynopsis, stderr)
	out := fs.String("o", "", "output image `file` (default <name>.img in the current directory)")
	// The image is the same for every machine today; the flag is checked
	// so scripts can state their target now.
	machine := choiceFlag{vmm.MachineMicrovm, vmm.Machines}
	fs.Var(&machine, "machine", "QEMU machine `type` the image is for: microvm, pc or q35 (one image boots on all three)")
	var verbose bool
	fs.BoolVar(&verbose, "verbose", false, "print the go commands unigo runs")
	fs.BoolVar(&verbose, "v", false, "same as --verbose")
	pos, extra, err := parseArgs(fs, args)
	if err != nil {
		return flagError(err, fs, buildSynopsis, stdout, stderr)
	}
	if len(pos) != 1 || extra != nil {
		printUsage(stderr, fs, buildSynopsis)
		fmt.Fprintf(stderr, "\nunigo build: want one package\n")
		return exitUsage
	}
	res, err := buildImage(pos[0], *out, false, verbose, stderr)
	if err != nil {
		return report(stderr, "build", err)
	}
	if verbose {
		fmt.Fprintf(stderr, "unigo: wrote %s (PVH entry %#x)\n", res.Image, res.Entry)
	}
	return 0
}
