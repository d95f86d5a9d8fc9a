// Package build turns an ordinary Go main package into a bootable unigo
// image: a static linux/amd64 ELF with the kernel linked in, whose build-ID
// note is rewritten into a Xen PVH entry note so QEMU's -kernel (and
// Firecracker) can boot it directly.
//
// Steps, in order:
//  1. Find the package (go list) and decide how the kernel gets into the
//     build: our own module, another module (-modfile) or no module (an
//     overlaid go.mod). See gomod.go.
//  2. go build (or go test -c) with an overlay adding the kernel import and
//     the link flags in LinkFlags.
//  3. AddPVHNote on the linked ELF.
package build

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// Link layout: ELF headers at 1 MiB (where PVH loaders expect a kernel),
// text right after the first page, and the ELF entry at the kernel's 32-bit
// PVH entry. The linker resolves EntrySymbol to its ABI0 (assembly) symbol.
const (
	TextAddr    = "0x101000"
	EntrySymbol = KernelImportPath + ".pvhEntry"
	LinkFlags   = "-T " + TextAddr + " -E " + EntrySymbol
)

// targetEnv is the environment every go command runs with: the image is a
// static linux/amd64 program.
var targetEnv = []string{"GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0"}

// Options describes one build.
type Options struct {
	// Package is an import path or a directory (".", "./x", "../x", "/x").
	Package string
	// Output is the image file to write; "" means <name>.img in Dir.
	Output string
	// Test builds the package's test binary (go test -c) instead of the
	// program; the package need not be main.
	Test bool
	// Source holds the kernel sources (go.mod and kernel/) for programs
	// outside our module; CacheDir is where they are extracted.
	Source   fs.FS
	CacheDir string
	// Go is the go command; "" means "go" from PATH.
	Go string
	// Dir is the working directory; "" means the current one.
	Dir string
	// Stderr receives the go command's diagnostics; nil means os.Stderr.
	Stderr io.Writer
	// Trace, if set, is called with every command before it runs.
	Trace func(dir string, env, argv []string)
}

// Result describes a built image.
type Result struct {
	Image string // == Options.Output
	Name  string // the program name, for argv[0]
	Entry uint64 // the PVH entry address
	// Dir is the package's source directory (a test binary runs there), and
	// ImportPath its import path. Standard marks a standard-library package.
	Dir        string
	ImportPath string
	Standard   bool
}

// pkgInfo is the part of `go list -json` we use.
type pkgInfo struct {
	Dir        string
	ImportPath string
	Name       string
	Standard   bool
	// Deps, Imports, TestImports, XTestImports: whether package net is used (usesNet).
	Deps, Imports, TestImports, XTestImports []string
	Module                                   *struct {
		Path  string
		GoMod string
	}
	Error *struct{ Err string }
}

