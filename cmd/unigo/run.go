package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/unigo-os/unigo"
	"github.com/unigo-os/unigo/internal/build"
	"github.com/unigo-os/unigo/internal/vmm"
)

const runSynopsis = "[flags] <package|image.img> [-- args...]"

// runMain is `unigo run`: build the package (or take a built image), boot it
// and exit with the program's exit code.
func runMain(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", runSynopsis, stderr)
	var vf vmFlags
	addVMFlags(fs, &vf)
	pos, progArgs, err := parseArgs(fs, args)
	if err != nil {
		return flagError(err, fs, runSynopsis, stdout, stderr)
	}
	if len(pos) != 1 {
		printUsage(stderr, fs, runSynopsis)
		fmt.Fprintf(stderr, "\nunigo run: want one package or image, got %d arguments\n", len(pos))
		return exitUsage
	}
	code, err := bootTarget(pos[0], false, progArgs, &vf, stdout, stderr)
	if err != nil {
		return report(stderr, "run", err)
	}
	return code
}

// bootTarget builds target (unless it is an image) and boots it with
// progArgs. test selects a test binary build.
func bootTarget(target string, test bool, progArgs []string, vf *vmFlags, stdout, stderr io.Writer) (int, error) {
	// Check everything that needs no build first, so a bad setup fails fast.
	files, err := resolveFiles(vf.files, vf.tmpfs.mountPath())
	if err != nil {
		return 0, err
	}
	if err := resolveVolumes(vf.volumes, vf.tmpfs.mountPath(), files); err != nil {
		return 0, err
	}
	qemu, err := findQEMU(vf.qemu)
	if err != nil {
		return 0, err
	}
	netCfg, err := vf.net.resolve()
	if err != nil {
		return 0, err
	}
	accel, why, err := vmm.ResolveAccel(vf.accel.val)
	if err != nil {
		return 0, err
	}
	if vf.verbose {
		fmt.Fprintf(stderr, "unigo: accel %s (%s)\n", accel, why)
	}
	if vf.initrd != "" {
		if fi, err := os.Stat(vf.initrd); err != nil || !fi.Mode().IsRegular() {
			return 0, fmt.Errorf("--initrd %s: not a readable file", vf.initrd)
		}
	}

	var image, name string
	var stdCwd string // where a standard-library test starts (stdTestTree)
	initrd := vf.initrd
	packed := false // the root archive is one of ours: it has the time zone database
	if !test && isImagePath(target) {
		if err := build.CheckImage(target); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return 0, fmt.Errorf("%s: no such image", target)
			}
			return 0, err
		}
		if len(files) > 0 {
			return 0, usagef("--files is packed when the image is built: unigo build --files ... -o %s", target)
		}
		image = target
		name = strings.TrimSuffix(filepath.Base(target), filepath.Ext(target))
		if root := build.RootTarPath(target); initrd == "" {
			if _, err := os.Stat(root); err == nil {
				var done func()
				if initrd, done, err = dnsRoot(root, netCfg.DNS); err != nil {
					return 0, err
				}
				defer done()
				packed = true
			}
		}
		if vf.verbose && initrd != "" {
			fmt.Fprintf(stderr, "unigo: guest root file system: %s\n", initrd)
		}
	} else {
		tmp, err := os.MkdirTemp("", "unigo-run-")
		if err != nil {
			return 0, err
		}
		defer os.RemoveAll(tmp)
		res, err := buildImage(target, filepath.Join(tmp, "guest.img"), test, vf.verbose, stderr)
		if err != nil {
			return 0, err
		}
		image, name = res.Image, res.Name
		if test {
			progArgs = addSkips(res.ImportPath, progArgs, stderr)
		}
		if initrd == "" {
			// A test binary runs in its package directory, as under go test:
			// that directory is the guest's root file system. The binary
			// itself is there too, at /app (/proc/self/exe), for tests that
			// open their executable. A standard-library package's tests run
			// in a slice of GOROOT instead (stdTestTree).
			base, self := "", ""
			treeFiles := files
			if test {
				base, self = res.Dir, res.Image
			}
			if test && res.Standard {
				tree, dir, err := stdTestTree(res)
				if err != nil {
					return 0, err
				}
				base, treeFiles, stdCwd = "", append(tree, files...), dir
			}
			initrd = filepath.Join(tmp, "root.tar")
			if err := packRoot(initrd, base, self, treeFiles, vf.volumes, netCfg.DNS, stderr); err != nil {
				return 0, err
			}
			packed = true
			if vf.verbose && base != "" {
				fmt.Fprintf(stderr, "unigo: guest root file system: %s\n", base)
			}
		}
	}

	if prebuiltRoot := initrd != "" && (vf.initrd != "" || (!test && isImagePath(target))); prebuiltRoot {
		root, done, err := volumeRoot(initrd, vf.volumes)
		if err != nil {
			return 0, err
		}
		defer done()
		initrd = root
	}
	env := vf.env
	if packed && !slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "ZONEINFO=") }) {
		env = append([]string{"ZONEINFO=" + build.ZoneinfoPath}, env...)
	}
	if stdCwd != "" {
		env = append(env, "GOROOT="+guestGOROOT)
	}
	kopts := vmm.KernelOptions(int(vf.cpus))
	if stdCwd != "" {
		kopts = append(kopts, "unigo.cwd="+stdCwd)
	}
	if hasNet, err := build.LinksNetstack(image); err != nil {
		return 0, err
	} else if !hasNet {
		kopts = append(kopts, "unigo.nonet")
	}
	if vf.tmpfs.path != "" {
		kopts = append(kopts, "unigo.tmpfs="+vf.tmpfs.String())
	}
	if vf.strace {
		kopts = append(kopts, "unigo.strace")
	}
	if vf.stats {
		kopts = append(kopts, "unigo.stats")
	}
	cmdline, err := vmm.EncodeCmdline(vmm.NewSeed(), kopts, vmm.Program{
		Args: append([]string{name}, progArgs...),
		Env:  env,
	})
	if err != nil {
		return 0, err
	}
	argv, err := vmm.Command(vmm.Config{
		QEMU:     qemu,
		Machine:  vf.machine.val,
		Accel:    accel,
		MemBytes: uint64(vf.mem),
		CPUs:     int(vf.cpus),
		Image:    image,
		Cmdline:  cmdline,
		Net:      netCfg,
		Initrd:   initrd,
		Volumes:  vf.volumes,
	})
	if err != nil {
		return 0, err
	}
	if vf.verbose {
		fmt.Fprintln(stderr, vmm.ShellQuote(argv))
	}

	// From here on a Ctrl-C or SIGTERM stops the VM instead of killing
	// unigo outright, so QEMU never outlives us.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(stop)
	return vmm.Run(argv, vmm.RunOptions{
		Stdout:  stdout,
		Stderr:  stderr,
		Verbose: vf.verbose,
		Timeout: time.Duration(vf.timeout),
		Stop:    stop,
		// Kernel fault reports print "    pc 0x..." lines; name them.
		Symbolize: vmm.ImageSymbolizer(image),
	})
}

