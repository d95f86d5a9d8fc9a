package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// defaultTimeout is passed to every `unigo run` that does not set its own:
// a broken guest ends with exit code 124 instead of hanging the suite.
const defaultTimeout = "120s"

// guard is how long the harness waits for the CLI itself before killing it
// (and its QEMU): longer than defaultTimeout plus a build.
const guard = 4 * time.Minute

// exitTimeout is the CLI's exit code when --timeout expires.
const exitTimeout = 124

// qemuSlots limits the QEMUs running at once to the machine's two cores.
var qemuSlots = newSlots(2)

// slots is a counting semaphore where a big request (all slots) is not
// starved by a stream of small ones.
type slots struct {
	mu         sync.Mutex
	cond       *sync.Cond
	free       int
	bigWaiting int
}

func newSlots(n int) *slots {
	s := &slots{free: n}
	s.cond = sync.NewCond(&s.mu)
	return s
}

func (s *slots) acquire(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n > 1 {
		s.bigWaiting++
		defer func() { s.bigWaiting-- }()
	}
	for s.free < n || (n == 1 && s.bigWaiting > 0) {
		s.cond.Wait()
	}
	s.free -= n
}

func (s *slots) release(n int) {
	s.mu.Lock()
	s.free += n
	s.mu.Unlock()
	s.cond.Broadcast()
}

// opts tune one invocation.
type opts struct {
	exclusive bool     // hold every QEMU slot: for tests that measure time
	noVM      bool     // the command must not start a VM: take no slot
	env       []string // extra environment for the command (K=V)
}

// result is what one command did.
type result struct {
	argv    []string
	stdout  string
	stderr  string
	code    int // exit code; -1 if killed by a signal
	elapsed time.Duration
	logged  bool
}

// console is everything the command printed: the guest's serial console
// (stdout) followed by the CLI's own messages (stderr), with CRs dropped.
func (r *result) console() string {
	return strings.ReplaceAll(r.stdout+r.stderr, "\r", "")
}

func (r *result) lines() []string {
	return strings.Split(r.console(), "\n")
}

// dump logs the full command and console once per result, so a failure shows
// everything the guest said.
func (r *result) dump(t *testing.T) {
	t.Helper()
	if r.logged {
		return
	}
	r.logged = true
	t.Logf("command: %s\nexit code: %d after %v\n--- stdout ---\n%s\n--- stderr ---\n%s\n--- end ---",
		shellJoin(r.argv), r.code, r.elapsed.Round(time.Millisecond), r.stdout, r.stderr)
}

// unigo runs the CLI with args in the repository root.
func unigo(t *testing.T, o opts, args ...string) *result {
	t.Helper()
	requireCLI(t)
	return command(t, o, unigoBin, args...)
}

// command runs one program to completion, bounded by guard.
func command(t *testing.T, o opts, name string, args ...string) *result {
	t.Helper()
	switch {
	case o.noVM:
	case o.exclusive:
		qemuSlots.acquire(2)
		defer qemuSlots.release(2)
	default:
		qemuSlots.acquire(1)
		defer qemuSlots.release(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), o.env...)
	cmd.Stdin = nil
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// Kill the whole process group: the CLI's QEMU must not outlive it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second

	r := &result{argv: append([]string{name}, args...)}
	start := time.Now()
	err := cmd.Run()
	r.elapsed = time.Since(start)
	r.stdout, r.stderr = stdout.String(), stderr.String()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		r.code = 0
	case errors.As(err, &exitErr):
		r.code = exitErr.ExitCode()
	default:
		r.dump(t)
		t.Fatalf("running %s: %v", name, err)
	}
	if ctx.Err() != nil {
		r.dump(t)
		t.Fatalf("%s did not finish within %v and was killed (its own timeout did not work)", name, guard)
	}
	// Leave no QEMU behind even if the CLI exited early.
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if testing.Verbose() {
		r.dump(t)
	}
	return r
}

// runArgs builds `unigo run` arguments: run [--timeout 120s] flags target [-- progArgs].
func runArgs(flags []string, target string, progArgs ...string) []string {
	args := []string{"run"}
	hasTimeout := false
	for _, f := range flags {
		if f == "--timeout" || strings.HasPrefix(f, "--timeout=") {
			hasTimeout = true
		}
	}
	if !hasTimeout {
		args = append(args, "--timeout", defaultTimeout)
	}
	args = append(args, flags...)
	args = append(args, target)
	if len(progArgs) > 0 {
		args = append(args, "--")
		args = append(args, progArgs...)
	}
	return args
}

