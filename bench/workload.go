package main

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// A Workload is one program the suite runs on both sides. Its guest half is a
// function in bench/guest selected by Name; the host half below says how to
// run it and what to read from a run.
type Workload interface {
	// Name is the guest's workload argument (bench/guest: workloads).
	Name() string
	// ID names this workload and VM shape in logs and -workloads, e.g.
	// "parallel@2cpu". It is Name() for the default shape.
	ID() string
	// CPUs is the number of vCPUs of the VM (QEMU -smp; unigo.cpus on unigo).
	CPUs() int
	// Share is the fraction of the suite's N rounds that run this workload
	// (0 or 1: every round; 0.5: every other round, ceil(N/2) runs). The
	// slow workloads run in fewer rounds to keep the default run under 15
	// minutes.
	Share() float64
	// Args are extra guest arguments after the name.
	Args() []string
	// Timeout bounds one run; a run that times out is retried (microvm
	// Linux boots hang about 1 in 10 under TCG) and the retry is reported.
	Timeout() time.Duration
	// Net says the VM needs a network device and a host port forward
	// (VM.HostPort -> the guest's httpdGuestPort); it then boots the
	// network build of the guest (side.netKernel, side.netInitrd).
	Net() bool
	// Volume is the size in bytes of a fresh ext2 volume (the same image
	// `unigo volume create` makes) attached as virtio-blk and mounted at
	// /data on both sides; 0 for none. Each run gets a new image.
	Volume() int64
	// Drive runs on the host while the VM runs, from its first line until
	// it exits or ctx ends. httpd waits there for the first HTTP 200
	// through the port forward, then measures latency and load.
	// Workloads without a host side return nil, nil.
	Drive(ctx context.Context, vm *VM) ([]Sample, error)
	// Figures turns a finished, passed run into samples: host-measured
	// times and the guest's "BENCH metric" lines.
	Figures(r *Run) []Sample
	// MinMem says whether the suite bisects the smallest --mem at which
	// the workload passes.
	MinMem() bool
}

// A Sample is one value of one figure from one run.
type Sample struct {
	Figure string  // key of figures (report.go)
	Value  float64 // in the figure's unit
}

// baseWorkload is a workload that runs in the guest alone and reports the
// guest's metrics and the host-measured boot times.
type baseWorkload struct {
	name    string
	args    []string
	timeout time.Duration
	boot    bool // report QEMU start -> first line and -> exit
	minMem  bool
	cpus    int     // vCPUs; 0 means 1
	suffix  string  // appended to the ID and to every figure key, e.g. "@2cpu"
	share   float64 // fraction of the rounds that run it (Workload.Share); 0: all
	volume  int64   // bytes of a fresh volume at /data (Workload.Volume); 0: none
}

func (w baseWorkload) Name() string           { return w.name }
func (w baseWorkload) ID() string             { return w.name + w.suffix }
func (w baseWorkload) Share() float64         { return w.share }
func (w baseWorkload) CPUs() int              { return max(w.cpus, 1) }
func (w baseWorkload) Args() []string         { return w.args }
func (w baseWorkload) Timeout() time.Duration { return w.timeout }
func (w baseWorkload) Net() bool              { return false }
func (w baseWorkload) MinMem() bool           { return w.minMem }
func (w baseWorkload) Volume() int64          { return w.volume }
func (w baseWorkload) Drive(ctx context.Context, vm *VM) ([]Sample, error) {
	return nil, nil
}

func (w baseWorkload) Figures(r *Run) []Sample {
	var s []Sample
	if w.boot {
		s = append(s,
			Sample{w.name + ".first_line" + w.suffix, ms(r.FirstLine)},
			Sample{w.name + ".exit" + w.suffix, ms(r.Exit)})
	}
	for k, v := range r.Metrics {
		if _, ok := figures[k+w.suffix]; ok {
			s = append(s, Sample{k + w.suffix, v})
		}
	}
	return s
}

// netWorkload is a baseWorkload that runs in the network build of the guest (it imports
// net) with nothing on the host side: conns, whose connections stay inside the guest.
type netWorkload struct{ baseWorkload }

func (w netWorkload) Net() bool { return true }

// volumeSize is the size of the volume workload's fresh image: room for the
// 32 MiB file and the fsync'd appends with most of the disk left free.
const volumeSize = 256 << 20

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// workloads in table order; the order of the rounds follows it. With
// quick (--quick) httpd sends fewer requests and loads for 1 s.
//
// The slow ones run in fewer rounds than N (Runs) so that the default run
// (N = 20) stays under 15 minutes on 2 TCG cores: hello at 4 vCPUs,
// parallel and kernelpar at 1 and 2 vCPUs, files, volume, httpd and conns run in every
// other round (10 of 20).
func defaultWorkloads(quick bool) []Workload {
	httpd := httpdWorkload{requests: 200, conns: 8, load: 3 * time.Second, share: 0.5}
	if quick {
		httpd.requests, httpd.load = 20, time.Second
	}
	par := func(cpus int) Workload {
		return baseWorkload{name: "parallel", suffix: fmt.Sprintf("@%dcpu", cpus), cpus: cpus, share: 0.5,
			args: []string{"-blocks", "64", "-kib", "64", "-rounds", "4", "-cpus", strconv.Itoa(cpus)}, timeout: 90 * time.Second}
	}
	kpar := func(cpus int) Workload {
		return baseWorkload{name: "kernelpar", suffix: fmt.Sprintf("@%dcpu", cpus), cpus: cpus, share: 0.5,
			args: []string{"-fault-mib", "64", "-futex-calls", "100000", "-cpus", strconv.Itoa(cpus)}, timeout: 90 * time.Second}
	}
	// The same sizes in quick mode: a volume run takes a few seconds on
	// either side, so the smoke test runs the real thing once.
	vol := baseWorkload{name: "volume", args: []string{"-dir", "/data", "-mib", "32", "-syncops", "1024"}, volume: volumeSize, share: 0.5, timeout: 120 * time.Second}
	conns := netWorkload{baseWorkload{name: "conns", args: []string{"-n", "500"}, share: 0.5, timeout: 120 * time.Second}}
	if quick {
		conns.args = []string{"-n", "200"}
	}
	return []Workload{
		baseWorkload{name: "hello", timeout: 20 * time.Second, boot: true, minMem: true},
		baseWorkload{name: "hello", suffix: "@4cpu", cpus: 4, share: 0.5, args: []string{"-cpus", "4"}, timeout: 30 * time.Second, boot: true},
		baseWorkload{name: "syscalls", timeout: 60 * time.Second},
		baseWorkload{name: "gc", args: []string{"-total", "256"}, timeout: 60 * time.Second, minMem: true},
		par(1),
		par(2),
		kpar(1),
		kpar(2),
		baseWorkload{name: "files", args: []string{"-dir", "/tmp", "-mib", "32", "-syncops", "4096"}, share: 0.5, timeout: 60 * time.Second},
		vol,
		httpd,
		conns,
	}
}
