package ext2

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

// TestFsckCleanAfterWorkload runs the workload on an image with several block
// groups (1 KiB blocks, 8 MiB groups) and has e2fsck -fn check the result.
func TestFsckCleanAfterWorkload(t *testing.T) {
	for _, layout := range []struct {
		name string
		args []string
	}{
		{"4k-blocks-256-inodes", nil},
		{"1k-blocks-128-inodes-groups", []string{"-b", "1024", "-I", "128", "-O", "^dir_index,^resize_inode,^ext_attr"}},
		{"2k-blocks-default-features", []string{"-b", "2048"}},
	} {
		t.Run(layout.name, func(t *testing.T) {
			tv := mountImage(t, mkfs(t, "64M", layout.args...), false)
			workload(t, tv)
			tv.sync(t) // fsync: durable, but still marked in use
			fsck(t, tv.path)
			SyncAll(tv.e) // sync(2) or exit: marked clean
			tv.save(t)
			fsck(t, tv.path)
			if st := debugfs(t, tv.path, "stats", false); !strings.Contains(st, "Filesystem state:         clean") {
				t.Errorf("after SyncAll the superblock is not marked clean:\n%s", st)
			}
			// A file unlinked while open at exit: Shutdown frees it.
			tv = mountImage(t, tv.path, false)
			o := tv.create(t, Root, "open-at-exit", linux.S_IFREG)
			tv.write(t, o, 0, bytes.Repeat([]byte("x"), 100000))
			Ref(0, o)
			if err := Unlink(tv.e, 0, Root, "open-at-exit"); err != 0 {
				t.Fatal(err)
			}
			free := Statfs(0).Free
			Shutdown(tv.e)
			if Statfs(0).Free <= free {
				t.Error("Shutdown did not free the unlinked open file")
			}
			tv.save(t)
			fsck(t, tv.path)
			// The same checks after a remount, from the disk; a change marks it in use.
			tv = mountImage(t, tv.path, false)
			checkWorkload(t, tv)
			tv.create(t, Root, "after-remount", linux.S_IFREG)
			if st := debugfs(t, tv.path, "stats", false); !strings.Contains(st, "Filesystem state:         clean") {
				t.Errorf("the image file changed before save:\n%s", st)
			}
			tv.save(t)
			if st := debugfs(t, tv.path, "stats", false); !strings.Contains(st, "Filesystem state:         not clean") {
				t.Errorf("a change after mount did not mark the volume in use:\n%s", st)
			}
			tv.sync(t)
			fsck(t, tv.path)
		})
	}
}

