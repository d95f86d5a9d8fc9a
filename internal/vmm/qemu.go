// Package vmm boots unigo images in QEMU: it builds the QEMU command line,
// encodes the program's arguments into the kernel command line, relays the
// serial console and turns the guest's exit marker into an exit code.
package vmm

import (
	"fmt"
	"strconv"
	"strings"
)

// Machine names accepted by --machine.
const (
	MachineMicrovm = "microvm"
	MachinePC      = "pc"
	MachineQ35     = "q35"
)

// Machines lists the accepted machine names, default first.
var Machines = []string{MachineMicrovm, MachinePC, MachineQ35}

// Accelerators.
const (
	AccelAuto = "auto"
	AccelKVM  = "kvm"
	AccelTCG  = "tcg"
)

// Guest devices the kernel relies on.
const (
	// DebugExitPort is isa-debug-exit's I/O port: writing n makes QEMU exit
	// with status (n<<1)|1. The kernel writes it in exit_group.
	DebugExitPort = 0x501
	// DefaultQEMU is looked up in PATH when --qemu is not given.
	DefaultQEMU = "qemu-system-x86_64"
)

// Config is one VM.
type Config struct {
	QEMU     string // QEMU binary (path or name)
	Machine  string // one of Machines
	Accel    string // AccelKVM or AccelTCG (resolved, not auto)
	MemBytes uint64 // guest RAM, a whole number of MiB
	CPUs     int
	Image    string // the PVH ELF image
	Cmdline  string // kernel command line (EncodeCmdline)
	// Initrd, if set, is a tar archive QEMU loads as the PVH boot module;
	// the kernel serves it as the read-only root file system.
	Initrd string
	// Net is the guest's network device and configuration (none when Mode is "").
	Net Net
	// Volumes are block devices, in the order of their unigo.vol kernel options
	// (VolumeOptions); Command adds the options itself.
	Volumes []Volume
}

// Command returns QEMU's argv for cfg. It is the only place a QEMU command
// line is built; --verbose prints exactly this.
//
// The console is the first serial port on a stdio chardev. unigo gives QEMU
// a pipe for stdout and /dev/null for stdin, so QEMU never touches the
// terminal's modes and Ctrl-C reaches unigo, which stops the VM.
//
// "-display none", not -nographic: with -nographic QEMU tells SeaBIOS (pc,
// q35) to use the serial port as its console, and SeaBIOS then writes a
// terminal reset and its banner into the program's output.
func Command(cfg Config) ([]string, error) {
	machine, err := machineArg(cfg.Machine)
	if err != nil {
		return nil, err
	}
	cpu := "max"
	switch cfg.Accel {
	case AccelKVM:
		cpu = "host"
	case AccelTCG:
	default:
		return nil, fmt.Errorf("accelerator %q must be resolved to %s or %s", cfg.Accel, AccelKVM, AccelTCG)
	}
	if cfg.MemBytes == 0 || cfg.MemBytes%MiB != 0 {
		return nil, fmt.Errorf("memory size %d is not a whole number of MiB", cfg.MemBytes)
	}
	if cfg.CPUs < 1 {
		return nil, fmt.Errorf("cpu count %d must be at least 1", cfg.CPUs)
	}
	if cfg.Image == "" {
		return nil, fmt.Errorf("no image")
	}
	if err := cfg.Net.Check(); err != nil {
		return nil, err
	}
	if len(cfg.Volumes) > MaxVolumes {
		return nil, fmt.Errorf("%d volumes; the kernel drives at most %d", len(cfg.Volumes), MaxVolumes)
	}
	cmdline := cfg.Cmdline
	// Kernel options may follow the program's tokens (docs/cmdline.md).
	if o := append(cfg.Net.KernelOptions(), VolumeOptions(cfg.Volumes)...); len(o) > 0 {
		cmdline += " " + strings.Join(o, " ")
	}

	qemu := cfg.QEMU
	if qemu == "" {
		qemu = DefaultQEMU
	}
	accel := cfg.Accel
	if accel == AccelTCG && cfg.CPUs > 1 {
		accel += ",thread=multi" // one host thread per vCPU, so the vCPUs really run in parallel
	}
	argv := []string{
		qemu,
		"-M", machine,
		"-accel", accel,
		"-cpu", cpu,
		"-m", strconv.FormatUint(cfg.MemBytes/MiB, 10) + "M",
		"-smp", strconv.Itoa(cfg.CPUs),
		"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
		"-chardev", "stdio,id=con,signal=off",
		"-serial", "chardev:con",
		"-device", fmt.Sprintf("isa-debug-exit,iobase=%#x,iosize=2", DebugExitPort),
		"-kernel", cfg.Image,
		"-append", cmdline,
	}
	argv = append(argv, deviceArgs(cfg.Machine)...)
	argv = append(argv, cfg.Net.qemuArgs(cfg.Machine)...)
	argv = append(argv, volumeArgs(cfg.Machine, cfg.Volumes)...)
	if cfg.Initrd != "" {
		argv = append(argv, "-initrd", cfg.Initrd)
	}
	return argv, nil
}

// deviceArgs returns the virtio devices every VM gets: virtio-rng, so getrandom has host
// entropy on any CPU model. On microvm they are virtio-mmio devices, made modern
// (version 2, the only kind the kernel drives) with force-legacy=false.
func deviceArgs(machine string) []string {
	if machine == MachineMicrovm {
		return []string{"-global", "virtio-mmio.force-legacy=false", "-device", "virtio-rng-device"}
	}
	return []string{"-device", "virtio-rng-pci"}
}

// machineArg returns the -M value. microvm runs with ACPI off so that QEMU
// describes virtio-mmio devices on the kernel command line
// (virtio_mmio.device=...) instead of in an ACPI table.
func machineArg(m string) (string, error) {
	switch m {
	case MachineMicrovm:
		return "microvm,acpi=off", nil
	case MachinePC, MachineQ35:
		return m, nil
	}
	return "", fmt.Errorf("unknown machine %q (want %s)", m, strings.Join(Machines, ", "))
}

// ShellQuote renders argv as one line a POSIX shell reads back as argv.
func ShellQuote(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = shellQuoteOne(a)
	}
	return strings.Join(q, " ")
}

func shellQuoteOne(s string) string {
	if s == "" {
		return "''"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("@%+=:,./_-", c) >= 0) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