// packRoot writes the guest's root archive to out: base (if set) as "/",
// the --files trees, the volumes' mount points, and the default /etc and
// time zone database where those do not provide them (resolv.conf naming
// the --dns servers, if any); self, if set, is the image, packed at /app.
func packRoot(out, base, self string, files []build.FileMount, vols []vmm.Volume, dns []string, stderr io.Writer) error {
	defaults, err := build.DefaultFiles("")
	if err != nil {
		return err
	}
	defaults = withDNS(defaults, dns)
	if self != "" {
		defaults = append(defaults, build.DefaultFile{Path: build.ExePath, Host: self})
	}
	return build.PackRoot(out, build.RootOptions{
		Base:     base,
		Files:    files,
		Defaults: defaults,
		Dirs:     mountPoints(vols),
		Skipped: func(p string, size int64) {
			fmt.Fprintf(stderr, "unigo: leaving %s out of the guest's file system (%d MiB is over the %d MiB limit)\n",
				p, size>>20, build.MaxPackedFile>>20)
		},
	})
}

// mountPoints returns the volumes' guest paths.
func mountPoints(vols []vmm.Volume) []string {
	var p []string
	for _, v := range vols {
		p = append(p, v.Guest)
	}
	return p
}

// isImagePath reports whether run's target names an image rather than a
// package: it ends in .img, or it is an existing regular file.
func isImagePath(target string) bool {
	if strings.HasSuffix(target, ".img") {
		return true
	}
	fi, err := os.Stat(target)
	return err == nil && fi.Mode().IsRegular()
}

