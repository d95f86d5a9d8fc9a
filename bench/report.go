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
	// rate: higher is better (MiB/s, ops/s, speedups), so the ratio is
	// unigo ÷ Linux; otherwise (times, sizes) it is Linux ÷ unigo. Either
	// way a ratio above 1 means unigo is better.
	rate bool
}

// figures are the rows, by key. Keys of guest metrics match the names the
// guest prints (bench/guest).
var figures = map[string]figure{
	"hello.first_line":      {0, "hello: QEMU start → first line", "ms", false},
	"hello.exit":            {1, "hello: QEMU start → QEMU exited", "ms", false},
	"hello.first_line@4cpu": {2, "hello, 4 vCPUs: QEMU start → first line", "ms", false},
	"hello.exit@4cpu":       {3, "hello, 4 vCPUs: QEMU start → QEMU exited", "ms", false},
	"getpid":                {10, "syscall.Getpid", "ns/op", false},
	"pipe_rw":               {11, "pipe write+read round trip, 1 byte (for read of /dev/zero)", "ns/op", false},
	"time_now":              {12, "time.Now", "ns/op", false},
	"goroutine_pingpong":    {13, "goroutine ping-pong, unbuffered channels", "ns/round trip", false},
	"chan_handoff":          {14, "channel handoff, buffered (128)", "ns/item", false},
	"mutex_contended":       {15, "sync.Mutex, 4 goroutines contending", "ns/lock", false},
	"gc_churn":              {20, "GC churn: 256 MiB in 16 B–8 KiB objects", "ms", false},
	"gc_cycles":             {21, "GC cycles during the churn", "cycles", false},
	"parallel@1cpu":         {30, "parallel: SHA-256 of 64 × 64 KiB blocks, 4 rounds, GOMAXPROCS goroutines, 1 vCPU", "ms", false},
	"parallel@2cpu":         {31, "parallel: the same, 2 vCPUs", "ms", false},
	"kernel_faults@1cpu":    {34, "kernelpar: 64 MiB demand-faulted in 1 MiB mappings (mmap, touch, munmap), GOMAXPROCS threads, 1 vCPU", "ms", false},
	"kernel_faults@2cpu":    {35, "kernelpar: the same, 2 vCPUs", "ms", false},
	"kernel_futex@1cpu":     {37, "kernelpar: 100,000 FUTEX_WAKE calls with no waiter, GOMAXPROCS threads, 1 vCPU", "ms", false},
	"kernel_futex@2cpu":     {38, "kernelpar: the same, 2 vCPUs", "ms", false},
	"files_seq_write":       {40, "files (tmpfs at /tmp on both sides, memory only): sequential write of 32 MiB in 1 MiB writes + fsync", "MiB/s", true},
	"files_seq_read":        {41, "files (tmpfs): sequential read of it back", "MiB/s", true},
	"files_fsync_4k":        {42, "files (tmpfs): 4 KiB append + fsync, 4096 times", "ops/s", true},
	"volume_seq_write":      {45, "volume (fresh 256 MiB ext2 image on virtio-blk at /data, cache=writeback): sequential write of 32 MiB in 1 MiB writes + fsync", "MiB/s", true},
	"volume_seq_read":       {46, "volume: sequential read of it back from the disk (Linux first drops the file's pages: posix_fadvise DONTNEED)", "MiB/s", true},
	"volume_fsync_4k":       {47, "volume: 4 KiB append + fsync, 1024 times (each fsync a flush: host fdatasync)", "ops/s", true},
	"httpd.first_200":       {50, "httpd (net/http, 64 B body, user-net port forward): QEMU start → first HTTP 200", "ms", false},
	"httpd.p50":             {51, "httpd: sequential GET / on one keep-alive connection, p50", "ms", false},
	"httpd.p99":             {52, "httpd: the same, p99", "ms", false},
	"httpd.rps":             {53, "httpd: requests/s, Go load loop with 8 keep-alive connections on the same 2 host cores", "req/s", true},
	"conns_open":            {55, "conns: open 500 loopback TCP connections to an echo server in the guest (200 with --quick)", "ms", false},
	"conns_echo":            {56, "conns: 64 B echo round trip on each in turn, all of them open", "µs", false},
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
	Key   string `json:"key"`
	Label string `json:"label"`
	Unit  string `json:"unit"`
	Unigo *Stats `json:"unigo,omitempty"`
	Linux *Stats `json:"linux,omitempty"`
	// Ratio is Linux's median ÷ unigo's for times and sizes, unigo's ÷
	// Linux's for rates (HigherIsBetter): above 1, unigo is better.
	Ratio          float64 `json:"ratio,omitempty"`
	HigherIsBetter bool    `json:"higher_is_better,omitempty"`
	// Derived, if set, says how the row was computed from two others (each
	// side's Stats then has N 0 and only Median set).
	Derived string `json:"derived,omitempty"`
}