// runProg boots ./e2e/testdata/<prog> with flags and program arguments.
func runProg(t *testing.T, o opts, prog string, flags []string, progArgs ...string) *result {
	t.Helper()
	requireQEMU(t)
	return unigo(t, o, runArgs(flags, "./e2e/testdata/"+prog, progArgs...)...)
}

// wantExit checks the exit code.
func wantExit(t *testing.T, r *result, want int) {
	t.Helper()
	if r.code != want {
		r.dump(t)
		t.Errorf("exit code: got %d, want %d%s", r.code, want, exitHint(r.code))
	}
}

// exitHint explains exit codes with a meaning of their own.
func exitHint(code int) string {
	switch code {
	case exitTimeout:
		return " (124: unigo run --timeout expired, the guest hung)"
	case 125:
		return " (125: kernel fault, see the report in the console)"
	case 2:
		return " (2: the Go program panicked or the runtime threw)"
	}
	return ""
}

// wantLines checks that each line appears exactly, in this order, in the
// console (other lines, such as kernel messages, may come in between).
func wantLines(t *testing.T, r *result, want ...string) {
	t.Helper()
	got := r.lines()
	i := 0
	for _, w := range want {
		found := false
		for ; i < len(got); i++ {
			if got[i] == w {
				found = true
				i++
				break
			}
		}
		if !found {
			r.dump(t)
			t.Errorf("console is missing line %q (or it is out of order)\nwant lines, in order:\n  %s",
				w, strings.Join(quoteAll(want), "\n  "))
			return
		}
	}
}

// wantMatch checks that some console line matches the regular expression,
// and returns its submatches.
func wantMatch(t *testing.T, r *result, expr string) []string {
	t.Helper()
	re := regexp.MustCompile(expr)
	for _, l := range r.lines() {
		if m := re.FindStringSubmatch(l); m != nil {
			return m
		}
	}
	r.dump(t)
	t.Errorf("no console line matches %q", expr)
	return nil
}

// wantContains checks that the console contains s.
func wantContains(t *testing.T, r *result, s string) {
	t.Helper()
	if !strings.Contains(r.console(), s) {
		r.dump(t)
		t.Errorf("console does not contain %q", s)
	}
}

// wantPass checks the test program's verdict: exit 0, `PASS <prog>` and no
// FAIL line. The FAIL lines are quoted in the error, as the reason.
func wantPass(t *testing.T, r *result, prog string) {
	t.Helper()
	var fails []string
	pass := false
	for _, l := range r.lines() {
		if strings.HasPrefix(l, "FAIL ") || strings.Contains(l, ": FAILED ") {
			fails = append(fails, l)
		}
		if l == "PASS "+prog {
			pass = true
		}
	}
	if len(fails) > 0 || !pass || r.code != 0 {
		r.dump(t)
		t.Errorf("%s did not pass: exit code %d%s, PASS line present: %v, failures:\n  %s",
			prog, r.code, exitHint(r.code), pass, strings.Join(fails, "\n  "))
	}
}

// wantCheckOK checks that the program printed `<check>: ok ...` and returns
// the details after "ok ".
func wantCheckOK(t *testing.T, r *result, check string) string {
	t.Helper()
	prefix := check + ": "
	for _, l := range r.lines() {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			if d, ok := strings.CutPrefix(rest, "ok "); ok {
				t.Logf("%s: %s", check, d)
				return d
			}
			r.dump(t)
			t.Errorf("check %s: got %q, want %q", check, l, prefix+"ok ...")
			return ""
		}
	}
	r.dump(t)
	t.Errorf("check %s never reported (no line starting %q)", check, prefix)
	return ""
}

func quoteAll(ss []string) []string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return q
}

// shellJoin renders argv so it can be pasted into a shell.
func shellJoin(argv []string) string {
	var b strings.Builder
	for i, a := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@") == "" {
			b.WriteString(a)
		} else {
			b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
		}
	}
	return b.String()
}
