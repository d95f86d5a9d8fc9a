package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/unigo-os/unigo/internal/volume"
)

const (
	volumeSynopsis       = "create --size SIZE [--label NAME] <file> | info <file>"
	volumeCreateSynopsis = "--size SIZE [--label NAME] <file>"
)

// volumeMain is `unigo volume`: make a persistent volume (an ext2 image that `unigo run
// -v FILE:/path` mounts), or show what one holds.
func volumeMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, "usage: unigo volume %s\n", volumeSynopsis)
		return exitUsage
	}
	switch args[0] {
	case "create":
		return volumeCreate(args[1:], stdout, stderr)
	case "info":
		return volumeInfo(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprintf(stdout, "usage: unigo volume %s\n", volumeSynopsis)
		return 0
	}
	fmt.Fprintf(stderr, "unigo volume: unknown subcommand %q\nusage: unigo volume %s\n", args[0], volumeSynopsis)
	return exitUsage
}

func volumeCreate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("volume create", volumeCreateSynopsis, stderr)
	size := fs.String("size", "", "volume size, e.g. 512M, 1G, 20G (K, M, G, T: binary units; at least 8M)")
	label := fs.String("label", "", "volume label, up to 16 bytes")
	pos, extra, err := parseArgs(fs, args)
	if err != nil {
		return flagError(err, fs, volumeCreateSynopsis, stdout, stderr)
	}
	if len(pos) != 1 || extra != nil {
		printUsage(stderr, fs, volumeCreateSynopsis)
		fmt.Fprintf(stderr, "\nunigo volume create: want one file name\n")
		return exitUsage
	}
	if *size == "" {
		return report(stderr, "volume create", usagef("--size is required (e.g. --size 1G)"))
	}
	n, err := parseVolumeSize(*size)
	if err != nil {
		return report(stderr, "volume create", usagef("%v", err))
	}
	if err := volume.Create(pos[0], n, volume.Options{Label: *label}); err != nil {
		return report(stderr, "volume create", err)
	}
	fmt.Fprintf(stderr, "unigo: created %s: %s ext2 volume; mount it with `unigo run -v %s:/data ...`\n", pos[0], *size, pos[0])
	return 0
}

func volumeInfo(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(stderr, "usage: unigo volume info <file>\n")
		return exitUsage
	}
	in, err := volume.Inspect(args[0])
	if err != nil {
		return report(stderr, "volume info", err)
	}
	bs := uint64(in.BlockSize)
	fmt.Fprintf(stdout, "file:       %s\n", args[0])
	fmt.Fprintf(stdout, "format:     ext2, %d-byte blocks\n", in.BlockSize)
	fmt.Fprintf(stdout, "label:      %s\n", in.Label)
	fmt.Fprintf(stdout, "uuid:       %s\n", in.UUID)
	fmt.Fprintf(stdout, "size:       %d MiB, %d MiB free\n", uint64(in.Blocks)*bs>>20, uint64(in.FreeBlocks)*bs>>20)
	fmt.Fprintf(stdout, "inodes:     %d, %d free\n", in.Inodes, in.FreeInodes)
	state := "clean"
	if !in.Clean {
		state = "not cleanly unmounted (check it with e2fsck -f)"
	}
	fmt.Fprintf(stdout, "state:      %s\n", state)
	if in.Unsupported != "" {
		fmt.Fprintf(stdout, "unigo:      cannot mount it read-write: %s\n", in.Unsupported)
	}
	return 0
}

// parseVolumeSize reads a whole-number size with a binary unit (512M, 1G, 2T; "MiB" and
// "MB" mean the same); a bare number is bytes.
func parseVolumeSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	shift := 0
	if t != "" {
		switch t[len(t)-1] {
		case 'K':
			shift = 10
		case 'M':
			shift = 20
		case 'G':
			shift = 30
		case 'T':
			shift = 40
		}
		if shift != 0 {
			t = t[:len(t)-1]
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q (want a whole number with K, M, G or T, e.g. 1G)", s)
	}
	if n > (1<<62)>>shift {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return n << shift, nil
}
