package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// figure describes one row of the table.
type figure struct {
	order int
	label string
	unit  string
}

// figures are the rows, by key. Keys of guest metrics match the names the
// guest prints (bench/guest).
var figures = map[string]figure{
	"hello.first_line":   {0, "hello: QEMU start → first line", "ms"},
	"hello.exit":         {1, "hello: QEMU start → QEMU exited", "ms"},
	"getpid":             {10, "syscall.Getpid", "ns/op"},
	"pipe_rw":            {11, "pipe write+read round trip, 1 byte (for read of /dev/zero)", "ns/op"},
	"time_now":           {12, "time.Now", "ns/op"},
	"goroutine_pingpong": {13, "goroutine ping-pong, unbuffered channels", "ns/round trip"},
	"chan_handoff":       {14, "channel handoff, buffered (128)", "ns/item"},
	"mutex_contended":    {15, "sync.Mutex, 4 goroutines contending", "ns/lock"},
	"gc_churn":           {20, "GC churn: 256 MiB in 16 B–8 KiB objects", "ms"},
	"gc_cycles":          {21, "GC cycles during the churn", "cycles"},
}

// Stats summarizes the samples of one figure on one side.
type Stats struct {
	N      int       `json:"n"`
	Median float64   `json:"median"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
	Q1     float64   `json:"q1"`
	Q3     float64   `json:"q3"`
	Runs   []float64 `json:"runs"`
}

// Figure is one row: both sides and the ratio of their medians.
type Figure struct {
	Key   string  `json:"key"`
	Label string  `json:"label"`
	Unit  string  `json:"unit"`
	Unigo *Stats  `json:"unigo,omitempty"`
	Linux *Stats  `json:"linux,omitempty"`
	Ratio float64 `json:"linux_over_unigo,omitempty"` // Linux median / unigo median
}

// MinMem is the smallest --mem (MiB) at which a workload passed; 0 means it
// did not pass even at Max.
type MinMem struct {
	Workload string `json:"workload"`
	Unigo    int    `json:"unigo_mib"`
	Linux    int    `json:"linux_mib"`
	Step     int    `json:"step_mib"`
	Max      int    `json:"max_mib"`
}

// Sizes are file sizes in bytes.
type Sizes struct {
	UnigoImage     int64 `json:"unigo_image"`
	LinuxKernel    int64 `json:"linux_kernel_booted"`
	LinuxBzImage   int64 `json:"linux_bzimage"`
	LinuxInitramfs int64 `json:"linux_initramfs_gz"`
	LinuxInit      int64 `json:"linux_init"`
}

// Conditions say how the numbers were taken.
type Conditions struct {
	Date          string  `json:"date"`
	Accel         string  `json:"accel"`
	Machine       string  `json:"machine"`
	MemMiB        int     `json:"mem_mib"`
	Runs          int     `json:"runs"`
	Quick         bool    `json:"quick"`
	QEMU          string  `json:"qemu"`
	QEMUArgs      string  `json:"qemu_args"`
	HostCPUs      int     `json:"host_cpus"`
	HostCPU       string  `json:"host_cpu"`
	GuestCPUs     int     `json:"guest_cpus"`
	GoVersion     string  `json:"go"`
	LinuxPackage  string  `json:"linux_package"`
	LinuxBoot     string  `json:"linux_boot"`
	LinuxCmdline  string  `json:"linux_cmdline"`
	TimeoutPolicy string  `json:"timeouts"`
	Seconds       float64 `json:"seconds"`
	UnigoCommit   string  `json:"unigo_commit,omitempty"`
	LoadAvgStart  string  `json:"host_loadavg_start"`
	LoadAvgEnd    string  `json:"host_loadavg_end"`
}

// Results is everything one run of the suite produced (results.json).
type Results struct {
	Conditions Conditions     `json:"conditions"`
	Figures    []Figure       `json:"figures"`
	MinMem     []MinMem       `json:"min_mem"`
	Sizes      Sizes          `json:"sizes"`
	Attempts   map[string]int `json:"timed_runs"`
	Retries    map[string]int `json:"retries_after_timeout"`
	Failures   []string       `json:"failures"`
}

func stats(v []float64) *Stats {
	if len(v) == 0 {
		return nil
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	q := func(p float64) float64 { // linear interpolation between order statistics
		x := p * float64(len(s)-1)
		i := int(x)
		if i+1 >= len(s) {
			return s[len(s)-1]
		}
		return s[i] + (x-float64(i))*(s[i+1]-s[i])
	}
	return &Stats{N: len(s), Median: q(0.5), Min: s[0], Max: s[len(s)-1], Q1: q(0.25), Q3: q(0.75), Runs: v}
}

func collect(samples map[string]map[string][]float64) []Figure {
	var out []Figure
	for key, f := range figures {
		u, l := stats(samples["unigo"][key]), stats(samples["linux"][key])
		if u == nil && l == nil {
			continue
		}
		fg := Figure{Key: key, Label: f.label, Unit: f.unit, Unigo: u, Linux: l}
		if u != nil && l != nil && u.Median > 0 {
			fg.Ratio = l.Median / u.Median
		}
		out = append(out, fg)
	}
	sort.Slice(out, func(i, j int) bool { return figures[out[i].Key].order < figures[out[j].Key].order })
	return out
}

func num(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func cell(s *Stats) string {
	if s == nil {
		return "—"
	}
	if s.N == 1 {
		return num(s.Median)
	}
	return fmt.Sprintf("%s (%s–%s)", num(s.Median), num(s.Min), num(s.Max))
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// Markdown is the table for the terminal and the README.
func (r *Results) Markdown() string {
	c := r.Conditions
	var b strings.Builder
	acc := "TCG (no KVM)"
	if c.Accel == "kvm" {
		acc = "KVM"
	}
	fmt.Fprintf(&b, "| QEMU %s, -M %s, %d MiB, 1 vCPU, median (min–max) of %d runs | unigo | Linux VM | Linux ÷ unigo |\n", acc, c.Machine, c.MemMiB, c.Runs)
	b.WriteString("|---|---:|---:|---:|\n")
	for _, f := range r.Figures {
		ratio := "—"
		if f.Ratio > 0 {
			ratio = fmt.Sprintf("%.2f×", f.Ratio)
		}
		fmt.Fprintf(&b, "| %s (%s) | %s | %s | %s |\n", f.Label, f.Unit, cell(f.Unigo), cell(f.Linux), ratio)
	}
	for _, m := range r.MinMem {
		mm := func(v int) string {
			if v == 0 {
				return fmt.Sprintf("> %d MiB", m.Max)
			}
			return fmt.Sprintf("%d MiB", v)
		}
		ratio := "—"
		if m.Unigo > 0 && m.Linux > 0 {
			ratio = fmt.Sprintf("%.2f×", float64(m.Linux)/float64(m.Unigo))
		}
		fmt.Fprintf(&b, "| smallest --mem at which %s passes (step %d MiB) | %s | %s | %s |\n", m.Workload, m.Step, mm(m.Unigo), mm(m.Linux), ratio)
	}
	s := r.Sizes
	lt := s.LinuxKernel + s.LinuxInitramfs
	fmt.Fprintf(&b, "| image size: unigo image vs kernel as booted + initramfs.gz | %s | %s + %s = %s | %.2f× |\n",
		mib(s.UnigoImage), mib(s.LinuxKernel), mib(s.LinuxInitramfs), mib(lt), float64(lt)/float64(s.UnigoImage))
	if s.LinuxBzImage != s.LinuxKernel {
		fmt.Fprintf(&b, "| image size: unigo image vs bzImage + initramfs.gz | %s | %s | %.2f× |\n",
			mib(s.UnigoImage), mib(s.LinuxBzImage+s.LinuxInitramfs), float64(s.LinuxBzImage+s.LinuxInitramfs)/float64(s.UnigoImage))
	}
	fmt.Fprintf(&b, "\nConditions: %s; host %s, %d cores (guests and harness share them); %s.\n", c.QEMU, c.HostCPU, c.HostCPUs, c.GoVersion)
	fmt.Fprintf(&b, "Linux: %s, %s, command line `%s`; /init is the same Go program (static).\n", c.LinuxPackage, c.LinuxBoot, c.LinuxCmdline)
	if c.LoadAvgStart != "" {
		fmt.Fprintf(&b, "Host load average (1, 5, 15 min) at start %s, at end %s: other work on the host widens the spread.\n", c.LoadAvgStart, c.LoadAvgEnd)
	}
	fmt.Fprintf(&b, "Timed runs per side: unigo %d, linux %d; retries after a timeout: unigo %d, linux %d; failed runs: %d. Suite took %.0f s.\n",
		r.Attempts["unigo"], r.Attempts["linux"], r.Retries["unigo"], r.Retries["linux"], len(r.Failures), c.Seconds)
	return b.String()
}

func (r *Results) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(j, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.md"), []byte(r.Markdown()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "boottime.svg"), []byte(r.SVG()), 0o644)
}