// findQEMU resolves --qemu (or the default name) on PATH.
func findQEMU(flagValue string) (string, error) {
	name := flagValue
	if name == "" {
		name = vmm.DefaultQEMU
	}
	p, err := exec.LookPath(name)
	if err == nil {
		return p, nil
	}
	msg := name + " not found"
	if flagValue == "" {
		msg += "; install it with: sudo apt-get install -y qemu-system-x86"
	}
	return "", &vmm.ExitError{Code: vmm.ExitNoQEMU, Msg: msg}
}

// buildImage builds pkg into out with the kernel sources this binary carries.
func buildImage(pkg, out string, test, verbose bool, stderr io.Writer) (*build.Result, error) {
	opts := build.Options{
		Package: pkg,
		Output:  out,
		Test:    test,
		Source:  unigo.Source,
		Stderr:  stderr,
	}
	if verbose {
		opts.Trace = func(dir string, env, argv []string) {
			fmt.Fprintf(stderr, "cd %s && %s %s\n", vmm.ShellQuote([]string{dir}), vmm.ShellQuote(env), vmm.ShellQuote(argv))
		}
	}
	return build.Build(opts)
}

// guestGOROOT is where a standard-library test finds its slice of GOROOT.
const guestGOROOT = "/goroot"

// stdTestTree is what a standard-library package's tests read beyond their own
// directory, packed at guestGOROOT: they run in $GOROOT/src/PKG and reach ".." (the
// sibling packages of PKG's top-level directory: io/fs's tests glob "*/glob.go" in io/),
// $GOROOT/lib/time (the time package loads "../../lib/time/zoneinfo.zip") and
// $GOROOT/src/unicode (path/filepath walks it). It returns the trees to pack and the
// directory the test starts in. The whole of GOROOT/src (about 150 MiB) would not fit a
// small guest.
func stdTestTree(res *build.Result) ([]build.FileMount, string, error) {
	rel := filepath.FromSlash("/src/" + res.ImportPath)
	goroot, ok := strings.CutSuffix(res.Dir, rel)
	if !ok {
		return nil, "", fmt.Errorf("standard-library package %s lies outside its GOROOT (%s)", res.ImportPath, res.Dir)
	}
	top, _, _ := strings.Cut(res.ImportPath, "/")
	var mounts []build.FileMount
	for _, sub := range []string{"src/" + top, "lib/time", "src/unicode"} {
		if sub == "src/unicode" && top == "unicode" {
			continue
		}
		// The private GOROOT is a symlink farm; pack what the links point at.
		host, err := filepath.EvalSymlinks(filepath.Join(goroot, filepath.FromSlash(sub)))
		if err != nil {
			return nil, "", fmt.Errorf("packing the GOROOT slice for %s's tests: %v", res.ImportPath, err)
		}
		mounts = append(mounts, build.FileMount{Host: host, Guest: guestGOROOT + "/" + sub})
	}
	return mounts, guestGOROOT + "/src/" + res.ImportPath, nil
}
