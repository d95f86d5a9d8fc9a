package build

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestStdKernelFilesRewritesImports(t *testing.T) {
	src := fstest.MapFS{
		"go.mod":                  {Data: []byte("module " + ModulePath + "\n")},
		"kernel/kernel.go":        {Data: []byte("package kernel\n\nimport (\n\t\"unsafe\"\n\t\"github.com/unigo-os/unigo/kernel/klog\"\n)\n")},
		"kernel/klog/klog.go":     {Data: []byte("package klog\n")},
		"kernel/entry_amd64.s":    {Data: []byte("#include \"go_asm.h\"\n")},
		"kernel/defs.h":           {Data: []byte("#define X 1\n")},
		"kernel/kernel_test.go":   {Data: []byte("package kernel\n")},
		"kernel/README.md":        {Data: []byte("doc\n")},
		"kernel/fs/testdata/a.go": {Data: []byte("package a\n")},
	}
	files, err := stdKernelFiles(src)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range files {
		names = append(names, n)
	}
	want := "kernel/defs.h kernel/entry_amd64.s kernel/kernel.go kernel/klog/klog.go"
	if got := strings.Join(sorted(names), " "); got != want {
		t.Errorf("files %s, want %s", got, want)
	}
	if got := string(files["kernel/kernel.go"]); !strings.Contains(got, "\t\"unigo/kernel/klog\"\n") || strings.Contains(got, "github.com") {
		t.Errorf("imports not rewritten:\n%s", got)
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func TestStdGOROOTIsASymlinkFarm(t *testing.T) {
	goroot := t.TempDir()
	writeTree(t, goroot, map[string]string{
		"VERSION":             "go1.26.0\n",
		"bin/go":              "#!/bin/sh\n",
		"pkg/tool/x":          "",
		"src/go.mod":          "module std\n",
		"src/strings/a.go":    "package strings\n",
		"src/unigo/stale.txt": "a real GOROOT's src/unigo must not show through\n",
	})
	cache := t.TempDir()
	farm, err := StdGOROOT(goroot, "go1.26.0", stubKernel(), cache)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"VERSION", "bin", "pkg", "src/go.mod", "src/strings"} {
		p := filepath.Join(farm, filepath.FromSlash(name))
		target, err := os.Readlink(p)
		if err != nil || target != filepath.Join(goroot, filepath.FromSlash(name)) {
			t.Errorf("%s: link to %q, %v; want a symlink to the real one", name, target, err)
		}
	}
	for _, dir := range []string{"src", "src/unigo", "src/unigo/kernel"} {
		if fi, err := os.Lstat(filepath.Join(farm, dir)); err != nil || !fi.IsDir() {
			t.Errorf("%s is not a real directory: %v", dir, err)
		}
	}
	if _, err := os.Stat(filepath.Join(farm, "src", "unigo", "stale.txt")); err == nil {
		t.Errorf("the real src/unigo shows through")
	}
	if b, err := os.ReadFile(filepath.Join(farm, "src", "unigo", "kernel", "kernel.go")); err != nil || !strings.HasPrefix(string(b), "package kernel") {
		t.Errorf("kernel.go: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(farm, "src", "unigo", "kernel", "kernel_test.go")); err == nil {
		t.Errorf("a kernel test file was copied")
	}
	// Reused as is; a different kernel or toolchain gets its own.
	again, err := StdGOROOT(goroot, "go1.26.0", stubKernel(), cache)
	if err != nil || again != farm {
		t.Errorf("second call: %s, %v; want %s", again, err, farm)
	}
	k := stubKernel()
	k["kernel/more.go"] = &fstest.MapFile{Data: []byte("package kernel\n")}
	if other, err := StdGOROOT(goroot, "go1.26.0", k, cache); err != nil || other == farm {
		t.Errorf("changed kernel: %s, %v; want a new directory", other, err)
	}
	if other, err := StdGOROOT(goroot, "go1.26.1", stubKernel(), cache); err != nil || other == farm {
		t.Errorf("changed version: %s, %v; want a new directory", other, err)
	}
	if m, _ := filepath.Glob(filepath.Join(cache, "unigo", "tmp-*")); len(m) != 0 {
		t.Errorf("temporary directories left behind: %q", m)
	}
}

func TestBuildStdTestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test -c")
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	// From a directory outside any module: std needs none.
	dir := t.TempDir()
	var stderr bytes.Buffer
	var trace []string
	res, err := Build(Options{
		Package: "container/heap", Test: true, Dir: dir, Source: stubKernel(), CacheDir: t.TempDir(), Stderr: &stderr,
		Trace: func(dir string, env, argv []string) { trace = append(trace, strings.Join(argv, " ")) },
	})
	if err != nil {
		t.Fatalf("Build: %v\n%s\n%s", err, stderr.String(), strings.Join(trace, "\n"))
	}
	wantDir := filepath.Join(strings.TrimSpace(string(goroot)), "src", "container", "heap")
	if res.Name != "heap.test" || !res.Standard || res.ImportPath != "container/heap" || res.Dir != wantDir ||
		res.Image != filepath.Join(dir, "heap.test.img") {
		t.Errorf("result %+v; want heap.test from %s", res, wantDir)
	}
	data, err := os.ReadFile(res.Image)
	if err != nil {
		t.Fatal(err)
	}
	entry, err := PVHEntry(data)
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	// (The stub kernel's entry reaches nothing, so the linker keeps little
	// of the tests themselves; the real kernel's entry reaches the runtime
	// and through it the test main.)
	var pvh uint64
	for _, s := range syms {
		if s.Name == StdKernelImportPath+".pvhEntry.abi0" {
			pvh = s.Value
		}
	}
	if pvh == 0 || entry != pvh || res.Entry != pvh {
		t.Errorf("PVH entry %#x, result %#x; want unigo/kernel.pvhEntry.abi0 at %#x", entry, res.Entry, pvh)
	}
	if !regexp.MustCompile(`(?m)goroot-[0-9a-f]{12}/bin/go test -c .*container/heap$`).MatchString(strings.Join(trace, "\n")) {
		t.Errorf("not built with the private GOROOT's go:\n%s", strings.Join(trace, "\n"))
	}

	// A std package is no program.
	_, err = Build(Options{Package: "strings", Dir: dir, Source: stubKernel(), CacheDir: t.TempDir(), Stderr: &stderr})
	if err == nil || !strings.Contains(err.Error(), "standard-library") {
		t.Errorf("Build(strings) = %v, want a standard-library package error", err)
	}
}
