package e2e

import (
	"fmt"
	"testing"
)

// helloLines is what examples/hello prints after its first line for these
// arguments and GREETING, up to the CPU counts.
func helloHead(args string, greeting string) []string {
	l := []string{"Hello from unigo!", "args: " + args}
	if greeting != "" {
		l = append(l, "GREETING: "+greeting)
	}
	return l
}

// wantHello checks examples/hello's whole output: the fixed lines, and
// GOMAXPROCS equal to NumCPU.
func wantHello(t *testing.T, r *result, args, greeting string) {
	t.Helper()
	want := append(helloHead(args, greeting), "platform: linux/amd64")
	wantLines(t, r, want...)
	n := wantMatch(t, r, `^NumCPU: (\d+)$`)
	p := wantMatch(t, r, `^GOMAXPROCS: (\d+)$`)
	if n != nil && p != nil && n[1] != p[1] {
		r.dump(t)
		t.Errorf("GOMAXPROCS: got %s, want NumCPU (%s)", p[1], n[1])
	}
}

func TestHelloPrintsArgsAndEnv(t *testing.T) {
	requireQEMU(t)
	r := unigo(t, opts{}, runArgs([]string{"-e", "GREETING=hi there"}, "./examples/hello", "arg1", "arg two")...)
	wantExit(t, r, 0)
	wantHello(t, r, `["arg1" "arg two"]`, "hi there")
}

func TestArgsAndEnvReachProgramUnchanged(t *testing.T) {
	requireQEMU(t)
	cases := []struct {
		name string
		env  []string // -e values
		args []string
	}{
		{
			name: "ordinary",
			env:  []string{"FOO=bar", "EMPTY="},
			args: []string{"one", "--not-a-flag", "-e", "k=v", "env:FOO=bar", "env:EMPTY=", "unset:UNIGO_SURELY_UNSET"},
		},
		{
			name: "awkward",
			env:  []string{"MSG=a=b c 'd' \"e\" \\f", "UNI=héllo wörld ✓"},
			args: []string{"with space", "", "'single'", `"double"`, `back\slash`, "tab\there", "ünïcödé ✓", "$HOME", "*", ";", "env:MSG=a=b c 'd' \"e\" \\f", "env:UNI=héllo wörld ✓"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var flags []string
			for _, e := range c.env {
				flags = append(flags, "-e", e)
			}
			args := append(append([]string{}, c.args...), fmt.Sprint("argc=", len(c.args)+2))
			r := runProg(t, opts{}, "args_env_exit", flags, args...)
			var want []string
			want = append(want, fmt.Sprintf("argc=%d", len(args)+1))
			for i, a := range args {
				want = append(want, fmt.Sprintf("arg[%d]=%q", i+1, a))
			}
			want = append(want, "PASS args_env_exit")
			wantLines(t, r, want...)
			wantPass(t, r, "args_env_exit")
		})
	}
}

func TestExitCodePropagates(t *testing.T) {
	requireQEMU(t)
	for _, code := range []int{0, 3, 42, 200} {
		t.Run(fmt.Sprintf("os.Exit(%d)", code), func(t *testing.T) {
			t.Parallel()
			r := runProg(t, opts{}, "args_env_exit", nil, fmt.Sprintf("exit=%d", code))
			wantLines(t, r, "PASS args_env_exit", fmt.Sprintf("calling os.Exit(%d)", code))
			wantExit(t, r, code)
		})
	}
	t.Run("return from main", func(t *testing.T) {
		t.Parallel()
		r := unigo(t, opts{}, runArgs(nil, "./examples/hello")...)
		wantHello(t, r, "[]", "")
		wantExit(t, r, 0)
	})
	t.Run("EXIT_CODE=7 from the environment", func(t *testing.T) {
		t.Parallel()
		r := unigo(t, opts{}, runArgs([]string{"-e", "EXIT_CODE=7"}, "./examples/hello")...)
		wantLines(t, r, "Hello from unigo!", "exiting with 7")
		wantExit(t, r, 7)
	})
}
