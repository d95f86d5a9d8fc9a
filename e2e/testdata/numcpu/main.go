// Command numcpu prints runtime.NumCPU and GOMAXPROCS and checks that they
// agree and are at least 1. An optional argument is the expected CPU count.
//
// The last line is `PASS numcpu` or `FAIL numcpu: reason` (exit 1).
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
)

const name = "numcpu"

func main() {
	n, p := runtime.NumCPU(), runtime.GOMAXPROCS(0)
	fmt.Printf("NumCPU=%d GOMAXPROCS=%d\n", n, p)
	if n < 1 {
		fail(fmt.Sprintf("NumCPU=%d < 1", n))
	}
	if p != n {
		fail(fmt.Sprintf("GOMAXPROCS=%d, want NumCPU=%d", p, n))
	}
	if len(os.Args) > 1 {
		want, err := strconv.Atoi(os.Args[1])
		if err != nil {
			fail(fmt.Sprintf("bad expected count %q", os.Args[1]))
		}
		if n != want {
			fail(fmt.Sprintf("NumCPU=%d, want %d", n, want))
		}
	}
	fmt.Println("PASS " + name)
}

func fail(reason string) {
	fmt.Printf("FAIL %s: %s\n", name, reason)
	os.Exit(1)
}
