package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/unigo-os/unigo/internal/build"
	"github.com/unigo-os/unigo/internal/vmm"
)

// parseArgs parses flags that may come before or after the positional
// arguments, up to the first "--"; everything after "--" is returned as
// extra, untouched (it belongs to the guest program).
func parseArgs(fs *flag.FlagSet, args []string) (positional, extra []string, err error) {
	if i := slices.Index(args, "--"); i >= 0 {
		args, extra = args[:i], args[i+1:]
		if extra == nil {
			extra = []string{}
		}
	}
	for len(args) > 0 {
		if a := args[0]; a == "-" || !strings.HasPrefix(a, "-") {
			positional = append(positional, a)
			args = args[1:]
			continue
		}
		if err := fs.Parse(args); err != nil {
			return nil, nil, err
		}
		args = fs.Args()
	}
	return positional, extra, nil
}

// newFlagSet returns a flag set that reports errors instead of exiting. The
// flag package prints the error itself; flagError adds a hint, and -h prints
// the full usage.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("unigo "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	return fs
}

// printUsage writes a command's synopsis and flags to w.
func printUsage(w io.Writer, fs *flag.FlagSet, synopsis string) {
	fmt.Fprintf(w, "usage: %s %s\n\nflags (also accepted as --name):\n", fs.Name(), synopsis)
	out := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(out)
}

// flagError finishes a failed parse: usage on stdout for -h (exit 0), a
// hint on stderr otherwise.
func flagError(err error, fs *flag.FlagSet, synopsis string, stdout, stderr io.Writer) int {
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stdout, fs, synopsis)
		return 0
	}
	fmt.Fprintf(stderr, "Run \"%s -h\" for usage.\n", fs.Name())
	return exitUsage
}

// envFlag collects -e KEY=VALUE. A bare -e KEY copies KEY from unigo's own
// environment, as docker run does.
type envFlag []string

func (e *envFlag) String() string { return strings.Join(*e, " ") }

func (e *envFlag) Set(v string) error {
	key, _, hasValue := strings.Cut(v, "=")
	if key == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", v)
	}
	if !hasValue {
		val, ok := os.LookupEnv(key)
		if !ok {
			return fmt.Errorf("%s is not set in unigo's environment (use %s=VALUE)", key, key)
		}
		v = key + "=" + val
	}
	*e = append(*e, v)
	return nil
}

// memFlag is --mem: a size with K, M or G.
type memFlag uint64

func (m *memFlag) String() string { return vmm.FormatMemSize(uint64(*m)) }

func (m *memFlag) Set(v string) error {
	b, err := vmm.ParseMemSize(v)
	if err != nil {
		return err
	}
	*m = memFlag(b)
	return nil
}

// choiceFlag accepts one of a fixed set of words.
type choiceFlag struct {
	val     string
	choices []string
}

func (c *choiceFlag) String() string {
	if c == nil {
		return ""
	}
	return c.val
}

func (c *choiceFlag) Set(v string) error {
	if !slices.Contains(c.choices, v) {
		return fmt.Errorf("%q is not one of %s", v, strings.Join(c.choices, ", "))
	}
	c.val = v
	return nil
}

// cpusFlag is --cpus: 1 to maxCPUs.
type cpusFlag int

// maxCPUs is the most CPUs the kernel runs (kernel/percpu.go): asking for more would
// start vCPUs that sit idle.
const maxCPUs = 64

func (c *cpusFlag) String() string { return strconv.Itoa(int(*c)) }

func (c *cpusFlag) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxCPUs {
		return fmt.Errorf("want a number of CPUs from 1 to %d, got %q", maxCPUs, v)
	}
	*c = cpusFlag(n)
	return nil
}

// timeoutFlag is --timeout: a non-negative duration; 0 means none.
type timeoutFlag time.Duration

func (t *timeoutFlag) String() string { return time.Duration(*t).String() }

func (t *timeoutFlag) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return fmt.Errorf("want a duration such as 30s, 2m or 0 (none), got %q", v)
	}
	*t = timeoutFlag(d)
	return nil
}