func workload(t *testing.T, tv *testVol) {
	t.Helper()
	e := tv.e
	// Sparse file: data at 0, 1 MiB and 300 MiB (double indirect with 4 KiB blocks,
	// triple with 1 KiB ones).
	sp := tv.create(t, Root, "sparse", linux.S_IFREG)
	for _, off := range []uint64{0, 1 << 20, 300 << 20} {
		tv.write(t, sp, off, []byte(fmt.Sprintf("at %d", off)))
	}
	// Truncate down into the middle of a block, then up again.
	tr := tv.create(t, Root, "trunc", linux.S_IFREG)
	tv.write(t, tr, 0, bytes.Repeat([]byte("t"), 200000))
	if err := Truncate(e, 0, tr, 5000); err != 0 {
		t.Fatal(err)
	}
	if err := Truncate(e, 0, tr, 100000); err != 0 {
		t.Fatal(err)
	}
	// Rename over: a file over a file, an empty directory over an empty directory.
	a := tv.create(t, Root, "a", linux.S_IFREG)
	tv.write(t, a, 0, []byte("file a"))
	b := tv.create(t, Root, "b", linux.S_IFREG)
	tv.write(t, b, 0, bytes.Repeat([]byte("b"), 50000))
	if err := Rename(e, 0, Root, "a", Root, "b", 0); err != 0 {
		t.Fatalf("rename file over file: %v", err)
	}
	tv.create(t, Root, "d1", linux.S_IFDIR)
	d2 := tv.create(t, Root, "d2", linux.S_IFDIR)
	tv.create(t, d2, "inner", linux.S_IFDIR)
	if err := Rename(e, 0, Root, "d1", d2, "inner", 0); err != 0 {
		t.Fatalf("rename dir over empty dir in another parent: %v", err)
	}
	// Unlink while open, then release.
	o := tv.create(t, Root, "open", linux.S_IFREG)
	tv.write(t, o, 0, bytes.Repeat([]byte("o"), 70000))
	Ref(0, o)
	if err := Unlink(e, 0, Root, "open"); err != 0 {
		t.Fatal(err)
	}
	if got := tv.readAll(t, o); len(got) != 70000 {
		t.Errorf("unlinked open file reads %d bytes", len(got))
	}
	Release(e, 0, o)
	// Rmdir.
	tv.create(t, Root, "gone", linux.S_IFDIR)
	if err := Rmdir(e, 0, Root, "gone"); err != 0 {
		t.Fatal(err)
	}
	// Many files: several directory blocks, and directories spread over groups.
	many := tv.create(t, Root, "many", linux.S_IFDIR)
	for k := 0; k < 600; k++ {
		name := fmt.Sprintf("file-with-a-longish-name-%04d", k)
		f := tv.create(t, many, name, linux.S_IFREG)
		if k%50 == 0 {
			tv.write(t, f, 0, bytes.Repeat([]byte{byte(k)}, 3000))
		}
	}
	for k := 0; k < 600; k += 3 {
		if err := Unlink(e, 0, many, fmt.Sprintf("file-with-a-longish-name-%04d", k)); err != 0 {
			t.Fatal(err)
		}
	}
	for k := 0; k < 20; k++ {
		d := tv.create(t, Root, fmt.Sprintf("dir%02d", k), linux.S_IFDIR)
		f := tv.create(t, d, "payload", linux.S_IFREG)
		tv.write(t, f, 0, bytes.Repeat([]byte{byte(k)}, 1<<20))
	}
	if _, err := Symlink(e, 0, Root, "link", strings.Repeat("long/", 30), 0, 0); err != 0 {
		t.Fatal(err)
	}
	if err := Link(e, 0, many, "hard", tv.lookup(t, Root, "b")); err != 0 {
		t.Fatal(err)
	}
}

func checkWorkload(t *testing.T, tv *testVol) {
	t.Helper()
	sp := tv.lookup(t, Root, "sparse")
	buf := make([]byte, 20)
	for _, off := range []uint64{0, 1 << 20, 300 << 20} {
		want := fmt.Sprintf("at %d", off)
		if n, _ := ReadAt(tv.e, 0, sp, off, buf[:len(want)]); string(buf[:n]) != want {
			t.Errorf("sparse at %d reads %q", off, buf[:n])
		}
	}
	if n, _ := ReadAt(tv.e, 0, sp, 5<<20, buf); n != len(buf) || !bytes.Equal(buf, make([]byte, len(buf))) {
		t.Errorf("a hole reads %q", buf[:n])
	}
	got := tv.readAll(t, tv.lookup(t, Root, "trunc"))
	if len(got) != 100000 || !bytes.Equal(got[:5000], bytes.Repeat([]byte("t"), 5000)) ||
		!bytes.Equal(got[5000:], make([]byte, 95000)) {
		t.Errorf("trunc: %d bytes, regrown part not zero", len(got))
	}
	if got := tv.readAll(t, tv.lookup(t, Root, "b")); string(got) != "file a" {
		t.Errorf("b after rename over = %q", got)
	}
	for _, name := range []string{"a", "d1", "open", "gone"} {
		if _, _, err := Lookup(tv.e, 0, Root, name); err != linux.ENOENT {
			t.Errorf("%s still exists: %v", name, err)
		}
	}
	if names := tv.names(t, tv.lookup(t, Root, "many")); len(names) != 2+400+1 {
		t.Errorf("many holds %d entries, want 403", len(names))
	}
	for k := 0; k < 20; k++ {
		d := tv.lookup(t, Root, fmt.Sprintf("dir%02d", k))
		if got := tv.readAll(t, tv.lookup(t, d, "payload")); !bytes.Equal(got, bytes.Repeat([]byte{byte(k)}, 1<<20)) {
			t.Errorf("dir%02d/payload differs", k)
		}
	}
}

