// Command enosys calls a system call that unigo does not implement, twice,
// and checks that it fails with ENOSYS both times instead of pretending to
// succeed. The kernel reports it once on the console, by name.
//
// getpmsg(2) (181 on amd64) is used because Linux itself answers it with
// ENOSYS (it was never implemented), so the program prints the same on the
// host: Linux is the oracle.
//
// The last line is `PASS enosys` or `FAIL enosys: reason` (exit 1).
package main

import (
	"fmt"
	"os"
	"syscall"
)

const name = "enosys"

func main() {
	for i := 1; i <= 2; i++ {
		r, _, errno := syscall.Syscall6(syscall.SYS_GETPMSG, 0, 0, 0, 0, 0, 0)
		fmt.Printf("call %d: getpmsg(181) = %d, errno %d (%v)\n", i, int64(r), uintptr(errno), errno)
		if errno != syscall.ENOSYS {
			fail(fmt.Sprintf("call %d: errno %d (%v), want ENOSYS (%d)", i, uintptr(errno), errno, uintptr(syscall.ENOSYS)))
		}
		if int64(r) != -1 {
			fail(fmt.Sprintf("call %d: returned %d, want -1", i, int64(r)))
		}
	}
	fmt.Println("PASS " + name)
}

func fail(reason string) {
	fmt.Printf("FAIL %s: %s\n", name, reason)
	os.Exit(1)
}
