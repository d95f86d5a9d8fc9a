// Command guest is the program both sides of the benchmark run: as the unigo
// image (built with `unigo build`) and as /init of a minimal Linux VM (built
// with CGO_ENABLED=0). The host driver (bench/main.go) selects the workload
// through the arguments:
//
//	unigo:  argv = [guest, <workload>, args...]
//	linux:  argv = [/init, linux, <workload>, args...]   (kernel command line "... -- linux <workload>")
//
// Output protocol, one line each, on the serial console:
//
//	BENCH start <workload> <side>          the program's first line
//	BENCH metric <name> <value> <unit>     zero or more results
//	BENCH done                             the workload passed
//
// then the program exits 0 (a failure exits non-zero). On Linux the program
// is PID 1 and must leave through isa-debug-exit itself (see exit_linux.go),
// as unigo's kernel does in exit_group.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
)

// A workload runs inside the guest and prints its metrics. New ones add an
// entry to workloads and a matching host-side entry in bench/workload.go
// (httpd adds its own, in httpd.go, only with -tags benchnet).
type workload struct {
	// net says the workload needs the guest network. unigo's kernel brings it
	// up itself; on Linux, setupLinux loads the virtio modules and configures it.
	net bool
	// tmp says the workload writes in /tmp: unigo has a tmpfs there by
	// default; on Linux, setupLinux mounts one of the same size.
	tmp bool
	// vol says the workload writes on the volume at /data: unigo's kernel
	// mounts it (unigo.vol=/data); on Linux, setupLinux loads the virtio_blk
	// modules and mounts /dev/vda there as ext2.
	vol bool
	run func(args []string) error
}

var workloads = map[string]workload{
	"hello":     {run: hello},
	"syscalls":  {run: syscalls},
	"gc":        {run: gcChurn},
	"parallel":  {run: parallel},
	"kernelpar": {run: kernelpar},
	"files":     {run: files, tmp: true},
	"volume":    {run: volume, vol: true},
}

var side = "unigo"

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "linux" {
		side = "linux"
		args = args[1:]
	}
	if len(args) == 0 {
		fail(fmt.Errorf("no workload given (have %s)", names()))
	}
	w, ok := workloads[args[0]]
	if !ok {
		fail(fmt.Errorf("unknown workload %q (have %s)", args[0], names()))
	}
	fmt.Printf("BENCH start %s %s\n", args[0], side)
	if side == "linux" {
		if err := setupLinux(w); err != nil {
			fail(err)
		}
	}
	if err := w.run(args[1:]); err != nil {
		fail(err)
	}
	fmt.Println("BENCH done")
	exit(0)
}

func names() string {
	var s []string
	for k := range workloads {
		s = append(s, k)
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

func metric(name string, v float64, unit string) {
	fmt.Printf("BENCH metric %s %.6g %s\n", name, v, unit)
}

func fail(err error) {
	fmt.Printf("BENCH fail %v\n", err)
	exit(1)
}

// hello prints one line. With -cpus N it first checks that the runtime sees
// N CPUs (the boot-time figure at 4 vCPUs must not come from a VM that
// started fewer).
func hello(args []string) error {
	fs := flag.NewFlagSet("hello", flag.ContinueOnError)
	cpus := fs.Int("cpus", 0, "expected runtime.NumCPU() (0: do not check)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpus > 0 && runtime.NumCPU() != *cpus {
		return fmt.Errorf("want %d CPUs, runtime.NumCPU() = %d", *cpus, runtime.NumCPU())
	}
	fmt.Printf("hello from %s\n", side)
	return nil
}
