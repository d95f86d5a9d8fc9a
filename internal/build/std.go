package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Standard-library packages cannot import a module package, so `unigo test
// strings` cannot link github.com/unigo-os/unigo/kernel the way a user's
// package does. Instead the build runs against a private GOROOT:
//
//   - a directory whose every entry is a symlink to the real GOROOT's, except
//     src/, which is a real directory whose entries are again symlinks to the
//     real src/ entries;
//   - plus src/unigo/kernel/..., a copy of the kernel sources (non-test .go,
//     .s and .h files) with their imports rewritten from
//     github.com/unigo-os/unigo/kernel to unigo/kernel: a path without a dot
//     in its first element is a standard-library path, which std may import.
//
// The test binary then links the kernel through an overlaid file in the
// package's external test package (package <name>_test, so no import cycle
// arises even for packages the kernel's imports might reach), and is linked
// with the entry unigo/kernel.pvhEntry.
//
// The farm lives in the cache, named by a hash of the real GOROOT's path, the
// Go version and the kernel sources, so it is built once per toolchain and
// kernel, and never rewritten in place.

// StdKernelImportPath is the kernel's import path inside the private GOROOT.
const StdKernelImportPath = "unigo/kernel"

// stdLinkFlags are LinkFlags for the private GOROOT's kernel path.
const stdLinkFlags = "-T " + TextAddr + " -E " + StdKernelImportPath + ".pvhEntry"

// stdKernelFiles returns the kernel files a std build needs, by path under
// src/unigo/ ("kernel/..."), with import paths rewritten.
func stdKernelFiles(src fs.FS) (map[string][]byte, error) {
	files, err := readTree(src)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for name, data := range files {
		if !strings.HasPrefix(name, "kernel/") {
			continue
		}
		switch ext := path.Ext(name); {
		case ext == ".go" && !strings.HasSuffix(name, "_test.go"):
		case ext == ".s", ext == ".h":
		default:
			continue
		}
		if strings.Contains(name, "/testdata/") || strings.HasPrefix(name, "kernel/netsvc/") {
			continue // netsvc needs gVisor, which a std package cannot import
		}
		out[name] = rewriteKernelImports(data)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the embedded sources hold no kernel/ files")
	}
	return out, nil
}

// rewriteKernelImports turns "github.com/unigo-os/unigo/kernel..." string
// literals into "unigo/kernel...".
func rewriteKernelImports(data []byte) []byte {
	return bytes.ReplaceAll(data, []byte(`"`+KernelImportPath), []byte(`"`+StdKernelImportPath))
}

// StdGOROOT returns the private GOROOT for building standard-library tests
// with the kernel, creating it under cacheRoot/unigo on first use. goroot is
// the real GOROOT and goVersion its `go env GOVERSION`.
func StdGOROOT(goroot, goVersion string, src fs.FS, cacheRoot string) (string, error) {
	kfiles, err := stdKernelFiles(src)
	if err != nil {
		return "", fmt.Errorf("kernel sources: %v", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "goroot %q\nversion %q\nkernel %s\n", goroot, goVersion, treeHash(kfiles))
	base := filepath.Join(cacheRoot, "unigo")
	dir := filepath.Join(base, "goroot-"+hex.EncodeToString(h.Sum(nil))[:12])
	done := filepath.Join(dir, "src", "unigo", ".complete")
	if _, err := os.Stat(done); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(base, "tmp-goroot-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // no-op after a successful rename
	if err := symlinkEntries(goroot, tmp, "src"); err != nil {
		return "", err
	}
	if err := os.Mkdir(filepath.Join(tmp, "src"), 0o755); err != nil {
		return "", err
	}
	if err := symlinkEntries(filepath.Join(goroot, "src"), filepath.Join(tmp, "src"), "unigo"); err != nil {
		return "", err
	}
	for name, data := range kfiles {
		p := filepath.Join(tmp, "src", "unigo", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return "", err
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, "src", "unigo", ".complete"), nil, 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Someone else won the race: their farm has the same contents.
		if _, serr := os.Stat(done); serr == nil {
			return dir, nil
		}
		return "", err
	}
	return dir, nil
}

// symlinkEntries makes dst/<e> a symlink to src/<e> for every entry e of
// src except skip.
func symlinkEntries(src, dst, skip string) error {
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if e.Name() == skip {
			continue
		}
		if err := os.Symlink(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// stdTestImportFile is the file overlaid into a std package's external test
// package.
func stdTestImportFile(pkgName string) []byte {
	return []byte("// Code generated by unigo. DO NOT EDIT.\n\n" +
		"package " + pkgName + "_test\n\n" +
		"import _ \"" + StdKernelImportPath + "\"\n")
}

// buildStd builds the test binary of the standard-library package pkg
// against the private GOROOT.
func (b *builder) buildStd(pkg *pkgInfo) (*Result, error) {
	if !b.opts.Test {
		return nil, fmt.Errorf("%s is a standard-library package, not a main package (unigo test runs its tests)", b.opts.Package)
	}
	if b.opts.Source == nil {
		return nil, fmt.Errorf("this unigo binary carries no kernel sources to link into %s's tests", pkg.ImportPath)
	}
	goroot, err := b.goEnv("GOROOT")
	if err != nil {
		return nil, err
	}
	version, err := b.goEnv("GOVERSION")
	if err != nil {
		return nil, err
	}
	cache := b.opts.CacheDir
	if cache == "" {
		if cache, err = os.UserCacheDir(); err != nil {
			return nil, fmt.Errorf("no cache directory for the private GOROOT: %v", err)
		}
	}
	farm, err := StdGOROOT(goroot, version, b.opts.Source, cache)
	if err != nil {
		return nil, fmt.Errorf("preparing the GOROOT for standard-library tests: %v", err)
	}
	srcDir := filepath.Join(farm, "src")
	pkgDir := filepath.Join(srcDir, filepath.FromSlash(pkg.ImportPath))
	if err := b.addOverlay(filepath.Join(pkgDir, KernelTestFile), stdTestImportFile(pkg.Name)); err != nil {
		return nil, err
	}
	ovl := filepath.Join(b.tmp, "overlay.json")
	if err := os.WriteFile(ovl, overlayJSON(b.overlay), 0o644); err != nil {
		return nil, err
	}
	out := filepath.Join(b.tmp, "image.elf")
	goBin := filepath.Join(farm, "bin", "go")
	b.runDir = srcDir
	b.env = append(b.env, "GOROOT="+farm, "GOWORK=off", "GOTOOLCHAIN=local")
	argv := []string{goBin, "test", "-c", "-overlay", ovl, "-o", out, "-ldflags", stdLinkFlags, pkg.ImportPath}
	if err := b.run(argv, nil); err != nil {
		return nil, fmt.Errorf("go test -c failed: %v", err)
	}
	entry, err := PatchPVHFile(out)
	if err != nil {
		return nil, err
	}
	name := path.Base(pkg.ImportPath) + ".test"
	output := b.opts.Output
	if output == "" {
		output = filepath.Join(b.opts.Dir, name+".img")
	}
	if err := moveFile(out, output); err != nil {
		return nil, err
	}
	return &Result{Image: output, Name: name, Entry: entry, Dir: pkg.Dir, ImportPath: pkg.ImportPath, Standard: true}, nil
}
