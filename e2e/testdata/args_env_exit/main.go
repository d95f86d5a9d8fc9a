// Command args_env_exit checks that arguments and environment reach the program
// unchanged and that os.Exit(n) ends it with code n.
//
// Every argument is echoed as `arg[i]=<quoted>`. Arguments of these forms are
// also expectations:
//
//	argc=N     len(os.Args) must be N
//	env:K=V    os.Getenv(K) must be V (V may contain '=' and spaces)
//	unset:K    K must not be set at all
//	exit=N     after printing PASS, call os.Exit(N)
//
// Output ends with `PASS args_env_exit`, or `FAIL args_env_exit: reason` and exit 1.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

const name = "args_env_exit"

func main() {
	fmt.Printf("argc=%d\n", len(os.Args))
	if len(os.Args) == 0 || os.Args[0] == "" {
		fail("os.Args[0] is empty")
	}
	exitCode := -1
	var problems []string
	for i, a := range os.Args[1:] {
		fmt.Printf("arg[%d]=%q\n", i+1, a)
		switch {
		case strings.HasPrefix(a, "argc="):
			want, err := strconv.Atoi(strings.TrimPrefix(a, "argc="))
			if err != nil {
				fail("bad expectation " + a)
			}
			if len(os.Args) != want {
				problems = append(problems, fmt.Sprintf("len(os.Args)=%d, want %d", len(os.Args), want))
			}
		case strings.HasPrefix(a, "env:"):
			k, v, ok := strings.Cut(strings.TrimPrefix(a, "env:"), "=")
			if !ok {
				fail("bad expectation " + a)
			}
			got, set := os.LookupEnv(k)
			fmt.Printf("env %s=%q set=%v\n", k, got, set)
			if !set || got != v {
				problems = append(problems, fmt.Sprintf("$%s=%q (set=%v), want %q", k, got, set, v))
			}
		case strings.HasPrefix(a, "unset:"):
			k := strings.TrimPrefix(a, "unset:")
			if got, set := os.LookupEnv(k); set {
				problems = append(problems, fmt.Sprintf("$%s=%q is set, want unset", k, got))
			}
		case strings.HasPrefix(a, "exit="):
			n, err := strconv.Atoi(strings.TrimPrefix(a, "exit="))
			if err != nil {
				fail("bad expectation " + a)
			}
			exitCode = n
		}
	}
	if len(problems) > 0 {
		fail(strings.Join(problems, "; "))
	}
	fmt.Println("PASS " + name)
	if exitCode >= 0 {
		fmt.Printf("calling os.Exit(%d)\n", exitCode)
		os.Exit(exitCode)
	}
}

func fail(reason string) {
	fmt.Printf("FAIL %s: %s\n", name, reason)
	os.Exit(1)
}
