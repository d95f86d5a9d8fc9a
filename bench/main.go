// Command bench measures unigo against the same Go program in a minimal Linux
// VM under the same QEMU, machine type, memory and accelerator (issue 5).
//
//	go run ./bench [-n 20] [--quick] [--accel tcg|kvm] [--out bench] [--mem 128]
//
// It prepares both sides on a fresh machine (Debian's cloud kernel through
// apt-get download, the guest program built twice from bench/guest, the
// initramfs written in Go), runs every workload N times with the two sides
// interleaved, bisects the smallest memory each side needs, and writes a
// markdown table (stdout and <out>/results.md), <out>/results.json and
// <out>/boottime.svg. See bench/README.md.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/unigo-os/unigo/internal/vmm"
)

type suite struct {
	n       int
	quick   bool
	accel   string
	machine string
	mem     int // MiB for the timed runs
	maxMem  int // upper end of the bisection
	memStep int // bisection resolution, MiB
	retries int
	qemu    string
	cache   string
	out     string
	root    string
	verbose bool
	from    string // --from: re-render a results.json
	// linuxCmdline is the Linux side's command line before "--".
	linuxCmdline string
	only         map[string]bool
	retried      map[string]int
	attempts     map[string]int
	failures     []string
	log          func(string)
}

func (s *suite) logf(format string, a ...any) {
	s.log(fmt.Sprintf(format, a...))
}

func main() {
	s, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	res, err := s.Main()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	fmt.Print(res.Markdown())
}

func parseFlags(args []string) (*suite, error) {
	home, _ := os.UserCacheDir()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	s := &suite{retried: map[string]int{}, attempts: map[string]int{}}
	fs.IntVar(&s.n, "n", 20, "runs of each workload on each side")
	fs.BoolVar(&s.quick, "quick", false, "smoke mode: one run each, coarse memory bisection (16 MiB)")
	fs.StringVar(&s.accel, "accel", "tcg", "QEMU accelerator: tcg or kvm")
	fs.StringVar(&s.machine, "machine", "microvm", "QEMU machine type (microvm, pc, q35)")
	fs.IntVar(&s.mem, "mem", 128, "guest memory in MiB for the timed runs")
	fs.IntVar(&s.memStep, "mem-step", 1, "resolution of the smallest-memory bisection in MiB (0: skip it)")
	fs.IntVar(&s.retries, "retries", 3, "retries of a run that times out")
	fs.StringVar(&s.qemu, "qemu", "qemu-system-x86_64", "QEMU binary")
	fs.StringVar(&s.cache, "cache", filepath.Join(home, "unigo-bench"), "cache for the Debian kernel and the builds")
	fs.StringVar(&s.out, "out", "", "directory for results.json, results.md and boottime.svg (default: bench/ in the module)")
	only := fs.String("workloads", "", "comma-separated subset of workloads (default: all)")
	fs.BoolVar(&s.verbose, "v", false, "log every run")
	fs.StringVar(&s.from, "from", "", "run nothing: re-render this results.json (derived rows recomputed) into --out")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if s.quick {
		s.n = 1
		if s.memStep == 1 {
			s.memStep = 16
		}
	}
	if s.n < 1 {
		return nil, fmt.Errorf("-n %d: need at least one run", s.n)
	}
	if s.accel != "tcg" && s.accel != "kvm" {
		return nil, fmt.Errorf("--accel %q: want tcg or kvm", s.accel)
	}
	if *only != "" {
		s.only = map[string]bool{}
		for _, w := range strings.Split(*only, ",") {
			s.only[strings.TrimSpace(w)] = true
		}
	}
	s.maxMem = s.mem
	s.log = func(m string) { fmt.Fprintln(os.Stderr, "bench:", m) }
	return s, nil
}