// derivedFigure is a row computed from the medians of two others, on each
// side: num ÷ den.
type derivedFigure struct {
	key, label, num, den string
	order                int
	rate                 bool
	// fastest divides the two sources' minimum times instead of their
	// medians: on a host shared with other work a CPU-bound run at 2 vCPUs
	// only shows its speedup when both host cores were free, and the
	// fastest run is the one least disturbed.
	fastest bool
}

var derivedFigures = []derivedFigure{
	{"hello.first_line.4v1", "hello: first line at 4 vCPUs ÷ at 1 vCPU (median ÷ median)", "hello.first_line@4cpu", "hello.first_line", 4, false, false},
	{"parallel.speedup", "parallel: speedup from 1 to 2 vCPUs (1-vCPU median ÷ 2-vCPU median)", "parallel@1cpu", "parallel@2cpu", 32, true, false},
	{"parallel.speedup_fastest", "parallel: speedup of the fastest runs (1-vCPU min ÷ 2-vCPU min)", "parallel@1cpu", "parallel@2cpu", 33, true, true},
	{"kernel_faults.speedup", "kernelpar: demand faults, speedup from 1 to 2 vCPUs (median ÷ median)", "kernel_faults@1cpu", "kernel_faults@2cpu", 36, true, false},
	{"kernel_futex.speedup", "kernelpar: futex calls, speedup from 1 to 2 vCPUs (median ÷ median)", "kernel_futex@1cpu", "kernel_futex@2cpu", 39, true, false},
}

// derive adds the derived rows whose two sources are in figs, in table
// order (derived rows already in figs are computed afresh).
func derive(figs []Figure) []Figure {
	var out []Figure
	for _, f := range figs {
		if f.Derived == "" {
			out = append(out, f)
		}
	}
	byKey := map[string]*Figure{}
	for i := range out {
		byKey[out[i].Key] = &out[i]
	}
	var derived []Figure
	for _, d := range derivedFigures {
		n, m := byKey[d.num], byKey[d.den]
		if n == nil || m == nil {
			continue
		}
		stat := "median"
		if d.fastest {
			stat = "min"
		}
		f := Figure{Key: d.key, Label: d.label, Unit: "×", HigherIsBetter: d.rate,
			Derived: stat + " of " + d.num + " ÷ " + stat + " of " + d.den}
		q := func(a, b *Stats) *Stats {
			if a == nil || b == nil {
				return nil
			}
			x, y := a.Median, b.Median
			if d.fastest {
				x, y = a.Min, b.Min
			}
			if y == 0 {
				return nil
			}
			return &Stats{Median: x / y}
		}
		f.Unigo, f.Linux = q(n.Unigo, m.Unigo), q(n.Linux, m.Linux)
		f.Ratio = ratio(f.Unigo, f.Linux, d.rate)
		derived = append(derived, f)
	}
	out = append(out, derived...)
	sort.SliceStable(out, func(i, j int) bool { return order(out[i].Key) < order(out[j].Key) })
	return out
}

