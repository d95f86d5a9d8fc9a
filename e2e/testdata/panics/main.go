// Command panics checks that hardware faults become Go panics that recover()
// catches: a nil pointer dereference (a page fault delivered as SIGSEGV), an
// integer division by zero (#DE delivered as SIGFPE) and a slice bounds
// failure (a pure runtime check, for comparison).
//
// Usage: panics [crash|crash-nil]
//
//	(none)     run the recoverable checks; last line `PASS panics`
//	crash      then panic("deliberate crash") unrecovered: Go prints the
//	           stack trace and exits 2
//	crash-nil  then dereference nil unrecovered: Go prints
//	           "[signal SIGSEGV: segmentation violation ...]", the trace, and exits 2
package main

import (
	"fmt"
	"os"
	"strings"
)

const name = "panics"

type point struct{ x, y int }

// Globals the compiler cannot see through, so the faults happen at run time.
var (
	nilPoint *point
	zero     = 0
	ints     = []int{1, 2, 3}
	high     = 5
)

// recovered runs f and returns the message of the panic it raised.
func recovered(f func()) (msg string, isRuntimeError bool) {
	defer func() {
		r := recover()
		if r == nil {
			msg = "<no panic>"
			return
		}
		_, isRuntimeError = r.(interface{ RuntimeError() })
		msg = fmt.Sprint(r)
	}()
	f()
	return "<no panic>", false
}

func main() {
	cases := []struct {
		check string
		f     func()
		want  string
	}{
		{"nil", func() { fmt.Println(nilPoint.y) }, "invalid memory address or nil pointer dereference"},
		{"divide", func() { fmt.Println(high / zero) }, "integer divide by zero"},
		{"slice", func() { fmt.Println(ints[high:]) }, "slice bounds out of range"},
		// A second nil dereference checks that the first signal returned
		// cleanly (sigreturn restored the thread) and signals keep working.
		{"nil-again", func() { nilPoint.x = 1 }, "invalid memory address or nil pointer dereference"},
	}
	var failed []string
	for _, c := range cases {
		msg, rt := recovered(c.f)
		if !strings.Contains(msg, c.want) || !rt {
			fmt.Printf("%s: FAILED recovered %q (runtime.Error=%v), want a runtime.Error containing %q\n", c.check, msg, rt, c.want)
			failed = append(failed, c.check)
			continue
		}
		fmt.Printf("%s: ok recovered %q\n", c.check, msg)
	}
	if len(failed) > 0 {
		fmt.Printf("FAIL %s: %s\n", name, strings.Join(failed, ", "))
		os.Exit(1)
	}
	fmt.Println("PASS " + name)

	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "crash":
			fmt.Println("panicking on purpose")
			panic("deliberate crash")
		case "crash-nil":
			fmt.Println("dereferencing nil on purpose")
			fmt.Println(nilPoint.x)
		default:
			fmt.Printf("FAIL %s: unknown argument %q\n", name, os.Args[1])
			os.Exit(1)
		}
	}
}
