package main

import (
	"context"
	"time"
)

// A Workload is one program the suite runs on both sides. Its guest half is a
// function in bench/guest selected by Name; the host half below says how to
// run it and what to read from a run.
type Workload interface {
	// Name is the guest's workload argument (bench/guest: workloads).
	Name() string
	// Args are extra guest arguments after the name.
	Args() []string
	// Timeout bounds one run; a run that times out is retried (microvm
	// Linux boots hang about 1 in 10 under TCG) and the retry is reported.
	Timeout() time.Duration
	// Net says the VM needs a network device and a host port forward.
	// No workload sets it yet: unigo has no network (issue 3). The runner
	// refuses such workloads until then.
	Net() bool
	// Drive runs on the host while the VM runs, from its first line until
	// it exits or ctx ends. An httpd workload would wait for the first
	// HTTP 200 through the port forward, then measure latency and load
	// here. Workloads without a host side return nil, nil.
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
}

func (w baseWorkload) Name() string           { return w.name }
func (w baseWorkload) Args() []string         { return w.args }
func (w baseWorkload) Timeout() time.Duration { return w.timeout }
func (w baseWorkload) Net() bool              { return false }
func (w baseWorkload) MinMem() bool           { return w.minMem }
func (w baseWorkload) Drive(ctx context.Context, vm *VM) ([]Sample, error) {
	return nil, nil
}

func (w baseWorkload) Figures(r *Run) []Sample {
	var s []Sample
	if w.boot {
		s = append(s,
			Sample{w.name + ".first_line", ms(r.FirstLine)},
			Sample{w.name + ".exit", ms(r.Exit)})
	}
	for k, v := range r.Metrics {
		if _, ok := figures[k]; ok {
			s = append(s, Sample{k, v})
		}
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// workloads in table order. httpd (issue 3) and files (issue 4) come here
// once unigo has a network and a file system.
func defaultWorkloads() []Workload {
	return []Workload{
		baseWorkload{name: "hello", timeout: 20 * time.Second, boot: true, minMem: true},
		baseWorkload{name: "syscalls", timeout: 60 * time.Second},
		baseWorkload{name: "gc", args: []string{"-total", "256"}, timeout: 60 * time.Second, minMem: true},
	}
}
