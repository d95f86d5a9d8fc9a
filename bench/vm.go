package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// A side is one way of running the guest program.
type side struct {
	name   string // "unigo" or "linux"
	kernel string // -kernel file
	initrd string // -initrd file, or ""
	// netKernel and netInitrd boot the network workloads (Workload.Net):
	// the guest built with -tags benchnet, and on Linux an initramfs with
	// the virtio modules.
	netKernel, netInitrd string
	// volInitrd boots the volume workloads (Workload.Volume): on unigo the
	// root archive with the mount point /data (what `unigo run -v` packs),
	// on Linux an initramfs with the virtio_blk modules.
	volInitrd string
	cmdline   func(w Workload) string
}

// VM is one running QEMU, as a workload's Drive sees it.
type VM struct {
	Side string
	Mem  int // MiB
	// Start is when QEMU was started.
	Start time.Time
	// HostPort is the host end (127.0.0.1) of the port forward to the
	// guest's httpdGuestPort, for workloads with Net.
	HostPort int
	// Lines receives the guest's console lines after the first one.
	Lines <-chan string
}

// Run is one finished VM run.
type Run struct {
	Side      string
	Workload  string // Workload.ID
	CPUs      int
	Mem       int
	FirstLine time.Duration // QEMU start -> the program's first line
	Exit      time.Duration // QEMU start -> QEMU exited
	Status    int           // QEMU exit status (1 = guest exit code 0)
	TimedOut  bool
	// DriveFailed says Drive returned an error (for httpd: no answer to a
	// request within its timeout); the VM was then killed at once.
	DriveFailed bool
	Passed      bool // "BENCH done" seen and guest exit code 0
	Metrics     map[string]float64
	Samples     []Sample // from Drive
	Output      string
}

// qemuArgs is the part of the QEMU command line both sides share. With more
// than one vCPU under TCG both sides get multi-threaded TCG, as `unigo run
// --cpus N` does (internal/vmm: Command), so the vCPUs really run in
// parallel on the host's cores.
func (s *suite) qemuArgs(mem, cpus int) []string {
	return s.qemuArgsMachine(s.machine, mem, cpus)
}

// deviceMachine is the -M value for a VM with virtio devices on side sd:
// unigo finds virtio-mmio devices only on the kernel command line, where QEMU
// puts them on microvm with acpi=off (as `unigo run` boots, internal/vmm:
// machineArg); Linux keeps microvm's ACPI tables, where it finds both the
// vCPUs and the virtio-mmio devices. pc and q35 are the same on both sides.
func (s *suite) deviceMachine(sd string) string {
	if s.machine == "microvm" && sd == "unigo" {
		return "microvm,acpi=off"
	}
	return s.machine
}

// netArgs are the extra QEMU arguments of a network workload on side sd:
// the machine (deviceMachine), modern virtio-mmio, and a user-network
// virtio-net with a port forward from 127.0.0.1:hostPort to the guest's
// httpdGuestPort. The same device as `unigo run -p` (internal/vmm:
// Net.qemuArgs).
func (s *suite) netArgs(sd string, hostPort int) (machine string, args []string) {
	dev := "virtio-net-pci,netdev=n0"
	if s.machine == "microvm" {
		dev = "virtio-net-device,netdev=n0"
	}
	return s.deviceMachine(sd), []string{"-global", "virtio-mmio.force-legacy=false",
		"-netdev", fmt.Sprintf("user,id=n0,hostfwd=tcp:127.0.0.1:%d-:%d", hostPort, httpdGuestPort),
		"-device", dev}
}

// volumeArgs are the extra QEMU arguments of a volume workload on side sd:
// the machine (deviceMachine), modern virtio-mmio, and image as a raw
// virtio-blk disk with the -drive options of `unigo run -v` (internal/vmm:
// volumeArgs; TestVolumeArgsMatchUnigoRun checks they agree), on both sides.
// cache=writeback: guest writes land in the host's page cache, and a guest
// flush (fsync on either side) is an fdatasync of the image on the host.
func (s *suite) volumeArgs(sd, image string) (machine string, args []string) {
	dev := "virtio-blk-pci"
	if s.machine == "microvm" {
		dev = "virtio-blk-device"
	}
	return s.deviceMachine(sd), []string{"-global", "virtio-mmio.force-legacy=false",
		"-drive", "file=" + strings.ReplaceAll(image, ",", ",,") + ",if=none,id=vol0,format=raw,cache=writeback",
		"-device", dev + ",drive=vol0"}
}

func (s *suite) qemuArgsMachine(m string, mem, cpus int) []string {
	// microvm with its ACPI tables: Linux finds the vCPUs other than the
	// first only in the ACPI MADT (microvm has no MP table), so with
	// acpi=off a Linux VM with -smp 4 runs on one CPU. unigo's kernel takes
	// the count from unigo.cpus and ignores ACPI, and needs no virtio-mmio
	// device here, so both sides use the same machine.
	cpu := "max"
	if s.accel == "kvm" {
		cpu = "host"
	}
	accel := s.accel
	if accel == "tcg" && cpus > 1 {
		accel += ",thread=multi"
	}
	return []string{"-M", m, "-accel", accel, "-cpu", cpu, "-m", strconv.Itoa(mem) + "M", "-smp", strconv.Itoa(cpus),
		"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
		"-chardev", "stdio,id=con,signal=off", "-serial", "chardev:con",
		"-device", "isa-debug-exit,iobase=0x501,iosize=2"}
}

