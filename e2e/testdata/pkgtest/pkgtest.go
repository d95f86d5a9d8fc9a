// Package pkgtest is a library whose tests read their package directory, as
// `go test` lets them: `unigo test` gives the guest that directory as its root
// file system and working directory. The tests pass on the host too.
package pkgtest

import "os"

// Greeting returns the contents of testdata/sub/greeting.txt.
func Greeting() (string, error) {
	b, err := os.ReadFile("testdata/sub/greeting.txt")
	return string(b), err
}
