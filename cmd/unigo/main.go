// Command unigo builds Go programs into unigo images and boots them in QEMU.
//
//	unigo build [-o out.img] [--machine m] [--files HOSTDIR:GUESTPATH]... <package>
//	unigo run [flags] <package|image.img> [-- args...]
//	unigo test [flags] <package> [-- test flags]
//	unigo volume create --size SIZE <file> | unigo volume info <file>
//	unigo version
//
// Standard output carries only the guest's console; unigo's own messages go
// to standard error, prefixed "unigo: ".
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/unigo-os/unigo/internal/vmm"
)

// Exit codes of unigo itself; the guest's own codes pass through unchanged.
const (
	exitFailure = 1 // build failed, bad image, QEMU failed
	exitUsage   = 2 // bad command line
)

const usage = `usage:
  unigo build [-o out.img] [--machine m] [--files HOSTDIR:GUESTPATH]... <package>
  unigo run [flags] <package|image.img> [-- args...]
  unigo test [flags] <package> [-- test flags]
  unigo volume create --size SIZE [--label NAME] <file>
  unigo volume info <file>
  unigo version

Run "unigo <command> -h" for a command's flags.
`

// command is one subcommand: it gets its arguments and returns the exit code.
type command struct {
	name string
	run  func(args []string, stdout, stderr io.Writer) int
}

var commands = []command{
	{"build", buildMain},
	{"run", runMain},
	{"test", testMain},
	{"volume", volumeMain},
	{"version", versionMain},
}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "unigo: unknown command %q\n%s", args[0], usage)
	return exitUsage
}

// usageError is a bad command line: its message is printed with a hint.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// report prints err as unigo's message and returns the exit code for it.
func report(stderr io.Writer, cmd string, err error) int {
	var ue *usageError
	var ee *vmm.ExitError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "unigo %s: %s\nRun \"unigo %s -h\" for usage.\n", cmd, ue.msg, cmd)
		return exitUsage
	case errors.As(err, &ee):
		fmt.Fprintf(stderr, "unigo: %s\n", ee.Msg)
		if ee.Detail != "" {
			fmt.Fprintln(stderr, strings.TrimRight(ee.Detail, "\n"))
		}
		return ee.Code
	}
	fmt.Fprintf(stderr, "unigo: %v\n", err)
	return exitFailure
}