// Build builds opts.Package into the image opts.Output.
func Build(opts Options) (*Result, error) {
	b := &builder{opts: opts}
	if b.opts.Go == "" {
		b.opts.Go = "go"
	}
	if b.opts.Stderr == nil {
		b.opts.Stderr = os.Stderr
	}
	tmp, err := os.MkdirTemp("", "unigo-build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	b.tmp = tmp
	b.env = append([]string{}, targetEnv...)
	b.overlay = map[string]string{}
	return b.build()
}

type builder struct {
	opts    Options
	tmp     string
	runDir  string            // where the go command runs
	listOvl string            // overlay for go list (lone module: the go.mod)
	pkgArg  string            // the package argument it gets
	env     []string          // extra environment
	flags   []string          // module flags shared by list and build
	overlay map[string]string // source path -> replacement file
}

func (b *builder) build() (*Result, error) {
	if err := b.resolveTarget(); err != nil {
		return nil, err
	}
	if std, err := b.stdPackage(); err != nil {
		return nil, err
	} else if std != nil {
		return b.buildStd(std)
	}
	gomod, err := b.goEnv("GOMOD")
	if err != nil {
		return nil, err
	}
	lone := gomod == "" || gomod == os.DevNull
	modName := ""
	if lone {
		if b.pkgArg != "." {
			return nil, fmt.Errorf("%s: not in a Go module (run unigo on the package directory, or create a go.mod)", b.opts.Package)
		}
		modName = loneModuleName(b.runDir)
		if err := b.useLoneModule(modName); err != nil {
			return nil, err
		}
	}

	pkg, err := b.list()
	if err != nil {
		return nil, err
	}
	if !b.opts.Test && pkg.Name != "main" {
		return nil, fmt.Errorf("%s is package %s, not a main package (a unigo image is one program)", b.opts.Package, pkg.Name)
	}
	if pkg.Standard {
		return b.buildStd(pkg)
	}
	if !lone && (pkg.Module == nil || pkg.Module.Path != ModulePath) {
		if pkg.Module == nil || pkg.Module.GoMod == "" {
			return nil, fmt.Errorf("%s: cannot find its go.mod", b.opts.Package)
		}
		if err := b.useModFile(pkg.Module.GoMod); err != nil {
			return nil, err
		}
	}

	file, content := KernelFile, kernelImportFile(pkg.Name, usesNet(pkg, b.opts.Test))
	if b.opts.Test {
		file = KernelTestFile
	}
	if err := b.addOverlay(filepath.Join(pkg.Dir, file), content); err != nil {
		return nil, err
	}
	ovl := filepath.Join(b.tmp, "overlay.json")
	if err := os.WriteFile(ovl, overlayJSON(b.overlay), 0o644); err != nil {
		return nil, err
	}

	out := filepath.Join(b.tmp, "image.elf")
	argv := []string{b.opts.Go, "build"}
	if b.opts.Test {
		argv = []string{b.opts.Go, "test", "-c"}
	}
	argv = append(argv, "-overlay", ovl)
	argv = append(argv, b.flags...)
	argv = append(argv, "-o", out, "-ldflags", LinkFlags, b.pkgArg)
	if err := b.run(argv, nil); err != nil {
		return nil, fmt.Errorf("go build failed: %v", err)
	}
	entry, err := PatchPVHFile(out)
	if err != nil {
		return nil, err
	}
	name := path.Base(pkg.ImportPath)
	if lone {
		name = modName
	}
	if b.opts.Test {
		name += ".test"
	}
	output := b.opts.Output
	if output == "" {
		output = filepath.Join(b.opts.Dir, name+".img")
	}
	if err := moveFile(out, output); err != nil {
		return nil, err
	}
	return &Result{Image: output, Name: name, Entry: entry, Dir: pkg.Dir, ImportPath: pkg.ImportPath}, nil
}

// stdPackage returns the package when the target is a standard-library
// import path (its first element has no dot), nil otherwise. It is asked
// before any module setup: std packages resolve inside or outside a module.
func (b *builder) stdPackage() (*pkgInfo, error) {
	first, _, _ := strings.Cut(b.pkgArg, "/")
	if b.pkgArg == "." || strings.Contains(first, ".") {
		return nil, nil
	}
	saved := b.env
	b.env = append(append([]string{}, saved...), "GOWORK=off")
	defer func() { b.env = saved }()
	var out bytes.Buffer
	argv := []string{b.opts.Go, "list", "-e", "-json", b.pkgArg}
	if b.opts.Trace != nil {
		b.opts.Trace(b.runDir, b.env, argv)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = b.runDir
	cmd.Env = append(os.Environ(), b.env...)
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		// Not decidable here (no module, say): the usual path reports it.
		return nil, nil
	}
	var pkg pkgInfo
	dec := json.NewDecoder(&out)
	if err := dec.Decode(&pkg); err != nil || dec.More() || !pkg.Standard {
		return nil, nil
	}
	if pkg.Error != nil {
		return nil, errors.New(pkg.Error.Err)
	}
	return &pkg, nil
}

// resolveTarget runs the go command inside a package given as a directory,
// so that a directory in another module (or in none) works from anywhere.
func (b *builder) resolveTarget() error {
	base := b.opts.Dir
	if base == "" {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		base = wd
	}
	b.opts.Dir = base
	p := b.opts.Package
	if !isLocalPath(p) {
		b.runDir, b.pkgArg = base, p
		return nil
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(base, p)
	}
	fi, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: no such package directory", b.opts.Package)
		}
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory (give the package directory or import path)", b.opts.Package)
	}
	b.runDir, b.pkgArg = p, "."
	return nil
}

// isLocalPath reports whether the go command would read p as a directory.
func isLocalPath(p string) bool {
	return p == "." || p == ".." || filepath.IsAbs(p) ||
		strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../")
}

// loneModuleName derives a module path from a directory name, falling back
// to "main" when the name is not a usable path element.
func loneModuleName(dir string) string {
	name := filepath.Base(dir)
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return "main"
		}
	}
	if name == "" || name == "." || name == ".." || strings.HasPrefix(name, ".") {
		return "main"
	}
	return name
}

// useLoneModule overlays a go.mod (and go.sum) onto a directory outside any
// module. -modfile cannot serve here: the go command needs a real go.mod to
// find the module root, but it honours one supplied by the overlay.
func (b *builder) useLoneModule(modName string) error {
	src, ours, err := b.source()
	if err != nil {
		return err
	}
	gomod := loneModFile(modName, goDirective(ours["go.mod"]), src, modRequires(ours["go.mod"]))
	if err := b.addOverlay(filepath.Join(b.runDir, "go.mod"), gomod); err != nil {
		return err
	}
	if sum := ours["go.sum"]; len(sum) > 0 {
		if err := b.addOverlay(filepath.Join(b.runDir, "go.sum"), sum); err != nil {
			return err
		}
	}
	ovl := filepath.Join(b.tmp, "list-overlay.json")
	if err := os.WriteFile(ovl, overlayJSON(b.overlay), 0o644); err != nil {
		return err
	}
	// go list runs before the kernel file is known; it needs the go.mod.
	b.flags = append(b.flags, "-mod=mod")
	b.env = append(b.env, "GOWORK=off")
	b.listOvl = ovl
	return nil
}

