package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// Tests of the virtio drivers, booted with plain QEMU command lines (what a user would
// type) so that they pin down the devices and flags, independent of the CLI's runner.

// virtioMachines are the two transports: virtio-mmio on microvm, virtio-pci on pc.
var virtioMachines = []struct {
	name    string
	machine []string // -M and the flags the transport needs
	rng     string   // the entropy device
	net     string   // the network device, without netdev=
}{
	{"microvm", []string{"-M", "microvm,acpi=off", "-global", "virtio-mmio.force-legacy=false"}, "virtio-rng-device", "virtio-net-device"},
	{"pc", []string{"-M", "pc"}, "virtio-rng-pci", "virtio-net-pci"},
}

// plainQEMU returns the common part of a hand-written QEMU command line.
func plainQEMU(img, cpu, appendLine string, machine []string, devices ...string) []string {
	args := append([]string{}, machine...)
	args = append(args, "-accel", "tcg", "-cpu", cpu, "-m", "256M",
		"-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
		"-device", "isa-debug-exit,iobase=0x501,iosize=2",
		"-kernel", img, "-append", appendLine)
	return append(args, devices...)
}

// The kernel's net self-test sends an ARP request for the user network's gateway and
// prints the reply, over virtio-net on both transports, then the program runs as usual.
func TestVirtioNetSelftestARP(t *testing.T) {
	requireQEMU(t)
	img := helloImage(t)
	for _, m := range virtioMachines {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			r := command(t, opts{}, qemuPath, plainQEMU(img, "max", "unigo.selftest=net -- arg=hello", m.machine,
				"-netdev", "user,id=n0", "-device", m.net+",netdev=n0")...)
			wantMatch(t, r, `^unigo: selftest net: mac 52:54:00:12:34:56, link up$`)
			wantMatch(t, r, `^unigo: selftest net: arp reply from 52:55:0a:00:02:02 \(10\.0\.2\.2\) after \d+ us$`)
			wantHello(t, r, "[]", "")
			wantContains(t, r, exitMarker("0"))
			wantExit(t, r, 1) // isa-debug-exit: (0<<1)|1
		})
	}
}

// Without a network device the self-test says so instead of hanging.
func TestVirtioNetSelftestWithoutDevice(t *testing.T) {
	requireQEMU(t)
	img := helloImage(t)
	r := command(t, opts{}, qemuPath, plainQEMU(img, "max", "unigo.selftest=net -- arg=hello", virtioMachines[0].machine)...)
	wantLines(t, r, "unigo: selftest net: FAIL: no virtio-net device", "Hello from unigo!")
	wantExit(t, r, 1)
}

// On a CPU without RDRAND (qemu64) and without unigo.seed, virtio-rng is the only real
// entropy: the kernel says it uses it, and crypto/rand passes the random program's checks.
func TestVirtioRngEntropyWithoutRDRAND(t *testing.T) {
	requireQEMU(t)
	img := progImage(t, "random")
	for _, m := range virtioMachines {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			r := command(t, opts{}, qemuPath, plainQEMU(img, "qemu64", "", m.machine, "-device", m.rng)...)
			wantLines(t, r, "unigo: random source: virtio-rng (host entropy; the CPU has no RDRAND)", "PASS random")
			wantContains(t, r, exitMarker("0"))
			wantExit(t, r, 1) // isa-debug-exit: (0<<1)|1
		})
	}
}

var progImages struct {
	mu   sync.Mutex
	done map[string]string // program -> image path ("" if the build failed)
}

// progImage builds ./e2e/testdata/<prog> into an image once per test binary.
func progImage(t *testing.T, prog string) string {
	t.Helper()
	requireCLI(t)
	progImages.mu.Lock()
	defer progImages.mu.Unlock()
	if p, ok := progImages.done[prog]; ok {
		if p == "" {
			t.Fatalf("building %s failed earlier", prog)
		}
		return p
	}
	if progImages.done == nil {
		progImages.done = map[string]string{}
	}
	p := filepath.Join(shareDir, prog+".img")
	progImages.done[prog] = ""
	r := command(t, opts{noVM: true}, unigoBin, "build", "-o", p, "./e2e/testdata/"+prog)
	if r.code != 0 {
		r.dump(t)
		t.Fatalf("unigo build %s: exit %s", prog, strconv.Itoa(r.code))
	}
	if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
		t.Fatalf("unigo build %s wrote no image: %v", prog, err)
	}
	progImages.done[prog] = p
	return p
}
