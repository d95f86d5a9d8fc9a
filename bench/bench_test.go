package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestLZ4Block(t *testing.T) {
	// "abc", then a match of 6 at offset 3 (overlapping), then literal "x".
	src := []byte{0x32, 'a', 'b', 'c', 3, 0, 0x10, 'x'}
	got, err := lz4Block(nil, src)
	if err != nil || string(got) != "abcabcabcx" {
		t.Fatalf("lz4Block = %q, %v", got, err)
	}
	// long literal run (15 + 5) and a long match (15 + 4 + 2 + 4)
	lit := strings.Repeat("y", 20)
	src = append([]byte{0xff, 5}, lit...)
	src = append(src, 1, 0, 6, 0x10, 'z')
	got, err = lz4Block(nil, src)
	if want := lit + strings.Repeat("y", 25) + "z"; err != nil || string(got) != want {
		t.Fatalf("lz4Block = %q, %v; want %q", got, err, want)
	}
	if _, err := lz4Block(nil, []byte{0x11, 'a', 9, 0}); err == nil {
		t.Fatal("offset past the start: no error")
	}
}

func TestUnlz4Legacy(t *testing.T) {
	blk := []byte{0x32, 'a', 'b', 'c', 3, 0, 0x10, 'x'}
	var p []byte
	p = append(p, 0x02, 0x21, 0x4c, 0x18)
	for i := 0; i < 2; i++ {
		p = append(p, byte(len(blk)), 0, 0, 0)
		p = append(p, blk...)
	}
	p = append(p, 20, 0, 0, 0) // the kernel build's trailing size
	got, err := unlz4Legacy(p)
	if err != nil || string(got) != "abcabcabcxabcabcabcx" {
		t.Fatalf("unlz4Legacy = %q, %v", got, err)
	}
}

func TestExtractVmlinuxRejects(t *testing.T) {
	if _, err := extractVmlinux(make([]byte, 4096)); err == nil {
		t.Fatal("no setup header: no error")
	}
}

func TestInitramfs(t *testing.T) {
	gz, err := initramfs([]byte("\x7fELF..."))
	if err != nil {
		t.Fatal(err)
	}
	z, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(z)
	// walk the newc records
	var names []string
	for off := 0; off < len(raw); {
		h := string(raw[off : off+110])
		if !strings.HasPrefix(h, "070701") {
			t.Fatalf("bad magic at %d: %q", off, h[:6])
		}
		hex := func(i int) int {
			var v int
			for _, c := range h[6+8*i : 14+8*i] {
				v = v*16 + strings.IndexRune("0123456789ABCDEF", c)
			}
			return v
		}
		size, namesize := hex(6), hex(11)
		name := string(raw[off+110 : off+110+namesize-1])
		names = append(names, name)
		off = (off + 110 + namesize + 3) &^ 3
		off = (off + size + 3) &^ 3
		if name == "TRAILER!!!" {
			break
		}
	}
	if got := strings.Join(names, " "); got != "dev dev/console init TRAILER!!!" {
		t.Fatalf("entries %q", got)
	}
}

func fakeResults() *Results {
	samples := map[string]map[string][]float64{
		"unigo": {"hello.first_line": {110, 120, 130}, "hello.exit": {115, 125, 135}, "getpid": {7000}},
		"linux": {"hello.first_line": {2500, 2600, 2700}, "hello.exit": {2510, 2610, 2710}, "getpid": {850}},
	}
	return &Results{
		Conditions: Conditions{Accel: "tcg", Machine: "microvm", MemMiB: 128, Runs: 3},
		Figures:    collect(samples),
		MinMem:     []MinMem{{Workload: "hello", Unigo: 12, Linux: 0, Step: 1, Max: 128}},
		Sizes:      Sizes{UnigoImage: 3 << 20, LinuxKernel: 50 << 20, LinuxBzImage: 14 << 20, LinuxInitramfs: 1 << 20},
	}
}

func TestInRound(t *testing.T) {
	for _, c := range []struct {
		n     int
		share float64
		want  string
	}{
		{20, 0.5, "x.x.x.x.x.x.x.x.x.x."},
		{5, 0.5, "xx.x."},
		{5, 0, "xxxxx"},
		{1, 0.5, "x"},
		{10, 0.25, "x..x..x..."},
	} {
		got := ""
		for i := 0; i < c.n; i++ {
			if inRound(i, c.n, c.share) {
				got += "x"
			} else {
				got += "."
			}
		}
		if got != c.want {
			t.Errorf("inRound(n %d, share %v) = %s, want %s", c.n, c.share, got, c.want)
		}
	}
}

