package ext2

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

func TestFilesWrittenHereReadBackThroughDebugfs(t *testing.T) {
	tv := mountImage(t, mkfs(t, "64M"), false)
	d := tv.create(t, Root, "dir", linux.S_IFDIR)
	f := tv.create(t, d, "hello.txt", linux.S_IFREG)
	tv.write(t, f, 0, []byte("hello, ext2\n"))
	big := tv.create(t, Root, "big", linux.S_IFREG)
	want := make([]byte, 5<<20+77) // past the direct and indirect blocks
	rand.New(rand.NewSource(1)).Read(want)
	for off := 0; off < len(want); off += 100003 {
		tv.write(t, big, uint64(off), want[off:min(off+100003, len(want))])
	}
	if _, err := Symlink(tv.e, 0, Root, "fast", "dir/hello.txt", 0, 0); err != 0 {
		t.Fatal(err)
	}
	long := strings.Repeat("x/", 100) + "target"
	if _, err := Symlink(tv.e, 0, Root, "slow", long, 0, 0); err != 0 {
		t.Fatal(err)
	}
	if err := Link(tv.e, 0, Root, "hard", f); err != 0 {
		t.Fatal(err)
	}
	tv.sync(t)
	fsck(t, tv.path)
	u := Statfs(0)
	st := debugfs(t, tv.path, "stats", false)
	for _, want := range []string{fmt.Sprintf("Free blocks:              %d\n", u.Free),
		fmt.Sprintf("Free inodes:              %d\n", u.FFree)} {
		if !strings.Contains(st, want) {
			t.Errorf("statfs %+v disagrees with the superblock: want %q in\n%s", u, want, st)
		}
	}

	if got := debugfs(t, tv.path, "cat /dir/hello.txt", false); got != "hello, ext2\n" {
		t.Errorf("debugfs cat /dir/hello.txt = %q", got)
	}
	if got := debugfs(t, tv.path, "cat /hard", false); got != "hello, ext2\n" {
		t.Errorf("debugfs cat /hard = %q", got)
	}
	if got := debugfs(t, tv.path, "cat /big", false); sha256.Sum256([]byte(got)) != sha256.Sum256(want) {
		t.Errorf("debugfs cat /big: %d bytes, contents differ", len(got))
	}
	ls := debugfs(t, tv.path, "ls -l /", false)
	for _, name := range []string{"dir", "big", "fast", "slow", "hard", "lost+found"} {
		if !strings.Contains(ls, " "+name+"\n") && !strings.Contains(ls, " "+name+" ") {
			t.Errorf("debugfs ls -l / lacks %q:\n%s", name, ls)
		}
	}
	if st := debugfs(t, tv.path, "stat /hard", false); !strings.Contains(st, "Links: 2") {
		t.Errorf("hard link count:\n%s", st)
	}
	if got := debugfs(t, tv.path, "stat /fast", false); !strings.Contains(got, `Fast link dest: "dir/hello.txt"`) {
		t.Errorf("debugfs stat /fast does not show the fast link's target:\n%s", got)
	}
	if got := debugfs(t, tv.path, "cat /slow", false); got != long { // the target's block
		t.Errorf("debugfs cat /slow = %q, want %q", got, long)
	}

	// And through our own reads, after a fresh mount.
	tv = mountImage(t, tv.path, true)
	if got := tv.readAll(t, tv.lookup(t, Root, "big")); !bytes.Equal(got, want) {
		t.Error("big differs after remount")
	}
	buf := make([]byte, 300)
	n, err := Readlink(tv.e, 0, tv.lookup(t, Root, "slow"), buf)
	if err != 0 || string(buf[:n]) != long {
		t.Errorf("Readlink(slow) = %q, %v", buf[:n], err)
	}
	n, err = Readlink(tv.e, 0, tv.lookup(t, Root, "fast"), buf)
	if err != 0 || string(buf[:n]) != "dir/hello.txt" {
		t.Errorf("Readlink(fast) = %q, %v", buf[:n], err)
	}
}

func TestStatReportsInodeNumbersLinksBlocksAndNanoseconds(t *testing.T) {
	tv := mountImage(t, mkfs(t, "16M"), false)
	f := tv.create(t, Root, "f", linux.S_IFREG)
	tv.write(t, f, 0, make([]byte, 5000))
	a, err := Stat(tv.e, 0, f)
	if err != 0 {
		t.Fatal(err)
	}
	if a.Ino != uint64(f) || a.Ino < 11 || a.Nlink != 1 || a.Size != 5000 || a.Blocks != 16 ||
		a.Mode != linux.S_IFREG|0644 || a.Mtime.Nsec != 123456789 || a.Btime.Sec == 0 {
		t.Errorf("Stat = %+v; want ino %d, 1 link, 5000 bytes, 16 sectors, ns times", a, f)
	}
	r, _ := Stat(tv.e, 0, Root)
	if r.Ino != 2 || r.Nlink != 3 || r.Mode&linux.S_IFMT != linux.S_IFDIR { // lost+found
		t.Errorf("root Stat = %+v", r)
	}
}
