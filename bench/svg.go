package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strings"
)

// SVG draws the boot-time distributions of the hello workload: one row per
// side and figure, every run a dot, the median a bar, on a log time axis
// (the two sides differ by more than an order of magnitude).
func (r *Results) SVG() string {
	type row struct {
		label string
		st    *Stats
		color string
	}
	var rows []row
	for _, key := range []string{"hello.first_line", "hello.exit", "hello.first_line@4cpu", "hello.exit@4cpu"} {
		for _, f := range r.Figures {
			if f.Key != key {
				continue
			}
			what := "first line"
			if strings.HasPrefix(key, "hello.exit") {
				what = "QEMU exited"
			}
			uc, lc := "#1f77b4", "#d95f02"
			if strings.HasSuffix(key, "@4cpu") {
				what += ", 4 vCPUs"
				uc, lc = "#6a51a3", "#a6761d"
			}
			if f.Unigo != nil {
				rows = append(rows, row{"unigo: " + what, f.Unigo, uc})
			}
			if f.Linux != nil {
				rows = append(rows, row{"Linux VM: " + what, f.Linux, lc})
			}
		}
	}
	const (
		W, left, right, top, rowH = 800, 210, 30, 50, 44
	)
	H := top + rowH*len(rows) + 50
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, rw := range rows {
		lo, hi = math.Min(lo, rw.st.Min), math.Max(hi, rw.st.Max)
	}
	if len(rows) == 0 {
		lo, hi = 10, 1000
	}
	// decades around the data, with 1-2-5 ticks
	lmin, lmax := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if lmax <= lmin {
		lmax = lmin + 1
	}
	x := func(v float64) float64 {
		return left + (math.Log10(v)-lmin)/(lmax-lmin)*(W-left-right)
	}
	var b bytes.Buffer
	esc := func(s string) string {
		var e bytes.Buffer
		xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	c := r.Conditions
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", W, H, W, H)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="20" font-size="14" font-weight="bold">%s</text>`+"\n", 10,
		esc("hello: QEMU start to first line and to exit, 1 and 4 vCPUs (log scale)"))
	fmt.Fprintf(&b, `<text x="%d" y="37" fill="#555">%s</text>`+"\n", 10,
		esc(fmt.Sprintf("QEMU %s, -M %s, %d MiB, same program; dots = runs, bar = median", c.Accel, c.Machine, c.MemMiB)))
	axisY := top + rowH*len(rows)
	for d := lmin; d <= lmax; d++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, d)
			if math.Log10(v) > lmax+1e-9 {
				break
			}
			xv := x(v)
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", xv, top-6, xv, axisY)
			label := fmt.Sprintf("%g ms", v)
			if v >= 1000 {
				label = fmt.Sprintf("%g s", v/1000)
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>`+"\n", xv, axisY+16, label)
		}
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>`+"\n", left, axisY, W-right, axisY)
	for i, rw := range rows {
		cy := top + rowH*i + rowH/2
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", left-10, cy, esc(rw.label))
		for j, v := range rw.st.Runs {
			jit := float64((j*7)%11-5) * 1.6 // deterministic jitter
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s" fill-opacity="0.55"/>`+"\n", x(v), float64(cy)+jit, rw.color)
		}
		mx := x(rw.st.Median)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="3"/>`+"\n", mx, cy-14, mx, cy+14, rw.color)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="11" fill="%s">%s ms</text>`+"\n", mx+5, cy-8, rw.color, num(rw.st.Median))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#555">time since QEMU was started (host wall clock)</text>`+"\n", left, axisY+38)
	b.WriteString("</svg>\n")
	return b.String()
}
