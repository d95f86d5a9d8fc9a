// Command hello is the smallest useful unigo program: it shows what the guest
// sees (arguments, environment, CPUs, platform) and exits with a chosen code.
//
// It is an ordinary Go program and prints the same on the host:
//
//	go run ./examples/hello a b                  # on the host
//	unigo run -e GREETING=hi ./examples/hello -- a b
//	unigo run -e EXIT_CODE=3 ./examples/hello    # exits 3
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
)

func main() {
	fmt.Println("Hello from unigo!")
	fmt.Printf("args: %q\n", os.Args[1:])
	if g, ok := os.LookupEnv("GREETING"); ok {
		fmt.Printf("GREETING: %s\n", g)
	}
	fmt.Printf("NumCPU: %d\n", runtime.NumCPU())
	fmt.Printf("GOMAXPROCS: %d\n", runtime.GOMAXPROCS(0))
	fmt.Printf("platform: %s/%s\n", runtime.GOOS, runtime.GOARCH)

	if s, ok := os.LookupEnv("EXIT_CODE"); ok {
		code, err := strconv.Atoi(s)
		if err != nil {
			fmt.Fprintf(os.Stderr, "hello: bad EXIT_CODE %q: %v\n", s, err)
			os.Exit(1)
		}
		fmt.Printf("exiting with %d\n", code)
		os.Exit(code)
	}
	// Returning from main exits 0.
}
