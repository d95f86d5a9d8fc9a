// Package checks runs the named checks of an e2e guest program and prints the lines the e2e
// tests read: "<check>: ok <detail>" or "<check>: FAILED <error>" for each, then
// "PASS <program>", or "FAIL <program>: <failed checks>" and exit status 1.
package checks

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// A Check is one named behaviour a program proves.
type Check struct {
	Name string
	Run  func() (detail string, err error)
}

// Main runs the checks named in want, in table order; with none named it runs all but the
// opt-in ones. An unknown name fails the program before anything runs.
func Main(program string, want []string, table []Check, optIn ...string) {
	for _, w := range want {
		if !slices.ContainsFunc(table, func(c Check) bool { return c.Name == w }) {
			fmt.Printf("FAIL %s: unknown check %q\n", program, w)
			os.Exit(1)
		}
	}
	var failed []string
	for _, c := range table {
		if len(want) == 0 && slices.Contains(optIn, c.Name) || len(want) > 0 && !slices.Contains(want, c.Name) {
			continue
		}
		detail, err := c.Run()
		if err != nil {
			fmt.Printf("%s: FAILED %v\n", c.Name, err)
			failed = append(failed, c.Name)
			continue
		}
		fmt.Printf("%s: ok %s\n", c.Name, detail)
	}
	if len(failed) > 0 {
		fmt.Printf("FAIL %s: %s\n", program, strings.Join(failed, ", "))
		os.Exit(1)
	}
	fmt.Println("PASS " + program)
}

// WaitTimeout waits for wg for at most d and reports whether it finished.
func WaitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// failed records that Report saw a problem.
var failed bool

// Report prints the outcome of one check whose problems were collected in an Expect:
// "<name>: ok <details>" when there were none, else "<name>: FAILED <problems>".
func Report(name string, problems []string, details string) {
	if len(problems) == 0 {
		fmt.Printf("%s: ok %s\n", name, details)
		return
	}
	failed = true
	fmt.Printf("%s: FAILED %s\n", name, strings.Join(problems, "; "))
}

// Failed reports whether any Report so far had problems.
func Failed() bool { return failed }

// Expect collects the problems of one check.
type Expect []string

// That records a problem, formatted like fmt.Sprintf, unless ok.
func (p *Expect) That(ok bool, format string, args ...any) {
	if !ok {
		*p = append(*p, fmt.Sprintf(format, args...))
	}
}
