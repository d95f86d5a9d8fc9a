package vmm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Exit codes unigo uses for outcomes other than the guest's own.
const (
	ExitQEMUFailed = 1   // QEMU did not start or died on its own
	ExitGuestReset = 125 // the guest reset (triple fault) without a marker
	ExitTimeout    = 124 // --timeout expired, as timeout(1)
	ExitNoQEMU     = 127 // the QEMU binary was not found, as a shell
)

// ExitError is an outcome other than "the guest reported its exit code". Msg
// is one line for the user (without the "unigo: " prefix); Detail, if set, is
// QEMU's own output and follows it.
type ExitError struct {
	Code   int
	Msg    string
	Detail string
}

func (e *ExitError) Error() string { return e.Msg }

// RunOptions are the host-side settings of one VM run.
type RunOptions struct {
	Stdout  io.Writer // the guest console, markers removed
	Stderr  io.Writer // QEMU's stderr under Verbose
	Verbose bool      // stream QEMU's stderr instead of keeping it for errors
	Timeout time.Duration
	// Stop, if set, delivers signals (SIGINT, SIGTERM) that end the VM.
	Stop <-chan os.Signal
	// Symbolize, if set, names the addresses of kernel fault reports on
	// the console (see PCAnnotator).
	Symbolize Symbolizer
}

// Run boots argv (from Command) and relays its console until it ends. It
// returns the guest's exit code when the guest reported one, and an
// *ExitError otherwise.
//
// QEMU runs in its own process group, so a Ctrl-C at the terminal reaches
// only unigo, which then stops QEMU; and it dies with unigo if unigo is killed.
func Run(argv []string, opts RunOptions) (int, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return ExitQEMUFailed, err
	}
	defer pr.Close()

	var stderr bytes.Buffer
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin = nil // /dev/null: QEMU must not take over the terminal
	cmd.Stdout = pw
	if opts.Verbose && opts.Stderr != nil {
		cmd.Stderr = io.MultiWriter(&stderr, opts.Stderr)
	} else {
		cmd.Stderr = &stderr
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		pw.Close()
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return ExitNoQEMU, &ExitError{Code: ExitNoQEMU, Msg: fmt.Sprintf("%s not found", argv[0])}
		}
		return ExitQEMUFailed, &ExitError{Code: ExitQEMUFailed, Msg: fmt.Sprintf("cannot start %s: %v", argv[0], err)}
	}
	pw.Close() // QEMU holds the only write end: EOF means QEMU is gone

	filter := &ExitFilter{W: opts.Stdout}
	var ann *PCAnnotator
	if opts.Symbolize != nil {
		ann = NewPCAnnotator(opts.Stdout, opts.Symbolize)
		filter.W = ann
	}
	relayed := make(chan struct{})
	go func() {
		io.Copy(filter, pr)
		filter.Flush()
		if ann != nil {
			ann.Flush()
		}
		close(relayed)
	}()
	exited := make(chan error, 1)
	go func() {
		<-relayed
		exited <- cmd.Wait()
	}()

	var timeout <-chan time.Time
	if opts.Timeout > 0 {
		t := time.NewTimer(opts.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	var stopped *ExitError
	select {
	case <-exited:
	case <-timeout:
		stopped = &ExitError{Code: ExitTimeout, Msg: "timeout after " + opts.Timeout.String()}
	case sig := <-opts.Stop:
		code := 128 + 2 // SIGINT by convention
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s)
		}
		stopped = &ExitError{Code: code, Msg: "stopped the VM on " + sigName(sig)}
	}
	if stopped != nil {
		stopQEMU(cmd, exited)
		return stopped.Code, stopped
	}
	if code, ok := filter.Code(); ok {
		return code, nil
	}
	return decodeStatus(cmd.ProcessState, stderr.String())
}

// stopQEMU ends QEMU: SIGTERM lets it exit cleanly, SIGKILL follows if it
// has not within a second. It returns once QEMU is reaped.
func stopQEMU(cmd *exec.Cmd, exited <-chan error) {
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
		return
	case <-time.After(time.Second):
	}
	cmd.Process.Kill()
	<-exited
}

// decodeStatus explains a QEMU exit that came without an exit marker.
//
// isa-debug-exit makes QEMU exit with (value<<1)|1, so an odd status is a
// guest exit whose marker got lost (7 bits of the code survive). Status 1 is
// also QEMU's own failure status; QEMU then says why on stderr. With
// -no-reboot a guest reset (a triple fault) ends QEMU with status 0.
//
// Our kernel always prints the marker before it powers off, so status 1
// without one is never success: it is QEMU failing (or a guest that wrote 0
// to isa-debug-exit without going through exit_group), and it is reported
// as an error with exit code 1.
func decodeStatus(ps *os.ProcessState, stderr string) (int, error) {
	detail := strings.TrimRight(stderr, "\n")
	status := ps.ExitCode()
	switch {
	case status < 0:
		return ExitQEMUFailed, &ExitError{Code: ExitQEMUFailed, Msg: "QEMU was killed: " + ps.String(), Detail: detail}
	case status == 0:
		return ExitGuestReset, &ExitError{Code: ExitGuestReset, Msg: "guest reset (triple fault?)", Detail: detail}
	case status == 1 && explainLockFailure(detail) != "":
		return ExitQEMUFailed, &ExitError{Code: ExitQEMUFailed, Msg: explainLockFailure(detail), Detail: detail}
	case status == 1 && detail != "":
		return ExitQEMUFailed, &ExitError{Code: ExitQEMUFailed, Msg: "QEMU failed", Detail: detail}
	case status == 1:
		return ExitQEMUFailed, &ExitError{Code: ExitQEMUFailed, Msg: "guest ended without an exit status (QEMU status 1)"}
	case status&1 == 1:
		code := status >> 1
		return code, &ExitError{Code: code, Msg: fmt.Sprintf("guest exited without status marker (QEMU status %d, exit code %d)", status, code), Detail: detail}
	}
	return ExitQEMUFailed, &ExitError{Code: ExitQEMUFailed, Msg: fmt.Sprintf("QEMU exited with status %d", status), Detail: detail}
}

func sigName(s os.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}