func TestHostWrittenFilesReadCorrectly(t *testing.T) {
	src := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 300000) // 4.8 MB
	os.WriteFile(src+"/big", big, 0640)
	os.Mkdir(src+"/sub", 0750)
	os.WriteFile(src+"/sub/small", []byte("small file\n"), 0600)
	os.Symlink("sub/small", src+"/ln")
	os.Symlink(strings.Repeat("d/", 80)+"x", src+"/longln")
	path := mkfs(t, "64M", "-b", "4096", "-I", "256", "-O", "^dir_index,^resize_inode,^ext_attr", "-d", src)
	host := t.TempDir() + "/w"
	os.WriteFile(host, []byte("written by debugfs\n"), 0644)
	debugfs(t, path, "write "+host+" /x", true)

	tv := mountImage(t, path, true)
	if got := tv.readAll(t, tv.lookup(t, Root, "big")); !bytes.Equal(got, big) {
		t.Error("big differs")
	}
	sub := tv.lookup(t, Root, "sub")
	small := tv.lookup(t, sub, "small")
	if got := tv.readAll(t, small); string(got) != "small file\n" {
		t.Errorf("sub/small = %q", got)
	}
	if a, _ := Stat(tv.e, 0, small); a.Mode != linux.S_IFREG|0600 || a.Nlink != 1 {
		t.Errorf("sub/small stat %+v", a)
	}
	if got := tv.readAll(t, tv.lookup(t, Root, "x")); string(got) != "written by debugfs\n" {
		t.Errorf("/x = %q", got)
	}
	buf := make([]byte, 4096)
	for name, want := range map[string]string{"ln": "sub/small", "longln": strings.Repeat("d/", 80) + "x"} {
		n, err := Readlink(tv.e, 0, tv.lookup(t, Root, name), buf)
		if err != 0 || string(buf[:n]) != want {
			t.Errorf("Readlink(%s) = %q, %v", name, buf[:n], err)
		}
	}
	got := strings.Join(tv.names(t, Root), " ")
	for _, name := range []string{"big", "sub", "ln", "longln", "x", "lost+found"} {
		if !strings.Contains(" "+got+" ", " "+name+" ") {
			t.Errorf("ReadDir(/) = %q lacks %q", got, name)
		}
	}
	// The read-only mount refuses every change with EROFS.
	if _, err := Create(tv.e, 0, Root, "new", linux.S_IFREG, 0644, 0, 0); err != linux.EROFS {
		t.Errorf("Create on a read-only mount: %v", err)
	}
	if _, err := WriteAt(tv.e, 0, small, 0, []byte("x")); err != linux.EROFS {
		t.Errorf("WriteAt on a read-only mount: %v", err)
	}
	if err := Unlink(tv.e, 0, sub, "small"); err != linux.EROFS {
		t.Errorf("Unlink on a read-only mount: %v", err)
	}
	if err := SetPerm(tv.e, 0, small, 0777); err != linux.EROFS {
		t.Errorf("SetPerm on a read-only mount: %v", err)
	}
	if err := Rename(tv.e, 0, Root, "x", Root, "y", 0); err != linux.EROFS {
		t.Errorf("Rename on a read-only mount: %v", err)
	}
	if err := Truncate(tv.e, 0, small, 0); err != linux.EROFS {
		t.Errorf("Truncate on a read-only mount: %v", err)
	}
}
