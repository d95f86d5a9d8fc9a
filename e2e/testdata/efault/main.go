// Command efault passes system calls pointers to memory it does not have and checks that
// each fails with EFAULT, as on Linux, and that the program carries on.
package main

import (
	"fmt"
	"os"
	"syscall"
)

func main() {
	const bad = 0x10 // page 0: never mapped
	checks := []struct {
		name string
		nr   uintptr
		args [4]uintptr
	}{
		{"uname", syscall.SYS_UNAME, [4]uintptr{bad}},
		{"clock_gettime", syscall.SYS_CLOCK_GETTIME, [4]uintptr{1, bad}},
		{"pipe2", syscall.SYS_PIPE2, [4]uintptr{bad, 0}},
		{"write", syscall.SYS_WRITE, [4]uintptr{1, bad, 8}},
		{"rt_sigaction", syscall.SYS_RT_SIGACTION, [4]uintptr{uintptr(syscall.SIGUSR1), bad, 0, 8}},
	}
	for _, c := range checks {
		_, _, errno := syscall.Syscall6(c.nr, c.args[0], c.args[1], c.args[2], c.args[3], 0, 0)
		if errno != syscall.EFAULT {
			fmt.Printf("FAIL efault: %s with a bad pointer: got errno %d (%v), want EFAULT\n", c.name, errno, errno)
			os.Exit(1)
		}
		fmt.Printf("%s: ok EFAULT\n", c.name)
	}
	fmt.Println("PASS efault")
}