func order(key string) int {
	if f, ok := figures[key]; ok {
		return f.order
	}
	for _, d := range derivedFigures {
		if d.key == key {
			return d.order
		}
	}
	return 1 << 20
}

// ratio is the ratio of the medians, oriented so that above 1 means unigo
// is better; 0 if either side is missing.
func ratio(u, l *Stats, rate bool) float64 {
	if u == nil || l == nil || u.Median <= 0 || l.Median <= 0 {
		return 0
	}
	if rate {
		return u.Median / l.Median
	}
	return l.Median / u.Median
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
	// FilesGrowth is unigo's image growth with --files (filesgrowth.go).
	FilesGrowth *FilesGrowth `json:"files_growth,omitempty"`
}

// Conditions say how the numbers were taken.
type Conditions struct {
	Date        string `json:"date"`
	Accel       string `json:"accel"`
	Machine     string `json:"machine"`
	MemMiB      int    `json:"mem_mib"`
	Runs        int    `json:"runs"`
	Quick       bool   `json:"quick"`
	QEMU        string `json:"qemu"`
	QEMUArgs    string `json:"qemu_args"`
	HostCPUs    int    `json:"host_cpus"`
	HostCPU     string `json:"host_cpu"`
	GuestCPUs   string `json:"guest_cpus"`
	QEMUArgsSMP string `json:"qemu_args_2cpu"`
	// QEMUArgsVolume are the volume workload's extra arguments (vm.go:
	// volumeArgs), the same on both sides but for the machine.
	QEMUArgsVolume string  `json:"qemu_args_volume,omitempty"`
	GoVersion      string  `json:"go"`
	LinuxPackage   string  `json:"linux_package"`
	LinuxBoot      string  `json:"linux_boot"`
	LinuxCmdline   string  `json:"linux_cmdline"`
	TimeoutPolicy  string  `json:"timeouts"`
	Seconds        float64 `json:"seconds"`
	UnigoCommit    string  `json:"unigo_commit,omitempty"`
	LoadAvgStart   string  `json:"host_loadavg_start"`
	LoadAvgEnd     string  `json:"host_loadavg_end"`
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
		fg := Figure{Key: key, Label: f.label, Unit: f.unit, Unigo: u, Linux: l, HigherIsBetter: f.rate}
		fg.Ratio = ratio(u, l, f.rate)
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

func cell(s *Stats, unit string) string {
	if s == nil {
		return "—"
	}
	if unit == "×" {
		return fmt.Sprintf("%.2f×", s.Median)
	}
	if s.N <= 1 {
		return num(s.Median)
	}
	return fmt.Sprintf("%s (%s–%s)", num(s.Median), num(s.Min), num(s.Max))
}

// runs is the number of runs behind a row (the larger side's, 0 for a
// derived row).
func runs(f Figure) int {
	n := 0
	for _, s := range []*Stats{f.Unigo, f.Linux} {
		if s != nil && s.N > n {
			n = s.N
		}
	}
	return n
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
	fmt.Fprintf(&b, "| QEMU %s, -M %s, %d MiB, 1 vCPU unless stated, median (min–max) of %d runs | unigo | Linux VM | ratio (> 1: unigo better) |\n", acc, c.Machine, c.MemMiB, c.Runs)
	b.WriteString("|---|---:|---:|---:|\n")
	for _, f := range r.Figures {
		ratio := "—"
		if f.Ratio > 0 {
			ratio = fmt.Sprintf("%.2f×", f.Ratio)
		}
		label := f.Label
		if f.Unit != "×" {
			label += " (" + f.Unit + ")"
		}
		if n := runs(f); n > 0 && n != c.Runs {
			label += fmt.Sprintf(", %d runs", n)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", label, cell(f.Unigo, f.Unit), cell(f.Linux, f.Unit), ratio)
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
	if s := r.Sizes; s.UnigoImage > 0 {
		lt := s.LinuxKernel + s.LinuxInitramfs
		fmt.Fprintf(&b, "| image size: unigo image vs kernel as booted + initramfs.gz | %s | %s + %s = %s | %.2f× |\n",
			mib(s.UnigoImage), mib(s.LinuxKernel), mib(s.LinuxInitramfs), mib(lt), float64(lt)/float64(s.UnigoImage))
		if s.LinuxBzImage != s.LinuxKernel {
			fmt.Fprintf(&b, "| image size: unigo image vs bzImage + initramfs.gz | %s | %s | %.2f× |\n",
				mib(s.UnigoImage), mib(s.LinuxBzImage+s.LinuxInitramfs), float64(s.LinuxBzImage+s.LinuxInitramfs)/float64(s.UnigoImage))
		}
	}
	if g := r.Sizes.FilesGrowth; g != nil && g.Base > 0 {
		for _, c := range []struct {
			what  string
			total int64
		}{{fmt.Sprintf("%d MiB of random bytes in one file", g.PayloadMiB), g.Random},
			{fmt.Sprintf("the same %d MiB in %d files", g.PayloadMiB, g.SmallFiles), g.Small}} {
			if c.total > 0 {
				per := g.PerMiB(c.total)
				fmt.Fprintf(&b, "| image size growth per MiB of --files (ELF + root tar; unigo only), %s | %.0f B (%.3f MiB) | — | — |\n", c.what, per, per/(1<<20))
			}
		}
	}
	b.WriteString("\nThe ratio is Linux ÷ unigo for times and sizes and unigo ÷ Linux for rates (MiB/s, ops/s, speedups), so above 1 unigo is better. ")
	b.WriteString("The files rows use a tmpfs at /tmp on both sides (unigo's default one; Linux's /init mounts one of the same 64 MiB): they measure neither a disk nor virtio-blk. ")
	b.WriteString("The volume rows run the same program on a fresh ext2 image from `unigo volume create` per run, attached as virtio-blk with `cache=writeback` on both sides (guest writes land in the host's page cache; a guest flush, which each fsync ends in, is an fdatasync of the image on the host); unigo mounts it with `unigo.vol=/data`, Linux's /init loads virtio_blk and mounts /dev/vda as ext2 (served by the built-in ext4 driver). ")
	b.WriteString("Rows with vCPUs > 1 run with `-smp N -accel tcg,thread=multi` on both sides (and `unigo.cpus=N` on unigo).\n")
	fmt.Fprintf(&b, "\nConditions: %s; host %s, %d cores (guests and harness share them); %s.\n", c.QEMU, c.HostCPU, c.HostCPUs, c.GoVersion)
	fmt.Fprintf(&b, "Linux: %s, %s, command line `%s`; /init is the same Go program (static).\n", c.LinuxPackage, c.LinuxBoot, c.LinuxCmdline)
	if c.LoadAvgStart != "" {
		fmt.Fprintf(&b, "Host load average (1, 5, 15 min) at start %s, at end %s: other work on the host widens the spread.\n", c.LoadAvgStart, c.LoadAvgEnd)
	}
	fmt.Fprintf(&b, "Timed runs per side: unigo %d, linux %d; retries after a hang (timeout, or an httpd request unanswered for 5 s): unigo %d, linux %d; failed runs: %d. Suite took %.0f s.\n",
		r.Attempts["unigo"], r.Attempts["linux"], r.Retries["unigo"], r.Retries["linux"], len(r.Failures), c.Seconds)
	return b.String()
}

// rerender reads a results.json, recomputes its derived rows with this
// version of the suite and writes results.json, results.md and
// boottime.svg to dir: --from, for a change to the report, not the runs.
func rerender(file, dir string) (*Results, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var r Results
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	for i, f := range r.Figures {
		if fg, ok := figures[f.Key]; ok {
			r.Figures[i].Label, r.Figures[i].HigherIsBetter = fg.label, fg.rate
			r.Figures[i].Ratio = ratio(f.Unigo, f.Linux, fg.rate)
		}
	}
	r.Figures = derive(r.Figures)
	return &r, r.write(dir)
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
