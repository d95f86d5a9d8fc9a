package fs

import (
	"slices"
	"strings"
	"testing"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs/procfs"
)

// fakeProc is the kernel's side of /proc for host tests: fds 0, 1, 2 and 7 are open.
type fakeProc struct{}

func (fakeProc) Gen(what int, w procfs.Writer) procfs.Writer {
	switch what {
	case procfs.GenExe:
		w.Str("/app")
	case procfs.GenCwd:
		w.Str("/")
	case procfs.GenMeminfo:
		w.Str("MemTotal:       ")
		w.DecWidth(1024, 8)
		w.Str(" kB\n")
	}
	return w
}

func (fakeProc) FD(fd int, w procfs.Writer) (procfs.Writer, bool) {
	switch fd {
	case 0, 1, 2:
		w.Str("/dev/console")
		return w, true
	case 7:
		w.Str("pipe:[7]")
		return w, true
	}
	return w, false
}

func (fakeProc) NextFD(fd int) int {
	for _, o := range []int{0, 1, 2, 7} {
		if o >= fd {
			return o
		}
	}
	return -1
}

func readAll(t *testing.T, e Env, path string) string {
	t.Helper()
	n := mustLookup(t, e, path)
	var out []byte
	buf := make([]byte, 5) // small reads: the window logic is exercised
	for off := uint64(0); ; {
		got, err := ReadAt(e, n, off, buf)
		if err != 0 {
			t.Fatalf("ReadAt(%s, %d): %v", path, off, err)
		}
		if got == 0 {
			return string(out)
		}
		out = append(out, buf[:got]...)
		off += uint64(got)
	}
}

func TestProcSelfAndFiles(t *testing.T) {
	e := setup(t)
	self := mustLookup(t, e, "/proc/self")
	if self != mustLookup(t, e, "/proc/1") || !IsDir(self) {
		t.Errorf("/proc/self does not lead to /proc/1")
	}
	if s, err := Readlink(e, mustLookupNoFollow(t, e, "/proc/self")); s != "1" || err != 0 {
		t.Errorf("readlink /proc/self = %q, %v", s, err)
	}
	if s, err := Readlink(e, mustLookupNoFollow(t, e, "/proc/self/exe")); s != "/app" || err != 0 {
		t.Errorf("readlink /proc/self/exe = %q, %v", s, err)
	}
	if _, err := Lookup(e, RootNode, "/proc/self/exe", true); err != linux.ENOENT {
		t.Errorf("open /proc/self/exe: %v, want ENOENT (there is no /app)", err)
	}
	if got := readAll(t, e, "/proc/meminfo"); got != "MemTotal:           1024 kB\n" {
		t.Errorf("meminfo = %q", got)
	}
	if got := readAll(t, e, "/proc/sys/kernel/hostname"); got != "unigo\n" {
		t.Errorf("hostname = %q", got)
	}
	if a := Stat(e, mustLookup(t, e, "/proc/meminfo")); a.Mode != linux.S_IFREG|0444 || a.Size != 0 {
		t.Errorf("stat meminfo: %+v", a)
	}
	for _, p := range []string{"/proc/self/cgroup", "/proc/self/auxv", "/proc/2", "/proc/self/fd/3", "/proc/self/fd/01"} {
		if _, err := Lookup(e, RootNode, p, true); err != linux.ENOENT {
			t.Errorf("%s: %v, want ENOENT", p, err)
		}
	}
	if _, err := Create(e, mustLookup(t, e, "/proc"), "x", linux.S_IFREG, 0644, 0, 0); err != linux.EROFS {
		t.Errorf("create in /proc: %v, want EROFS", err)
	}
	if Statfs(self).Type != procMagic {
		t.Errorf("statfs /proc: %+v", Statfs(self))
	}
	var buf [64]byte
	if n, err := Path(e, mustLookup(t, e, "/proc/self/fd"), buf[:]); string(buf[:n]) != "/proc/1/fd" || err != 0 {
		t.Errorf("getcwd in /proc/self/fd = %q, %v", buf[:n], err)
	}
}

func mustLookupNoFollow(t *testing.T, e Env, path string) Node {
	t.Helper()
	n, err := Lookup(e, RootNode, path, false)
	if err != 0 {
		t.Fatalf("Lookup(%q): %v", path, err)
	}
	return n
}

func TestProcFDDirectory(t *testing.T) {
	e := setup(t)
	dir := mustLookup(t, e, "/proc/self/fd")
	var names []string
	for c := uint64(0); ; {
		d, ok := ReadDir(e, dir, c)
		if !ok {
			break
		}
		names = append(names, strings.Clone(d.Name))
		if d.Name != "." && d.Name != ".." && d.Type != linux.DT_LNK {
			t.Errorf("%s: type %d", d.Name, d.Type)
		}
		c = d.Next
	}
	if want := []string{".", "..", "0", "1", "2", "7"}; !slices.Equal(names, want) {
		t.Errorf("ReadDir(/proc/self/fd) = %q, want %q", names, want)
	}
	if s, err := Readlink(e, mustLookupNoFollow(t, e, "/proc/self/fd/7")); s != "pipe:[7]" || err != 0 {
		t.Errorf("readlink fd/7 = %q, %v", s, err)
	}
	// fd/1 -> /dev/console is followed like any symlink.
	if n := mustLookup(t, e, "/proc/self/fd/1"); DeviceOf(n) != DevConsole {
		t.Errorf("/proc/self/fd/1 does not lead to the console")
	}
}

func TestWritePathAndMounts(t *testing.T) {
	e := setup(t)
	mkfile(t, e, "/tmp/d", linux.S_IFDIR)
	mkfile(t, e, "/tmp/d/f", linux.S_IFREG)
	for _, p := range []string{"/", "/etc/hosts", "/tmp", "/tmp/d", "/tmp/d/f", "/dev/null", "/proc/1/maps", "/proc/self/fd"} {
		buf := make([]byte, 100)
		w := procfs.Writer{Buf: buf}
		if !WritePath(e, mustLookup(t, e, p), &w) {
			t.Errorf("WritePath(%s) found no path", p)
			continue
		}
		want := strings.Replace(p, "self", "1", 1)
		if got := string(buf[:w.N]); got != want {
			t.Errorf("WritePath(%s) = %q, want %q", p, got, want)
		}
	}
	buf := make([]byte, 1000)
	w := procfs.Writer{Buf: buf}
	WriteMounts(e, &w)
	want := "rootfs / rootfs ro 0 0\ndevtmpfs /dev devtmpfs rw,nosuid 0 0\ntmpfs /tmp tmpfs rw,size=1024k 0 0\n" +
		"proc /proc proc ro,nosuid,nodev,noexec 0 0\n"
	if got := string(buf[:w.N]); got != want {
		t.Errorf("mounts:\n%s\nwant:\n%s", got, want)
	}
}
