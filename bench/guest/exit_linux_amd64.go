package main

import (
	"fmt"
	"os"
	"syscall"
)

// outw writes v to I/O port port (exit_linux_amd64.s).
func outw(port uint16, v uint16)

// setupLinux does, as Linux's PID 1, what unigo's kernel does for the program
// before main: the network for workloads that need it, a tmpfs at /tmp of
// unigo's default size (64 MiB) for workloads that write files, so both sides
// measure the same medium, and the volume at /data for those that use one.
func setupLinux(w workload) error {
	if w.tmp {
		if err := os.MkdirAll("/tmp", 0o1777); err != nil {
			return err
		}
		if err := syscall.Mount("tmpfs", "/tmp", "tmpfs", 0, "size=64m"); err != nil {
			return fmt.Errorf("mount tmpfs at /tmp: %v", err)
		}
	}
	if w.vol {
		if err := mountVolumeLinux("/dev/vda", "/data"); err != nil {
			return fmt.Errorf("volume: %v", err)
		}
	}
	if w.net {
		// Debian's cloud kernel has the virtio drivers as modules: load
		// them and configure the address over netlink (net_linux_amd64.go).
		if err := netUpLinux(); err != nil {
			return fmt.Errorf("network: %v", err)
		}
	}
	return nil
}

// exitLinux leaves a Linux VM the way unigo leaves: wait until the serial
// console has sent everything (TCSBRK with arg 1 is tcdrain), then write the
// code to isa-debug-exit (port 0x501), after ioperm grants the port. QEMU
// exits with status (code<<1)|1.
func exitLinux(code int) {
	syscall.Syscall(syscall.SYS_IOCTL, 1, 0x5409 /* TCSBRK */, 1)
	if _, _, e := syscall.Syscall(syscall.SYS_IOPERM, 0x501, 2, 1); e != 0 {
		os.Stdout.WriteString("BENCH fail ioperm: " + e.Error() + "\n")
		syscall.Reboot(syscall.LINUX_REBOOT_CMD_POWER_OFF)
	}
	outw(0x501, uint16(code))
	select {} // QEMU is gone
}
