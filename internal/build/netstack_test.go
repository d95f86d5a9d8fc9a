package build

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestLinksNetstackSeesTheService builds two tiny linux binaries, one naming a function
// under the netsvc import path's symbol prefix and one not, and checks the answer for each.
// (A real image with gVisor takes a minute to link; the symbol is what matters.)
func TestLinksNetstackSeesTheService(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module github.com/unigo-os/unigo\n\ngo 1.22\n")
	os.MkdirAll(filepath.Join(dir, "kernel", "netsvc"), 0o755)
	write("kernel/netsvc/n.go", "package netsvc\n\n//go:noinline\nfunc Start() int { return 42 }\n")
	os.MkdirAll(filepath.Join(dir, "withnet"), 0o755)
	write("withnet/main.go", "package main\n\nimport \"github.com/unigo-os/unigo/kernel/netsvc\"\n\nfunc main() { println(netsvc.Start()) }\n")
	os.MkdirAll(filepath.Join(dir, "plain"), 0o755)
	write("plain/main.go", "package main\n\nfunc main() { println(1) }\n")
	for _, c := range []struct {
		pkg  string
		want bool
	}{{"withnet", true}, {"plain", false}} {
		out := filepath.Join(dir, c.pkg+".bin")
		cmd := exec.Command("go", "build", "-o", out, "./"+c.pkg)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", c.pkg, err, b)
		}
		got, err := LinksNetstack(out)
		if err != nil || got != c.want {
			t.Errorf("LinksNetstack(%s) = %v, %v; want %v", c.pkg, got, err, c.want)
		}
	}
	if _, err := LinksNetstack(filepath.Join(dir, "go.mod")); err == nil {
		t.Error("LinksNetstack of a non-ELF file: no error")
	}
}
