package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/unigo-os/unigo/internal/vmm"
)

// virtio-pci devices signal by MSI-X on pc and q35: unigo.stats lists each device with
// its vectors (or "intx gsi N" and why not), and the block self-test and a 10 MiB
// transfer each way over virtio-net work with two CPUs on q35.

var msixMachines = []struct {
	name    string
	machine []string
}{
	{"pc", []string{"-M", "pc"}},
	{"q35", []string{"-M", "q35"}},
}

// wantMSIX checks the unigo.stats line of device name (net, blk, rng) for vectors
// MSI-X vectors (a queue each plus configuration).
func wantMSIX(t *testing.T, r *result, name string, vectors int) {
	t.Helper()
	expr := fmt.Sprintf(`^unigo: virtio-%s on virtio-pci \d+:\d+\.\d+ msi-x %d vectors 0x[0-9a-fA-F]+-0x[0-9a-fA-F]+( |$)`, name, vectors)
	wantMatch(t, r, expr)
	if regexp.MustCompile(`(?m)^unigo: virtio-` + name + ` on virtio-pci .* intx gsi`).MatchString(r.console()) {
		t.Errorf("virtio-%s fell back to INTx; console:\n%s", name, r.console())
	}
}

// Every virtio-pci device the kernel drives gets MSI-X: net (rx, tx, configuration), blk
// and rng (the queue, configuration); the block self-test passes on the vectors and the
// entropy device answers.
func TestMSIXDeviceListing(t *testing.T) {
	requireQEMU(t)
	img := helloImage(t)
	for _, m := range msixMachines {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			disk, sum := scratchImage(t, 4<<20)
			r := command(t, opts{}, qemuPath, plainQEMU(img, "max", "unigo.stats unigo.selftest=blk -- arg=hello", m.machine,
				"-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0",
				"-device", "virtio-rng-pci",
				"-drive", "file="+disk+",format=raw,if=none,id=d0", "-device", "virtio-blk-pci,drive=d0")...)
			wantMSIX(t, r, "net", 3)
			wantMSIX(t, r, "blk", 2)
			wantMSIX(t, r, "rng", 2)
			wantMatch(t, r, `^unigo: random source: virtio-rng$`)
			wantLines(t, r, "unigo: selftest blk: PASS", "Hello from unigo!")
			wantImageUnchanged(t, disk, sum)
			wantExit(t, r, 1)
		})
	}
}

// A device whose table is too small for a vector per queue shares one (virtio-net-pci
// with vectors=2); one without a table stays on INTx (vectors=0).
func TestMSIXSharedAndFallback(t *testing.T) {
	requireQEMU(t)
	img := helloImage(t)
	r := command(t, opts{}, qemuPath, plainQEMU(img, "max", "unigo.stats unigo.selftest=net -- arg=hello", []string{"-M", "q35"},
		"-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,vectors=2",
		"-device", "virtio-rng-pci")...)
	wantMatch(t, r, `^unigo: virtio-net on virtio-pci \d+:\d+\.\d+ msi-x 1 vector 0x[0-9a-fA-F]+( |$)`)
	wantMatch(t, r, `^unigo: virtio-rng on virtio-pci \d+:\d+\.\d+ msi-x 2 vectors `)
	wantMatch(t, r, `^unigo: selftest net: arp reply from 52:55:0a:00:02:02 \(10\.0\.2\.2\) after \d+ us$`)
	wantMatch(t, r, `^unigo: random source: virtio-rng`)
	wantLines(t, r, "Hello from unigo!")
	wantExit(t, r, 1)

	r = command(t, opts{}, qemuPath, plainQEMU(img, "max", "unigo.stats unigo.selftest=net -- arg=hello", []string{"-M", "q35"},
		"-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,vectors=0")...)
	wantMatch(t, r, `^unigo: virtio-net on virtio-pci \d+:\d+\.\d+ intx gsi \d+ \(no msi-x\)`)
	wantMatch(t, r, `^unigo: selftest net: arp reply from 52:55:0a:00:02:02 \(10\.0\.2\.2\) after \d+ us$`)
	wantExit(t, r, 1)
}

// The block self-test with two CPUs on q35 (the vectors go to the boot CPU while the
// other runs).
func TestMSIXBlkQ35SMP(t *testing.T) {
	requireQEMU(t)
	img := helloImage(t)
	disk, sum := scratchImage(t, 4<<20)
	r := command(t, opts{exclusive: true}, qemuPath, plainQEMU(img, "max", "unigo.stats unigo.cpus=2 unigo.selftest=blk -- arg=hello", []string{"-M", "q35", "-smp", "2"},
		"-drive", "file="+disk+",format=raw,if=none,id=d0", "-device", "virtio-blk-pci,drive=d0")...)
	wantMSIX(t, r, "blk", 2)
	wantMatch(t, r, `^unigo: selftest blk: read back and checked 1 MiB in \d+ us \(\d+ MB/s\)$`)
	wantLines(t, r, "unigo: selftest blk: PASS", "Hello from unigo!")
	wantImageUnchanged(t, disk, sum)
	wantExit(t, r, 1)
}

// 10 MiB down and up over HTTP with two CPUs on q35, on the QEMU command line unigo run
// builds (vmm.Command) plus unigo.stats, so the listing shows the NIC on MSI-X.
func TestMSIXNetQ35SMP(t *testing.T) {
	requireQEMU(t)
	img := buildInetImage(t)
	hp := freePort(t)
	fwd, err := vmm.ParseForward(fmt.Sprintf("127.0.0.1:%d:8080", hp))
	if err != nil {
		t.Fatal(err)
	}
	cmdline, err := vmm.EncodeCmdline(vmm.NewSeed(), append(vmm.KernelOptions(2), "unigo.stats"),
		vmm.Program{Args: []string{"inet", "serve", ":8080"}})
	if err != nil {
		t.Fatal(err)
	}
	argv, err := vmm.Command(vmm.Config{QEMU: qemuPath, Machine: "q35", Accel: vmm.AccelTCG, MemBytes: 256 * vmm.MiB,
		CPUs: 2, Image: img, Cmdline: cmdline, Net: vmm.Net{Mode: vmm.NetUser, Forwards: []vmm.Forward{fwd}}})
	if err != nil {
		t.Fatal(err)
	}
	qemuSlots.acquire(2)
	defer qemuSlots.release(2)
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}()
	fail := func(format string, a ...any) {
		t.Helper()
		t.Fatalf("%s; console:\n%s", fmt.Sprintf(format, a...), out.String())
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", hp)
	quick := &http.Client{Timeout: 200 * time.Millisecond}
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if time.Since(start) > 90*time.Second {
			fail("no HTTP answer within 90 s")
		}
		select {
		case err := <-done:
			done <- err
			fail("the VM ended before answering (%v)", err)
		default:
		}
		resp, err := quick.Get(base + "/hello?i=ready")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
	}
	bigTransfers(t, base, fail)
	hc := &http.Client{Timeout: 10 * time.Second}
	if resp, err := hc.Get(base + "/quit"); err == nil {
		resp.Body.Close()
	}
	select {
	case <-done:
		done <- nil
	case <-time.After(30 * time.Second):
		fail("the VM did not exit after /quit")
	}
	r := &result{stdout: out.String()}
	wantMSIX(t, r, "net", 3)
	wantContains(t, r, "PASS inet")
}