// Main prepares both sides, runs everything and writes the result files.
func (s *suite) Main() (*Results, error) {
	began := time.Now()
	var err error
	if s.root, err = moduleRoot(); err != nil {
		return nil, err
	}
	if s.out == "" {
		s.out = filepath.Join(s.root, "bench")
	}
	if s.from != "" {
		return rerender(s.from, s.out)
	}
	if _, err := exec.LookPath(s.qemu); err != nil {
		return nil, fmt.Errorf("%s not found (apt-get install qemu-system-x86)", s.qemu)
	}
	if err := os.MkdirAll(s.cache, 0o755); err != nil {
		return nil, err
	}
	k, err := s.prepareLinuxKernel()
	if err != nil {
		return nil, fmt.Errorf("linux kernel: %v", err)
	}
	s.setLinuxCmdline()
	img, initBin, initrd, err := s.buildGuests()
	if err != nil {
		return nil, err
	}
	netImg, netInitrd, err := s.buildNetGuests(k)
	if err != nil {
		return nil, err
	}
	volRoot, volInitrd, err := s.buildVolumeBoot(k, initBin)
	if err != nil {
		return nil, fmt.Errorf("volume workload: %v", err)
	}
	seed := make([]byte, 16)
	rand.Read(seed)
	unigo := &side{name: "unigo", kernel: img, netKernel: netImg, volInitrd: volRoot, cmdline: func(w Workload) string {
		// docs/cmdline.md; every argument here is made of plain bytes.
		// unigo.cpus=N (vmm.KernelOptions) starts the other CPUs: microvm
		// without ACPI has no table that lists them.
		c := "unigo.seed=" + hex.EncodeToString(seed)
		for _, o := range vmm.KernelOptions(w.CPUs()) {
			c += " " + o
		}
		if w.Net() {
			// A static address, as Linux's /init sets (no DHCP on either side).
			c += " " + vmm.IPOption + "=10.0.2.15/24 " + vmm.GWOption + "=10.0.2.2"
		}
		c += " -- arg=guest arg=" + w.Name()
		for _, a := range w.Args() {
			c += " arg=" + a
		}
		if w.Volume() > 0 {
			// After the program's tokens, as `unigo run -v` puts them
			// (internal/vmm: Command).
			c += " " + strings.Join(vmm.VolumeOptions([]vmm.Volume{{Guest: volumeGuest}}), " ")
		}
		return c
	}}
	linux := &side{name: "linux", kernel: k.Boot, initrd: initrd, netKernel: k.Boot, netInitrd: netInitrd, volInitrd: volInitrd, cmdline: func(w Workload) string {
		// Arguments after "--" go to /init's argv.
		return s.linuxCmdline + " -- linux " + strings.Join(append([]string{w.Name()}, w.Args()...), " ")
	}}
	sides := []*side{unigo, linux}

	res := &Results{
		Conditions: s.conditions(k),
		Sizes: Sizes{
			UnigoImage:     fileSize(img),
			LinuxKernel:    fileSize(k.Boot),
			LinuxBzImage:   fileSize(k.BzImage),
			LinuxInitramfs: fileSize(initrd),
			LinuxInit:      fileSize(initBin),
		},
	}
	if res.Sizes.FilesGrowth, err = s.filesGrowth(img); err != nil {
		return nil, fmt.Errorf("image growth with --files: %v", err)
	}
	var wls []Workload
	for _, w := range defaultWorkloads(s.quick) {
		if s.only == nil || s.only[w.Name()] || s.only[w.ID()] {
			wls = append(wls, w)
		}
	}
	samples := map[string]map[string][]float64{"unigo": {}, "linux": {}}
	done := map[string]int{} // runs so far per workload ID
	for i := 0; i < s.n; i++ {
		s.logf("round %d/%d", i+1, s.n)
		for _, w := range wls {
			if !inRound(i, s.n, w.Share()) {
				continue
			}
			order := sides
			if done[w.ID()]%2 == 1 { // alternate who goes first
				order = []*side{linux, unigo}
			}
			done[w.ID()]++
			for _, sd := range order {
				s.attempts[sd.name]++
				r, err := s.run(sd, w, s.mem)
				if err != nil {
					return nil, err
				}
				if !r.Passed {
					msg := fmt.Sprintf("%s %s run %d failed (status %d, timed out %v):\n%s", sd.name, w.ID(), i+1, r.Status, r.TimedOut, tail(r.Output, 15))
					s.failures = append(s.failures, msg)
					s.logf("%s", msg)
					continue
				}
				if s.verbose {
					s.logf("  %s %s: first line %.0f ms, exit %.0f ms", sd.name, w.ID(), ms(r.FirstLine), ms(r.Exit))
				}
				for _, smp := range append(w.Figures(r), r.Samples...) {
					samples[sd.name][smp.Figure] = append(samples[sd.name][smp.Figure], smp.Value)
				}
			}
		}
	}
	res.Figures = derive(collect(samples))
	if s.memStep > 0 {
		for _, w := range wls {
			if !w.MinMem() {
				continue
			}
			mm := MinMem{Workload: w.Name(), Step: s.memStep, Max: s.maxMem}
			for _, sd := range sides {
				v, err := s.bisectMem(sd, w)
				if err != nil {
					return nil, err
				}
				if sd.name == "unigo" {
					mm.Unigo = v
				} else {
					mm.Linux = v
				}
			}
			res.MinMem = append(res.MinMem, mm)
		}
	}
	res.Retries = s.retried
	res.Attempts = s.attempts
	res.Failures = s.failures
	res.Conditions.Seconds = time.Since(began).Seconds()
	res.Conditions.LoadAvgEnd = loadAvg()
	if err := res.write(s.out); err != nil {
		return nil, err
	}
	s.logf("wrote %s/results.json, results.md and boottime.svg in %.0f s", s.out, res.Conditions.Seconds)
	return res, nil
}

