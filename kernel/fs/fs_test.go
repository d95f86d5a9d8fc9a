package fs

import (
	"archive/tar"
	"bytes"
	"slices"
	"testing"
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs/tmpfs"
	"github.com/unigo-os/unigo/kernel/mm"
	"github.com/unigo-os/unigo/kernel/mm/mmtest"
)

var archive []byte // keeps the mounted archive alive while the package holds its address

func now() (int64, int32) { return 1700000000, 0 }

// setup mounts a small archive (with its own tmp/ directory, which the tmpfs covers) and
// a 1 MiB tmpfs at /tmp.
func setup(t *testing.T) Env {
	t.Helper()
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	for _, h := range []*tar.Header{
		{Name: "etc/hosts", Typeflag: tar.TypeReg, Mode: 0644, Size: 5},
		{Name: "tmp/hidden", Typeflag: tar.TypeReg, Mode: 0644},
		{Name: "t", Typeflag: tar.TypeSymlink, Linkname: "tmp", Mode: 0777},
	} {
		w.WriteHeader(h)
		if h.Size > 0 {
			w.Write([]byte("hosts"))
		}
	}
	w.Close()
	archive = buf.Bytes()
	ram := mmtest.NewRAM(0, 16<<20)
	f := new(mm.Frames)
	f.AddRange(0, 16<<20)
	f.Init(ram)
	e := Env{Env: tmpfs.Env{Frames: f, Mem: ram, Now: now}, Proc: fakeProc{}}
	if err := Setup(e, uintptr(unsafe.Pointer(&archive[0])), uint64(len(archive)), "/tmp", 1<<20); err != 0 {
		t.Fatalf("Setup: %v", err)
	}
	return e
}

func mustLookup(t *testing.T, e Env, path string) Node {
	t.Helper()
	n, err := Lookup(e, RootNode, path, true)
	if err != 0 {
		t.Fatalf("Lookup(%q) = %v", path, err)
	}
	return n
}

func mkfile(t *testing.T, e Env, path string, typ uint32) Node {
	t.Helper()
	dir, name, _, err := LookupParent(e, RootNode, path)
	if err != 0 {
		t.Fatalf("LookupParent(%q) = %v", path, err)
	}
	n, err := Create(e, dir, name, typ, 0755, 0, 0)
	if err != 0 {
		t.Fatalf("Create(%q) = %v", path, err)
	}
	return n
}

func TestMountsCoverAndCross(t *testing.T) {
	e := setup(t)
	tmp := mustLookup(t, e, "/tmp")
	if tmp != (Node{2, 0}) || Statfs(tmp).Type != tmpfsMagic || Statfs(RootNode).Flags != stRdonly {
		t.Fatalf("/tmp = %+v, statfs %+v", tmp, Statfs(tmp))
	}
	if _, err := Lookup(e, RootNode, "/tmp/hidden", true); err != linux.ENOENT {
		t.Errorf("the archive's tmp/hidden shows through the mount: %v", err)
	}
	d := mkfile(t, e, "/tmp/d", linux.S_IFDIR)
	mkfile(t, e, "/t/d/f", linux.S_IFREG) // through the archive's symlink into the mount
	for path, want := range map[string]Node{
		"/tmp/d/../..":        RootNode,
		"/tmp/d/../../etc/..": RootNode,
		"/dev/../tmp/d":       d,
		"/tmp/./d/":           d,
	} {
		if got, err := Lookup(e, RootNode, path, true); got != want || err != 0 {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", path, got, err, want)
		}
	}
	if got, _ := Lookup(e, d, "../../etc/hosts", true); Stat(e, got).Size != 5 {
		t.Errorf("relative lookup out of the mount: %+v", got)
	}
	var buf [64]byte
	if n, err := Path(e, d, buf[:]); string(buf[:n]) != "/tmp/d" || err != 0 {
		t.Errorf("Path = %q, %v", buf[:n], err)
	}
	if a, b := Stat(e, tmp), Stat(e, RootNode); a.Dev == b.Dev {
		t.Errorf("/tmp and / share st_dev %d", a.Dev)
	}
}

func TestMountErrorsLikeLinux(t *testing.T) {
	e := setup(t)
	mkfile(t, e, "/tmp/a", linux.S_IFREG)
	tmp, etc := mustLookup(t, e, "/tmp"), mustLookup(t, e, "/etc")
	if err := Rename(e, tmp, "a", etc, "a", 0); err != linux.EXDEV {
		t.Errorf("rename across mounts: %v, want EXDEV", err)
	}
	if err := Link(e, mustLookup(t, e, "/tmp/a"), etc, "a"); err != linux.EXDEV {
		t.Errorf("link across mounts: %v, want EXDEV", err)
	}
	if _, err := Create(e, etc, "new", linux.S_IFREG, 0644, 0, 0); err != linux.EROFS {
		t.Errorf("create in the archive: %v, want EROFS", err)
	}
	if _, err := Create(e, RootNode, "tmp", linux.S_IFDIR, 0755, 0, 0); err != linux.EEXIST {
		t.Errorf("mkdir over a mount point: %v, want EEXIST", err)
	}
	if err := Rmdir(e, RootNode, "tmp"); err != linux.EBUSY {
		t.Errorf("rmdir of a mount point: %v, want EBUSY", err)
	}
	if err := Rename(e, RootNode, "dev", RootNode, "x", 0); err != linux.EBUSY {
		t.Errorf("rename of a mount point: %v, want EBUSY", err)
	}
	if _, err := WriteAt(e, mustLookup(t, e, "/etc/hosts"), 0, []byte("x")); err != linux.EROFS {
		t.Errorf("write to the archive: %v, want EROFS", err)
	}
}

func TestReadDirListsMountPointsOnce(t *testing.T) {
	e := setup(t)
	var names []string
	for c := uint64(0); ; {
		d, ok := ReadDir(e, RootNode, c)
		if !ok {
			break
		}
		names = append(names, d.Name)
		c = d.Next
	}
	slices.Sort(names)
	if want := []string{".", "..", "dev", "etc", "proc", "t", "tmp"}; !slices.Equal(names, want) {
		t.Errorf("ReadDir(/) = %q, want %q", names, want)
	}
	dev := mustLookup(t, e, "/dev")
	if d, _ := ReadDir(e, dev, 1); d.Ino != Stat(e, RootNode).Ino {
		t.Errorf("/dev/.. has ino %d, want the root's", d.Ino)
	}
	null := mustLookup(t, e, "/dev/null")
	if DeviceOf(null) != DevNull || Stat(e, null).Rdev != 1<<8|3 || Stat(e, null).Mode != linux.S_IFCHR|0666 {
		t.Errorf("/dev/null: %+v", Stat(e, null))
	}
	if n := mustLookup(t, e, "/dev/stdout"); DeviceOf(n) != DevConsole {
		t.Errorf("/dev/stdout does not lead to the console")
	}
}
