package fs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

// memDisk is a Disk over an image in memory whose requests complete as they start.
type memDisk struct {
	img    []byte
	locked bool
}

func (d *memDisk) Start(vol int, write bool, sector uint64, buf []byte) (int, linux.Errno) {
	if write {
		copy(d.img[sector*512:], buf)
	} else {
		copy(buf, d.img[sector*512:])
	}
	return 1, 0
}
func (d *memDisk) Wait(vol, id int) linux.Errno { return 0 }
func (d *memDisk) Flush(vol int) linux.Errno    { return 0 }
func (d *memDisk) Lock(vol int) {
	if d.locked {
		panic("memDisk: Lock while locked")
	}
	d.locked = true
}
func (d *memDisk) Unlock(vol int)         { d.locked = false }
func (d *memDisk) Sectors(vol int) uint64 { return uint64(len(d.img)) / 512 }

// setupExt2 is setup plus a fresh 16 MiB ext2 volume (4 KiB blocks, 256-byte inodes) at
// /vol; it returns the image's path and the disk.
func setupExt2(t *testing.T, readOnly bool) (Env, string, *memDisk) {
	t.Helper()
	mke2fs := "/usr/sbin/mke2fs"
	if _, err := os.Stat(mke2fs); err != nil {
		t.Skip("mke2fs (e2fsprogs) not installed: skipping")
	}
	img := filepath.Join(t.TempDir(), "vol.img")
	out, err := exec.Command(mke2fs, "-q", "-t", "ext2", "-b", "4096", "-I", "256",
		"-O", "^dir_index,^resize_inode,^ext_attr", "-F", img, "16M").CombinedOutput()
	if err != nil {
		t.Fatalf("mke2fs: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(img)
	e := setup(t)
	d := &memDisk{img: b}
	e.Disk = d
	resetExt2ForTest(0)
	if err := MountExt2(e, "/vol", 0, readOnly); err != 0 {
		t.Fatalf("MountExt2: %v (%s)", err, Ext2Problem())
	}
	return e, img, d
}

func TestExt2VolumeThroughTheVFS(t *testing.T) {
	e, img, d := setupExt2(t, false)
	vol := mustLookup(t, e, "/vol")
	if vol != (Node{vol.Mnt, 0}) || !IsDir(vol) || Stat(e, vol).Ino != 2 || Statfs(vol).Type != ext2Magic {
		t.Fatalf("/vol = %+v, stat %+v, statfs %+v", vol, Stat(e, vol), Statfs(vol))
	}
	sub := mkfile(t, e, "/vol/sub", linux.S_IFDIR)
	f := mkfile(t, e, "/vol/sub/f", linux.S_IFREG)
	if !IsDir(sub) || !IsRegular(f) || Type(f) != linux.S_IFREG {
		t.Errorf("types: sub %v, f %o", IsDir(sub), Type(f))
	}
	if n, err := WriteAt(e, f, 0, []byte("data")); n != 4 || err != 0 {
		t.Fatalf("WriteAt = %d, %v", n, err)
	}
	if err := Symlink(e, sub, "up", "../sub/f", 0, 0); err != 0 {
		t.Fatal(err)
	}
	if err := Symlink(e, vol, "abs", "/vol/sub", 0, 0); err != 0 {
		t.Fatal(err)
	}
	for path, want := range map[string]Node{
		"/vol/sub/up":       f,
		"/vol/abs/up":       f,
		"/vol/abs/../sub/f": f,
		"/vol/sub/../..":    RootNode,
		"/vol/abs/":         sub,
	} {
		if got, err := Lookup(e, RootNode, path, true); got != want || err != 0 {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", path, got, err, want)
		}
	}
	if up, err := Lookup(e, RootNode, "/vol/sub/up", false); err != 0 || !IsSymlink(up) {
		t.Errorf("Lookup(nofollow) = %+v, %v", up, err)
	}
	if s, err := Readlink(e, mustLookup2(t, e, "/vol/abs")); s != "/vol/sub" || err != 0 {
		t.Errorf("Readlink = %q, %v", s, err)
	}
	var buf [64]byte
	if n, err := Path(e, sub, buf[:]); string(buf[:n]) != "/vol/sub" || err != 0 {
		t.Errorf("Path = %q, %v", buf[:n], err)
	}
	if _, err := Path(e, sub, buf[:5]); err != linux.ERANGE {
		t.Errorf("Path into 5 bytes: %v, want ERANGE", err)
	}
	var names []string
	for c := uint64(0); ; {
		ent, ok := ReadDir(e, sub, c)
		if !ok {
			break
		}
		names = append(names, ent.Name)
		if ent.Name == ".." && ent.Ino != 2 {
			t.Errorf("sub/.. has ino %d, want 2", ent.Ino)
		}
		c = ent.Next
	}
	if strings.Join(names, " ") != ". .. f up" {
		t.Errorf("ReadDir(sub) = %q", names)
	}
	if d, _ := ReadDir(e, vol, 1); d.Ino != Stat(e, RootNode).Ino {
		t.Errorf("/vol/.. has ino %d, want the root's", d.Ino)
	}
	Ref(f)
	if err := Unlink(e, sub, "f"); err != 0 {
		t.Fatal(err)
	}
	got := make([]byte, 4)
	if n, _ := ReadAt(e, f, 0, got); n != 4 || string(got) != "data" {
		t.Errorf("unlinked open file reads %q", got[:n])
	}
	Release(e, f)
	if err := Rename(e, vol, "abs", sub, "moved", linux.RENAME_NOREPLACE); err != 0 {
		t.Errorf("rename: %v", err)
	}
	if err := Rmdir(e, vol, "sub"); err != linux.ENOTEMPTY {
		t.Errorf("rmdir non-empty: %v", err)
	}
	if err := Sync(e, vol); err != 0 {
		t.Fatal(err)
	}
	os.WriteFile(img, d.img, 0644)
	if out, err := exec.Command("/usr/sbin/e2fsck", "-fn", img).CombinedOutput(); err != nil {
		t.Errorf("e2fsck -fn: %v\n%s", err, out)
	}
}

func TestExt2SymlinksResolveLikeLinux(t *testing.T) {
	e, _, _ := setupExt2(t, false)
	vol := mustLookup(t, e, "/vol")
	f := mkfile(t, e, "/vol/f", linux.S_IFREG)
	for name, target := range map[string]string{
		"loop1": "loop2", "loop2": "loop1", // a cycle
		"c": "b", "b": "a", "a": "f", // a chain
		"dangling": "nowhere",
		"tmp":      "/tmp", // out of the volume, into another mount
		"long":     strings.Repeat("./", 1000) + "f",
		"toolong":  strings.Repeat("./", 2040) + "f",
	} {
		if err := Symlink(e, vol, name, target, 0, 0); err != 0 {
			t.Fatalf("Symlink(%s): %v", name, err)
		}
	}
	mkfile(t, e, "/tmp/x", linux.S_IFREG)
	for path, want := range map[string]linux.Errno{
		"/vol/loop1":        linux.ELOOP,
		"/vol/c":            0,
		"/vol/c/":           linux.ENOTDIR,
		"/vol/dangling":     linux.ENOENT,
		"/vol/tmp/x":        0,
		"/vol/tmp/../vol/c": 0,
		"/vol/long":         0,
		"/vol/toolong/" + strings.Repeat("./", 20): linux.ENAMETOOLONG, // target and rest past PATH_MAX
	} {
		if _, err := Lookup(e, RootNode, path, true); err != want {
			t.Errorf("Lookup(%q) = %v, want %v", path, err, want)
		}
	}
	if n, _ := Lookup(e, RootNode, "/vol/c", true); n != f {
		t.Errorf("the chain leads to %+v, want %+v", n, f)
	}
	free := e.Frames.FreePages()
	Lookup(e, RootNode, "/vol/a", true)
	if e.Frames.FreePages() != free {
		t.Error("Lookup through a symlink kept its path frame")
	}
}

func TestExt2ReadOnlyMountGivesEROFS(t *testing.T) {
	e, _, _ := setupExt2(t, true)
	vol := mustLookup(t, e, "/vol")
	lf := mustLookup(t, e, "/vol/lost+found")
	if !ReadOnly(vol) || Statfs(vol).Flags != stRdonly {
		t.Errorf("ReadOnly %v, statfs flags %d", ReadOnly(vol), Statfs(vol).Flags)
	}
	if _, err := Create(e, vol, "x", linux.S_IFREG, 0644, 0, 0); err != linux.EROFS {
		t.Errorf("create: %v, want EROFS", err)
	}
	if err := Rmdir(e, vol, "lost+found"); err != linux.EROFS {
		t.Errorf("rmdir: %v, want EROFS", err)
	}
	if err := Chmod(e, lf, 0700); err != linux.EROFS {
		t.Errorf("chmod: %v, want EROFS", err)
	}
}

func mustLookup2(t *testing.T, e Env, path string) Node {
	t.Helper()
	n, err := Lookup(e, RootNode, path, false)
	if err != 0 {
		t.Fatalf("Lookup(%q) = %v", path, err)
	}
	return n
}

func TestMountExt2RefusesGarbageWithAProblem(t *testing.T) {
	e := setup(t)
	e.Disk = &memDisk{img: make([]byte, 1<<20)}
	resetExt2ForTest(1)
	if err := MountExt2(e, "/vol", 1, false); err != linux.EINVAL || !strings.Contains(Ext2Problem(), "bad magic 0x0") {
		t.Errorf("MountExt2 on zeros = %v (%q); want EINVAL, bad magic", err, Ext2Problem())
	}
	if _, err := Lookup(e, RootNode, "/vol", true); err != linux.ENOENT {
		t.Errorf("a failed mount left /vol: %v", err)
	}
	if err := MountExt2(e, "/nodir/vol", 1, false); err != linux.ENOENT {
		t.Errorf("mount point under a missing directory: %v", err)
	}
}

func TestExt2SyncMakesChangesDurable(t *testing.T) {
	e, img, d := setupExt2(t, false)
	f := mkfile(t, e, "/vol/f", linux.S_IFREG)
	WriteAt(e, f, 0, []byte("durable"))
	before := string(d.img)
	if err := Sync(e, f); err != 0 {
		t.Fatal(err)
	}
	if string(d.img) == before {
		t.Fatal("Sync wrote nothing")
	}
	SyncAll(e)
	os.WriteFile(img, d.img, 0644)
	out, err := exec.Command("/usr/sbin/debugfs", "-R", "cat /f", img).Output()
	if err != nil || string(out) != "durable" {
		t.Errorf("debugfs cat /f = %q, %v", out, err)
	}
	u := Statfs(f)
	if u.Bsize != 4096 || u.Bfree == 0 || u.Bavail >= u.Bfree || u.Ffree == 0 || u.Files != 4096 {
		t.Errorf("statfs %+v", u)
	}
}