func TestDerived(t *testing.T) {
	samples := map[string]map[string][]float64{
		"unigo": {"parallel@1cpu": {1000, 1100, 900}, "parallel@2cpu": {500, 450, 550}, "files_seq_write": {600}},
		"linux": {"parallel@1cpu": {800}, "parallel@2cpu": {500}, "files_seq_write": {100}},
	}
	figs := derive(collect(samples))
	var keys []string
	by := map[string]Figure{}
	for _, f := range figs {
		keys = append(keys, f.Key)
		by[f.Key] = f
	}
	if got := strings.Join(keys, " "); got != "parallel@1cpu parallel@2cpu parallel.speedup parallel.speedup_fastest files_seq_write" {
		t.Fatalf("rows %s", got)
	}
	sp := by["parallel.speedup"]
	if sp.Unigo.Median != 2 || sp.Linux.Median != 1.6 || sp.Ratio != 1.25 || sp.Derived == "" {
		t.Errorf("speedup %+v %+v ratio %v", sp.Unigo, sp.Linux, sp.Ratio)
	}
	if w := by["files_seq_write"]; w.Ratio != 6 || !w.HigherIsBetter {
		t.Errorf("files_seq_write ratio %v (a rate: unigo ÷ Linux)", w.Ratio)
	}
	md := (&Results{Conditions: Conditions{Runs: 3}, Figures: figs}).Markdown()
	for _, want := range []string{"| parallel: speedup from 1 to 2 vCPUs (1-vCPU median ÷ 2-vCPU median) | 2.00× | 1.60× | 1.25× |", "(MiB/s), 1 runs | 600 | 100 | 6.00× |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestReport(t *testing.T) {
	r := fakeResults()
	if len(r.Figures) != 3 || r.Figures[0].Key != "hello.first_line" || r.Figures[0].Unigo.Median != 120 {
		t.Fatalf("figures %+v", r.Figures)
	}
	md := r.Markdown()
	for _, want := range []string{"TCG", "| hello: QEMU start → first line (ms) | 120 (110–130) | 2600 (2500–2700) | 21.67× |", "> 128 MiB"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	checkSVG(t, []byte(r.SVG()))
}

func checkSVG(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	circles := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("svg does not parse: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "circle" {
			circles++
		}
	}
	if circles == 0 {
		t.Fatal("svg has no data points")
	}
}

// TestSmoke runs `go run ./bench --quick` in-process (both sides prepared,
// one run of each workload, coarse bisection) when UNIGO_BENCH_SMOKE=1, and
// checks that its outputs parse. It checks nothing about speed.
func TestSmoke(t *testing.T) {
	if os.Getenv("UNIGO_BENCH_SMOKE") != "1" {
		t.Skip("set UNIGO_BENCH_SMOKE=1 to run the benchmark suite's quick mode (needs QEMU, apt-get, about a minute)")
	}
	out := t.TempDir()
	s, err := parseFlags([]string{"--quick", "-out", out})
	if err != nil {
		t.Fatal(err)
	}
	s.log = func(m string) { t.Log(m) }
	if _, err := s.Main(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r Results
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("results.json: %v", err)
	}
	have := map[string]bool{}
	for _, f := range r.Figures {
		if f.Unigo != nil && f.Linux != nil && f.Ratio > 0 {
			have[f.Key] = true
		}
	}
	for _, k := range []string{"hello.first_line", "hello.exit", "getpid", "pipe_rw", "time_now", "goroutine_pingpong", "chan_handoff", "mutex_contended", "gc_churn",
		"hello.first_line@4cpu", "hello.first_line.4v1", "parallel@1cpu", "parallel@2cpu", "parallel.speedup", "files_seq_write", "files_seq_read", "files_fsync_4k", "parallel.speedup_fastest",
		"volume_seq_write", "volume_seq_read", "volume_fsync_4k",
		"httpd.first_200", "httpd.p50", "httpd.p99", "httpd.rps"} {
		if !have[k] {
			t.Errorf("results.json: no figure %q for both sides", k)
		}
	}
	if g := r.Sizes.FilesGrowth; g == nil || g.PerMiB(g.Random) < 1<<20 || g.PerMiB(g.Small) < g.PerMiB(g.Random) {
		t.Errorf("results.json: files_growth %+v: want at least 1 MiB per MiB, more for small files", g)
	}
	if len(r.MinMem) != 2 || r.Sizes.UnigoImage == 0 || r.Sizes.LinuxKernel == 0 || r.Conditions.Runs != 1 {
		t.Errorf("results.json: min_mem %+v, sizes %+v, runs %d", r.MinMem, r.Sizes, r.Conditions.Runs)
	}
	if len(r.Failures) > 0 {
		t.Errorf("failed runs:\n%s", strings.Join(r.Failures, "\n"))
	}
	md, err := os.ReadFile(filepath.Join(out, "results.md"))
	if err != nil || !strings.Contains(string(md), "| QEMU ") {
		t.Errorf("results.md: %v\n%s", err, md)
	}
	svg, err := os.ReadFile(filepath.Join(out, "boottime.svg"))
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, svg)
}

// TestGuestWithoutNet checks that the guest's default build does not import
// package net: `unigo build` would then link the netstack service into the
// image every workload but httpd boots (httpd has its own -tags benchnet
// build).
func TestGuestWithoutNet(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./guest").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "net" || strings.HasPrefix(p, "net/") {
			t.Errorf("bench/guest imports %s without -tags benchnet", p)
		}
	}
}
