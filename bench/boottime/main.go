// Command boottime measures how long a unigo image takes under QEMU from process start to
// its first console line and to exit, over N runs, and prints the median and spread.
//
//	go run ./bench/boottime [-n 10] [-machine microvm] [-accel tcg] [-mem 256M] [pkg]
//
// It builds the package (default ./examples/hello) with the unigo CLI once, then starts
// QEMU itself, so the CLI's own start-up is not counted.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"
)

func main() {
	n := flag.Int("n", 10, "runs")
	machine := flag.String("machine", "microvm", "QEMU machine type")
	accel := flag.String("accel", "tcg", "QEMU accelerator")
	mem := flag.String("mem", "256M", "guest memory")
	flag.Parse()
	pkg := "./examples/hello"
	if flag.NArg() > 0 {
		pkg = flag.Arg(0)
	}
	dir, err := os.MkdirTemp("", "unigo-boottime-")
	check(err)
	defer os.RemoveAll(dir)
	img := filepath.Join(dir, "guest.img")
	build := exec.Command("go", "run", "./cmd/unigo", "build", "-o", img, pkg)
	build.Stderr = os.Stderr
	check(build.Run())
	st, err := os.Stat(img)
	check(err)

	m := *machine
	if m == "microvm" {
		m = "microvm,acpi=off"
	}
	var first, exit []time.Duration
	for i := 0; i < *n; i++ {
		cmd := exec.Command("qemu-system-x86_64", "-M", m, "-accel", *accel, "-cpu", "max", "-m", *mem,
			"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
			"-chardev", "stdio,id=con,signal=off", "-serial", "chardev:con",
			"-device", "isa-debug-exit,iobase=0x501,iosize=2", "-kernel", img,
			"-append", "unigo.seed=00112233445566778899aabbccddeeff -- arg=hello")
		out, err := cmd.StdoutPipe()
		check(err)
		start := time.Now()
		check(cmd.Start())
		r := bufio.NewReader(out)
		_, err = r.ReadString('\n')
		check(err)
		first = append(first, time.Since(start))
		for {
			if _, err := r.ReadString('\n'); err != nil {
				break
			}
		}
		cmd.Wait() // isa-debug-exit makes QEMU's status non-zero by design
		exit = append(exit, time.Since(start))
	}
	fmt.Printf("image %s: %d bytes; machine %s, accel %s, mem %s, %d runs\n", pkg, st.Size(), *machine, *accel, *mem, *n)
	fmt.Printf("%-22s %10s %10s %10s\n", "", "median", "min", "max")
	row("QEMU start -> 1st line", first)
	row("QEMU start -> exit", exit)
}

func row(name string, d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	ms := func(x time.Duration) string { return fmt.Sprintf("%.1f ms", float64(x.Microseconds())/1000) }
	fmt.Printf("%-22s %10s %10s %10s\n", name, ms(d[len(d)/2]), ms(d[0]), ms(d[len(d)-1]))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "boottime:", err)
		os.Exit(1)
	}
}
