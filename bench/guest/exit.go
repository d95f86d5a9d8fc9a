package main

import "os"

// exit ends the program with code. Under unigo, os.Exit is exit_group, which
// the kernel turns into an isa-debug-exit write. As Linux's PID 1 the program
// must not simply exit (the kernel would panic): exitLinux drains the console
// and writes isa-debug-exit itself.
func exit(code int) {
	if side == "linux" {
		exitLinux(code)
	}
	os.Exit(code)
}
