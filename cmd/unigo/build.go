package main

import (
	"fmt"
	"io"
	"os"

	"github.com/unigo-os/unigo/internal/build"
	"github.com/unigo-os/unigo/internal/vmm"
)

const buildSynopsis = "[-o out.img] [--machine m] [--files HOSTDIR:GUESTPATH]... <package>"

// buildMain is `unigo build`: write a bootable PVH ELF image, and beside it
// its root file system as a tar archive (<image>.root.tar), which `unigo run
// <image>` passes to QEMU as -initrd.
func buildMain(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("build", buildSynopsis, stderr)
	out := fs.String("o", "", "output image `file` (default <name>.img in the current directory)")
	// The image is the same for every machine today; the flag is checked
	// so scripts can state their target now.
	machine := choiceFlag{vmm.MachineMicrovm, vmm.Machines}
	fs.Var(&machine, "machine", "QEMU machine `type` the image is for: microvm, pc or q35 (one image boots on all three)")
	var files filesFlag
	fs.Var(&files, "files", "pack host directory HOSTDIR read-only into the image's root at GUESTPATH (`HOSTDIR:GUESTPATH`, repeatable)")
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
	// --tmpfs is a run-time choice; the default /tmp is reserved here.
	mounts, err := resolveFiles(files, defaultTmpfsPath)
	if err != nil {
		return report(stderr, "build", err)
	}
	res, err := buildImage(pos[0], *out, false, verbose, stderr)
	if err != nil {
		return report(stderr, "build", err)
	}
	root := build.RootTarPath(res.Image)
	if err := packRoot(root, "", "", mounts, nil, nil, stderr); err != nil {
		os.Remove(res.Image)
		return report(stderr, "build", err)
	}
	if verbose {
		fmt.Fprintf(stderr, "unigo: wrote %s (PVH entry %#x) and its root file system %s\n", res.Image, res.Entry, root)
	}
	return 0
}
