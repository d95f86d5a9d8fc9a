package build

import (
	"bytes"
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// A stand-in kernel: the package path and entry symbol of the real one,
// nothing else. Build is tested against it so these tests do not depend on
// the state of kernel/.
func stubKernel() fstest.MapFS {
	return fstest.MapFS{
		"go.mod":                {Data: []byte("module " + ModulePath + "\n\ngo 1.26\n")},
		"kernel/kernel.go":      {Data: []byte("package kernel\n\nfunc pvhEntry()\n")},
		"kernel/entry_amd64.s":  {Data: []byte("#include \"textflag.h\"\n\nTEXT ·pvhEntry(SB),NOSPLIT|NOFRAME,$0\n\tHLT\n\tRET\n")},
		"kernel/kernel_test.go": {Data: []byte("package kernel\n")},
	}
}

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkImage verifies that the image's PVH note points at the stub
// kernel's entry.
func checkImage(t *testing.T, res *Result) {
	t.Helper()
	data, err := os.ReadFile(res.Image)
	if err != nil {
		t.Fatal(err)
	}
	entry, err := PVHEntry(data)
	if err != nil {
		t.Fatalf("%s: %v", res.Image, err)
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	var want uint64
	for _, s := range syms {
		if s.Name == KernelImportPath+".pvhEntry.abi0" {
			want = s.Value
		}
	}
	if want == 0 || entry != want || f.Entry != want || entry != res.Entry {
		t.Errorf("PVH entry %#x, e_entry %#x, result %#x; want kernel.pvhEntry.abi0 at %#x", entry, f.Entry, res.Entry, want)
	}
	if f.Section(".text").Addr != 0x101000 {
		t.Errorf(".text at %#x, want 0x101000", f.Section(".text").Addr)
	}
}

func testBuild(t *testing.T, opts Options) (*Result, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs go build")
	}
	var stderr bytes.Buffer
	var trace []string
	opts.Source = stubKernel()
	opts.CacheDir = t.TempDir()
	opts.Stderr = &stderr
	opts.Trace = func(dir string, env, argv []string) { trace = append(trace, strings.Join(argv, " ")) }
	res, err := Build(opts)
	if err != nil {
		t.Fatalf("Build: %v\n%s\ncommands:\n%s", err, stderr.String(), strings.Join(trace, "\n"))
	}
	return res, strings.Join(trace, "\n")
}

const helloMain = "package main\n\nfunc main() { println(\"hi\") }\n"

func TestBuildProgramInAnotherModule(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"go.mod":            "module example.com/prog\n\ngo 1.22\n",
		"cmd/hello/main.go": helloMain,
	})
	out := filepath.Join(t.TempDir(), "out.img")
	res, trace := testBuild(t, Options{Package: "./cmd/hello", Output: out, Dir: root})
	if res.Image != out || res.Name != "hello" {
		t.Errorf("result %+v, want image %s named hello", res, out)
	}
	if !strings.Contains(trace, "-modfile=") {
		t.Errorf("no -modfile in the build:\n%s", trace)
	}
	checkImage(t, res)
	// The user's tree is untouched.
	if _, err := os.Stat(filepath.Join(root, "cmd", "hello", KernelFile)); err == nil {
		t.Errorf("%s was written into the source tree", KernelFile)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "go.mod")); string(b) != "module example.com/prog\n\ngo 1.22\n" {
		t.Errorf("go.mod changed: %q", b)
	}
}

func TestBuildByImportPathFromModuleRoot(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"go.mod":    "module example.com/prog\n\ngo 1.26\n",
		"x/main.go": helloMain,
	})
	res, _ := testBuild(t, Options{Package: "example.com/prog/x", Dir: root})
	if want := filepath.Join(root, "x.img"); res.Image != want || res.Name != "x" {
		t.Errorf("result %+v, want default output %s named x", res, want)
	}
	checkImage(t, res)
}

func TestBuildDirectoryOutsideAnyModule(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"lonely/main.go": helloMain})
	out := filepath.Join(t.TempDir(), "l.img")
	res, trace := testBuild(t, Options{Package: filepath.Join(root, "lonely"), Output: out})
	if res.Name != "lonely" {
		t.Errorf("name %q, want lonely", res.Name)
	}
	if strings.Contains(trace, "-modfile") {
		t.Errorf("lone directory built with -modfile:\n%s", trace)
	}
	checkImage(t, res)
	if _, err := os.Stat(filepath.Join(root, "lonely", "go.mod")); err == nil {
		t.Errorf("a go.mod was written into the source tree")
	}
}

func TestBuildInsideOurModuleUsesOverlayOnly(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{"examples/hi/main.go": helloMain}
	for name, f := range stubKernel() {
		files[name] = string(f.Data)
	}
	writeTree(t, root, files)
	res, trace := testBuild(t, Options{Package: "./examples/hi", Output: filepath.Join(root, "hi.img"), Dir: root})
	if strings.Contains(trace, "-modfile") || strings.Contains(trace, "-mod=mod") {
		t.Errorf("in-module build changed module flags:\n%s", trace)
	}
	checkImage(t, res)
}

func TestBuildTestBinary(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"go.mod":      "module example.com/lib\n\ngo 1.26\n",
		"lib.go":      "package lib\n\nfunc Two() int { return 2 }\n",
		"lib_test.go": "package lib\n\nimport \"testing\"\n\nfunc TestTwo(t *testing.T) { if Two() != 2 { t.Fatal() } }\n",
	})
	res, trace := testBuild(t, Options{Package: ".", Test: true, Output: filepath.Join(root, "lib.test.img"), Dir: root})
	if res.Name != "lib.test" || !strings.Contains(trace, "test -c") {
		t.Errorf("name %q, commands:\n%s", res.Name, trace)
	}
	checkImage(t, res)
}

func TestBuildRejectsNonMainPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"go.mod": "module example.com/lib\n\ngo 1.26\n",
		"lib.go": "package lib\n",
	})
	_, err := Build(Options{Package: ".", Dir: root, Source: stubKernel(), CacheDir: t.TempDir(), Stderr: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), "not a main package") {
		t.Errorf("Build(library) = %v, want not a main package", err)
	}
	_, err = Build(Options{Package: "./nope", Dir: root, Source: stubKernel(), Stderr: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Build(missing dir) = %v, want an error naming it", err)
	}
}
