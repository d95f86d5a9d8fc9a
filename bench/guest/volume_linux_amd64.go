package main

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// modulesDir holds the Linux side's kernel modules and their load order, one
// name a line in "order" (bench/modules.go writes both into the volume
// initramfs).
const modulesDir = "/lib/modules"

// loadModulesLinux loads the modules named in /lib/modules/order, in that
// order (each after its dependencies), with finit_module. A module the kernel
// already has (EEXIST) is fine.
func loadModulesLinux() error {
	b, err := os.ReadFile(modulesDir + "/order")
	if err != nil {
		return err
	}
	for _, m := range strings.Fields(string(b)) {
		f, err := os.Open(modulesDir + "/" + m + ".ko")
		if err != nil {
			return err
		}
		err = unix.FinitModule(int(f.Fd()), "", 0)
		f.Close()
		if err != nil && err != unix.EEXIST {
			return fmt.Errorf("finit_module %s: %v", m, err)
		}
	}
	return nil
}

// mountVolumeLinux loads the block modules, mounts devtmpfs at /dev (the
// initramfs has only /dev/console, and the cloud kernel does not mount
// devtmpfs itself), waits for dev to appear (virtio-blk probes as its module
// loads, but the disk node may come a moment later) and mounts it at dir as
// ext2, served by ext4 (CONFIG_EXT4_USE_FOR_EXT2) with default options: no
// journal, and fsync ends in a cache flush, which QEMU's cache=writeback turns
// into an fdatasync of the image on the host, as for unigo.
func mountVolumeLinux(dev, dir string) error {
	if err := loadModulesLinux(); err != nil {
		return err
	}
	if err := syscall.Mount("devtmpfs", "/dev", "devtmpfs", 0, ""); err != nil {
		return fmt.Errorf("mount devtmpfs at /dev: %v", err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; {
		if _, err := os.Stat(dev); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no %s 5 s after loading the modules", dev)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := syscall.Mount(dev, dir, "ext2", 0, ""); err != nil {
		return fmt.Errorf("mount %s at %s as ext2: %v", dev, dir, err)
	}
	return nil
}