// runOnce boots sd with workload w in mem MiB and waits for QEMU to exit or
// the workload's timeout.
func (s *suite) runOnce(sd *side, w Workload, mem int) (*Run, error) {
	kernel, initrd := sd.kernel, sd.initrd
	argv := s.qemuArgs(mem, w.CPUs())
	hostPort := 0
	if w.Net() {
		if sd.netKernel == "" {
			return nil, errors.New(w.ID() + ": no network build of the guest on " + sd.name)
		}
		kernel, initrd = sd.netKernel, sd.netInitrd
		var err error
		if hostPort, err = freePort(); err != nil {
			return nil, err
		}
		m, extra := s.netArgs(sd.name, hostPort)
		argv = append(s.qemuArgsMachine(m, mem, w.CPUs()), extra...)
	}
	if size := w.Volume(); size > 0 {
		if w.Net() {
			return nil, errors.New(w.ID() + ": a workload has a network or a volume, not both")
		}
		if sd.volInitrd == "" {
			return nil, errors.New(w.ID() + ": no volume boot files on " + sd.name)
		}
		image, cleanup, err := s.freshVolume(size)
		if err != nil {
			return nil, err
		}
		defer cleanup()
		initrd = sd.volInitrd
		m, extra := s.volumeArgs(sd.name, image)
		argv = append(s.qemuArgsMachine(m, mem, w.CPUs()), extra...)
	}
	argv = append(argv, "-kernel", kernel, "-append", sd.cmdline(w))
	if initrd != "" {
		argv = append(argv, "-initrd", initrd)
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.Timeout())
	defer cancel()
	cmd := exec.Command(s.qemu, argv...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	r := &Run{Side: sd.name, Workload: w.ID(), CPUs: w.CPUs(), Mem: mem, Metrics: map[string]float64{}}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var output strings.Builder
	first := make(chan time.Duration, 1)
	lines := make(chan string, 1024)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		defer close(lines)
		br := bufio.NewReader(out)
		seen := false
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				t := time.Since(start)
				output.WriteString(line)
				line = strings.TrimRight(line, "\r\n")
				if !seen && strings.HasPrefix(line, "BENCH start ") {
					seen = true
					first <- t
				} else if seen {
					select {
					case lines <- line:
					default:
					}
				}
				s.parseLine(r, line)
			}
			if err != nil {
				if err != io.EOF {
					output.WriteString("read: " + err.Error())
				}
				return
			}
		}
	}()
	// Drive the workload from its first line on.
	var driveWG sync.WaitGroup
	driveCtx, driveCancel := context.WithCancel(ctx)
	var driveErr error
	driveWG.Add(1)
	go func() {
		defer driveWG.Done()
		select {
		case t := <-first:
			r.FirstLine = t
			r.Samples, driveErr = w.Drive(driveCtx, &VM{Side: sd.name, Mem: mem, Start: start, HostPort: hostPort, Lines: lines})
			if driveErr != nil && driveCtx.Err() == nil {
				// The guest stopped answering: do not wait for the timeout.
				r.DriveFailed = true
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			}
		case <-driveCtx.Done():
		}
	}()
	waitErr := make(chan error, 1)
	go func() { <-readDone; waitErr <- cmd.Wait() }()
	select {
	case err = <-waitErr:
		r.Exit = time.Since(start)
	case <-ctx.Done():
		r.TimedOut = true
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		err = <-waitErr
		r.Exit = time.Since(start)
	}
	driveCancel()
	driveWG.Wait()
	r.Output = output.String()
	if s := stderr.String(); s != "" {
		r.Output += "\n[qemu stderr] " + s
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		r.Status = 0
	case errors.As(err, &ee):
		r.Status = ee.ExitCode()
	default:
		return nil, err
	}
	// isa-debug-exit: status (code<<1)|1, so guest code 0 is status 1.
	r.Passed = !r.TimedOut && r.Status == 1 && strings.Contains(r.Output, "BENCH done") && driveErr == nil
	if driveErr != nil {
		r.Output += "\n[drive] " + driveErr.Error()
	}
	return r, nil
}

func (s *suite) parseLine(r *Run, line string) {
	f := strings.Fields(line)
	if len(f) >= 4 && f[0] == "BENCH" && f[1] == "metric" {
		if v, err := strconv.ParseFloat(f[3], 64); err == nil {
			r.Metrics[f[2]] = v
		}
	}
}

// run boots with retries: a run that timed out, or whose Drive failed (a
// guest that stopped answering), is tried again, up to s.retries times, and
// counted in s.retried.
func (s *suite) run(sd *side, w Workload, mem int) (*Run, error) {
	return s.runRetries(sd, w, mem, s.retries)
}

func (s *suite) runRetries(sd *side, w Workload, mem, retries int) (*Run, error) {
	for try := 0; ; try++ {
		r, err := s.runOnce(sd, w, mem)
		if err != nil {
			return nil, err
		}
		if !(r.TimedOut || r.DriveFailed) || try >= retries {
			return r, nil
		}
		s.retried[sd.name]++
		what := fmt.Sprintf("no exit after %v", w.Timeout())
		if r.DriveFailed {
			what = "the host side failed, VM killed"
		}
		s.logf("  %s %s (%d MiB): %s, retrying (%d); last output:\n%s", sd.name, w.ID(), mem, what, try+1, tail(r.Output, 4))
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