// vmFlags are the flags of every command that boots a VM.
type vmFlags struct {
	mem     memFlag
	cpus    cpusFlag
	env     envFlag
	machine choiceFlag
	accel   choiceFlag
	timeout timeoutFlag
	qemu    string
	initrd  string
	files   filesFlag
	tmpfs   tmpfsFlag
	net     netFlags
	volumes volumeFlag
	verbose bool
	strace  bool
	stats   bool
}

func addVMFlags(fs *flag.FlagSet, v *vmFlags) {
	v.mem = memFlag(256 * vmm.MiB)
	v.cpus = 1
	v.machine = choiceFlag{vmm.MachineMicrovm, vmm.Machines}
	v.accel = choiceFlag{vmm.AccelAuto, []string{vmm.AccelAuto, vmm.AccelKVM, vmm.AccelTCG}}
	v.timeout = 0
	fs.Var(&v.mem, "mem", "guest memory `size`, with K, M or G (a bare number is MiB)")
	fs.Var(&v.cpus, "cpus", "`number` of virtual CPUs, 1 to 64 (QEMU -smp)")
	fs.Var(&v.env, "e", "set `KEY=VALUE` in the program's environment (repeatable; bare KEY copies unigo's)")
	fs.Var(&v.machine, "machine", "QEMU machine `type`: microvm, pc or q35")
	fs.Var(&v.accel, "accel", "`accelerator`: auto (KVM if usable, else TCG), kvm or tcg")
	fs.Var(&v.timeout, "timeout", "stop the VM after this `duration` and exit 124 (0: no limit)")
	fs.StringVar(&v.qemu, "qemu", "", "QEMU binary `path` (default "+vmm.DefaultQEMU+" from PATH)")
	fs.StringVar(&v.initrd, "initrd", "", "tar `archive` the guest sees as its read-only root file system (instead of the packed one)")
	fs.Var(&v.files, "files", "pack host directory HOSTDIR read-only into the guest at GUESTPATH (`HOSTDIR:GUESTPATH`, repeatable)")
	fs.Var(&v.tmpfs, "tmpfs", "mount the writable tmpfs at PATH with a SIZE limit in bytes or K, M, G (`PATH:SIZE`, default /tmp:64M)")
	addNetFlags(fs, &v.net)
	fs.Var(&v.volumes, "v", "mount the ext2 file system in host image file HOSTIMG at GUESTPATH, read-write or with :ro read-only (`HOSTIMG:GUESTPATH[:ro]`, repeatable, up to 4)")
	fs.Var(&v.volumes, "volume", "same as -v")
	fs.BoolVar(&v.verbose, "verbose", false, "print the commands unigo runs, the accelerator choice and QEMU's stderr")
	fs.BoolVar(&v.strace, "strace", false, "the kernel prints every system call the program makes, with its result, on the console (kernel option unigo.strace)")
	fs.BoolVar(&v.stats, "stats", false, "the kernel lists the devices at boot and prints counters at exit: syscalls, page faults, timer interrupts, context switches, frames in use (kernel option unigo.stats)")
}

// volumeFlag collects -v HOSTIMG:GUESTPATH[:ro]. The syntax is checked here; the images
// and the guest paths against each other once every flag is parsed (resolveVolumes).
type volumeFlag []vmm.Volume

func (v *volumeFlag) String() string {
	if v == nil {
		return ""
	}
	s := make([]string, len(*v))
	for i, x := range *v {
		s[i] = x.String()
	}
	return strings.Join(s, " ")
}

func (v *volumeFlag) Set(spec string) error {
	x, err := vmm.ParseVolume(spec)
	if err != nil {
		return err
	}
	*v = append(*v, x)
	return nil
}