// useModFile builds against a temporary copy of the program's go.mod that
// requires our module, replaced by the extracted kernel sources.
func (b *builder) useModFile(userModPath string) error {
	src, ours, err := b.source()
	if err != nil {
		return err
	}
	userMod, err := os.ReadFile(userModPath)
	if err != nil {
		return err
	}
	// The go command keeps the checksums of foo.mod in foo.sum.
	userSum, err := os.ReadFile(strings.TrimSuffix(userModPath, ".mod") + ".sum")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	mod := filepath.Join(b.tmp, "go.mod")
	if err := os.WriteFile(mod, tempModFile(userMod, src), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(b.tmp, "go.sum"), mergeSums(userSum, ours["go.sum"]), 0o644); err != nil {
		return err
	}
	// -mod=mod: the temporary go.mod may need the go command's own updates,
	// and a vendor directory cannot contain our module.
	b.flags = append(b.flags, "-modfile="+mod, "-mod=mod")
	b.env = append(b.env, "GOWORK=off") // -modfile does not work in workspace mode
	return nil
}

// source extracts the kernel sources and returns their directory and the
// module files (go.mod, and go.sum if the kernel has dependencies).
func (b *builder) source() (string, map[string][]byte, error) {
	if b.opts.Source == nil {
		return "", nil, errors.New("this unigo binary carries no kernel sources; build programs inside the unigo module")
	}
	cache := b.opts.CacheDir
	if cache == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return "", nil, fmt.Errorf("no cache directory for the kernel sources: %v", err)
		}
		cache = c
	}
	dir, err := SourceDir(b.opts.Source, cache)
	if err != nil {
		return "", nil, err
	}
	files := map[string][]byte{}
	for _, name := range []string{"go.mod", "go.sum"} {
		if data, err := fs.ReadFile(b.opts.Source, name); err == nil {
			files[name] = data
		}
	}
	return dir, files, nil
}

// goDirective returns the version of the go line of a go.mod, or "1.26".
func goDirective(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		f := strings.Fields(stripComment(sc.Text()))
		if len(f) == 2 && f[0] == "go" {
			return f[1]
		}
	}
	return "1.26"
}

// addOverlay writes content to a fresh file in the temporary directory and
// overlays it onto target.
func (b *builder) addOverlay(target string, content []byte) error {
	f := filepath.Join(b.tmp, fmt.Sprintf("overlay-%d-%s", len(b.overlay), filepath.Base(target)))
	if err := os.WriteFile(f, content, 0o644); err != nil {
		return err
	}
	b.overlay[target] = f
	return nil
}

func (b *builder) list() (*pkgInfo, error) {
	argv := []string{b.opts.Go, "list", "-e", "-json"}
	if b.listOvl != "" {
		argv = append(argv, "-overlay", b.listOvl)
	}
	argv = append(argv, b.flags...)
	argv = append(argv, b.pkgArg)
	var out bytes.Buffer
	if err := b.run(argv, &out); err != nil {
		return nil, fmt.Errorf("go list %s failed: %v", b.opts.Package, err)
	}
	var pkg pkgInfo
	dec := json.NewDecoder(&out)
	if err := dec.Decode(&pkg); err != nil {
		return nil, fmt.Errorf("go list %s: %v", b.opts.Package, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s names more than one package", b.opts.Package)
	}
	if pkg.Error != nil {
		return nil, errors.New(pkg.Error.Err)
	}
	return &pkg, nil
}

// goEnv reads one go env variable. GOWORK=off: a go.work file would hide
// which go.mod governs the directory.
func (b *builder) goEnv(name string) (string, error) {
	var out bytes.Buffer
	saved := b.env
	b.env = append(append([]string{}, saved...), "GOWORK=off")
	err := b.run([]string{b.opts.Go, "env", name}, &out)
	b.env = saved
	if err != nil {
		return "", fmt.Errorf("go env %s failed: %v", name, err)
	}
	return strings.TrimSpace(out.String()), nil
}

// run runs argv in b.runDir with the build environment. Output goes to
// stdout if non-nil, else to the user's stderr.
func (b *builder) run(argv []string, stdout io.Writer) error {
	if b.opts.Trace != nil {
		b.opts.Trace(b.runDir, b.env, argv)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = b.runDir
	cmd.Env = append(os.Environ(), b.env...)
	cmd.Stdout = stdout
	if stdout == nil {
		cmd.Stdout = b.opts.Stderr
	}
	cmd.Stderr = b.opts.Stderr
	return cmd.Run()
}

// moveFile renames src to dst, copying when they are on different file
// systems.
func moveFile(src, dst string) error {
	if err := os.Rename(src, dst); err == nil {
		return nil
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, data, 0o755); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