// inRound says whether round i of n runs a workload with the given share
// of the rounds (Workload.Share): ceil(share*n) runs spread evenly, starting
// with round 0.
func inRound(i, n int, share float64) bool {
	runs := int(math.Ceil(share * float64(n)))
	if share <= 0 || runs >= n {
		return true
	}
	ceil := func(a int) int { return (a + n - 1) / n }
	return ceil(i*runs) != ceil((i+1)*runs)
}

// linuxCmdline is the Linux side's kernel command line before "--". No
// modules are needed for workloads without a network. (Adding "acpi=off pci=off"
// made boots on microvm,acpi=off hang.) Under TCG, setLinuxCmdline adds
// tsc_early_khz= (tsc_amd64.go).
const linuxCmdline = "console=ttyS0 quiet panic=-1"

func (s *suite) setLinuxCmdline() {
	s.linuxCmdline = linuxCmdline
	if s.accel != "tcg" {
		return // KVM gives Linux kvm-clock and the TSC frequency
	}
	if k := hostTSCkHz(); k > 0 {
		s.linuxCmdline += fmt.Sprintf(" tsc_early_khz=%d", k)
	}
}

// bisectMem finds the smallest memory in MiB (to s.memStep) at which w
// passes on sd, between 0 (assumed to fail) and s.maxMem. It returns 0 if w
// does not pass at s.maxMem either.
func (s *suite) bisectMem(sd *side, w Workload) (int, error) {
	pass := func(mem int) (bool, error) {
		// Too little memory ends in a report and an exit on both sides,
		// not a hang, so one retry after a timeout is enough here.
		r, err := s.runRetries(sd, w, mem, 1)
		if err != nil {
			return false, err
		}
		if s.verbose {
			s.logf("  min mem %s %s %d MiB: passed %v", sd.name, w.Name(), mem, r.Passed)
		}
		return r.Passed, nil
	}
	lo, hi := 0, s.maxMem
	ok, err := pass(hi)
	if err != nil || !ok {
		return 0, err
	}
	for hi-lo > s.memStep {
		mid := (lo + hi) / 2
		ok, err := pass(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	s.logf("smallest memory for %s on %s: %d MiB", w.Name(), sd.name, hi)
	return hi, nil
}

func (s *suite) conditions(k *linuxKernel) Conditions {
	qv, _ := exec.Command(s.qemu, "--version").Output()
	c := Conditions{
		Date:         time.Now().UTC().Format(time.RFC3339),
		Accel:        s.accel,
		Machine:      s.machine,
		MemMiB:       s.mem,
		Runs:         s.n,
		Quick:        s.quick,
		QEMU:         strings.TrimSpace(strings.SplitN(string(qv), "\n", 2)[0]),
		HostCPUs:     runtime.NumCPU(),
		HostCPU:      cpuModel(),
		GoVersion:    runtime.Version(),
		LinuxPackage: k.Package + " " + k.Version,
		LinuxBoot:    k.BootNote,
		LinuxCmdline: s.linuxCmdline,
		QEMUArgs:     strings.Join(s.qemuArgs(s.mem, 1), " "),
		QEMUArgsSMP:  strings.Join(s.qemuArgs(s.mem, 2), " "),
		GuestCPUs:    "1 unless a row says otherwise",
		QEMUArgsVolume: func() string {
			_, a := s.volumeArgs("linux", "<fresh image per run>")
			return fmt.Sprintf("-M %s (unigo) or %s (Linux) ", s.deviceMachine("unigo"), s.deviceMachine("linux")) + strings.Join(a, " ")
		}(),
		TimeoutPolicy: fmt.Sprintf("per-run timeout per workload, up to %d retries of a run that timed out or whose host side failed (httpd: a request unanswered for 5 s)", s.retries),
		LoadAvgStart:  loadAvg(),
	}
	if out, err := exec.Command("git", "-C", s.root, "describe", "--always", "--dirty").Output(); err == nil {
		c.UnigoCommit = strings.TrimSpace(string(out))
	}
	return c
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			if i := strings.Index(l, ":"); i >= 0 {
				return strings.TrimSpace(l[i+1:])
			}
		}
	}
	return ""
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