// resolveVolumes checks the -v volumes: each image exists and holds an ext2 file system,
// and the guest paths are distinct, outside the kernel's own mounts (/dev, /proc, the
// tmpfs) and do not hide a --files tree.
func resolveVolumes(vols []vmm.Volume, tmpfsPath string, files []build.FileMount) error {
	reserved := append(append([]string{}, build.ReservedGuestPaths...), tmpfsPath)
	if err := vmm.CheckVolumes(vols, reserved); err != nil {
		return usagef("%v", err)
	}
	for _, v := range vols {
		for _, f := range files {
			if f.Guest == v.Guest || strings.HasPrefix(f.Guest, v.Guest+"/") {
				return usagef("volume %s would hide --files %s:%s", v, f.Host, f.Guest)
			}
		}
	}
	for _, v := range vols {
		if err := vmm.CheckVolume(v); err != nil {
			return err
		}
	}
	return nil
}

// filesFlag collects --files HOSTDIR:GUESTPATH specs; they are checked
// (resolveFiles) once every flag is parsed, since --tmpfs moves a reserved
// path.
type filesFlag []string

func (f *filesFlag) String() string { return strings.Join(*f, " ") }

func (f *filesFlag) Set(v string) error {
	if !strings.Contains(v, ":") {
		return fmt.Errorf("want HOSTDIR:GUESTPATH, got %q", v)
	}
	*f = append(*f, v)
	return nil
}

// resolveFiles checks the --files specs: the host directories exist, the
// guest paths are absolute, distinct, and outside /dev, /proc and the tmpfs.
func resolveFiles(specs []string, tmpfsPath string) ([]build.FileMount, error) {
	var ms []build.FileMount
	for _, s := range specs {
		m, err := build.ParseFileMount(s, tmpfsPath)
		if err != nil {
			return nil, usagef("--files: %v", err)
		}
		ms = append(ms, m)
	}
	if err := build.CheckFileMounts(ms); err != nil {
		return nil, usagef("%v", err)
	}
	return ms, nil
}

// tmpfsFlag is --tmpfs PATH:SIZE, passed to the kernel as unigo.tmpfs.
type tmpfsFlag struct {
	path string // "" when not given: the kernel's default /tmp
	size string // as the kernel parses it: digits and an optional K, M or G
}

const defaultTmpfsPath = "/tmp"

func (t *tmpfsFlag) String() string {
	if t == nil || t.path == "" {
		return ""
	}
	return t.path + ":" + t.size
}

func (t *tmpfsFlag) Set(v string) error {
	p, size, ok := strings.Cut(v, ":")
	if !ok || !strings.HasPrefix(p, "/") || path.Clean(p) == "/" {
		return fmt.Errorf("want PATH:SIZE with an absolute PATH other than /, like /tmp:64M; got %q", v)
	}
	p = path.Clean(p)
	for _, r := range build.ReservedGuestPaths {
		if p == r || strings.HasPrefix(p, r+"/") {
			return fmt.Errorf("%s lies in %s, which the kernel mounts itself", p, r)
		}
	}
	if strings.ContainsAny(p, " \t\n%") {
		return fmt.Errorf("PATH %q may not contain spaces or %%", p)
	}
	if _, err := parseTmpfsSize(size); err != nil {
		return err
	}
	t.path, t.size = p, size
	return nil
}

// mountPath is where the tmpfs goes: the flag's path or the default.
func (t *tmpfsFlag) mountPath() string {
	if t.path == "" {
		return defaultTmpfsPath
	}
	return t.path
}

// parseTmpfsSize accepts what the kernel's parser does: up to 12 decimal
// digits with an optional K, M or G (binary units), and at least one page.
func parseTmpfsSize(s string) (uint64, error) {
	num, shift := s, uint(0)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			num, shift = s[:n-1], 10
		case 'm', 'M':
			num, shift = s[:n-1], 20
		case 'g', 'G':
			num, shift = s[:n-1], 30
		}
	}
	v, err := strconv.ParseUint(num, 10, 64)
	if err != nil || len(num) > 12 || num[0] == '+' {
		return 0, fmt.Errorf("bad tmpfs size %q (want bytes, or a number with K, M or G, like 64M)", s)
	}
	b := v << shift
	if b < 4096 {
		return 0, fmt.Errorf("tmpfs size %q is less than one 4 KiB page", s)
	}
	return b, nil
}
