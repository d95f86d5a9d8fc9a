package ext2

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

func TestRenameLikeLinux(t *testing.T) {
	tv := mountImage(t, mkfs(t, "16M"), false)
	e := tv.e
	a := tv.create(t, Root, "a", linux.S_IFDIR)
	b := tv.create(t, a, "b", linux.S_IFDIR)
	f := tv.create(t, Root, "f", linux.S_IFREG)
	tv.create(t, Root, "g", linux.S_IFREG)
	tv.create(t, b, "inner", linux.S_IFREG)
	cases := []struct {
		od      Ino
		on      string
		nd      Ino
		nn      string
		flags   uint32
		want    linux.Errno
		explain string
	}{
		{Root, "a", b, "x", 0, linux.EINVAL, "directory into its own subtree"},
		{Root, "a", Root, "f", 0, linux.ENOTDIR, "directory over a file"},
		{Root, "f", Root, "a", 0, linux.EISDIR, "file over a directory"},
		{Root, "f", Root, "g", linux.RENAME_NOREPLACE, linux.EEXIST, "NOREPLACE"},
		{Root, "nope", Root, "g", 0, linux.ENOENT, "missing source"},
		{a, "b", Root, "a", 0, linux.ENOTEMPTY, "over a non-empty directory"},
		{Root, "f", Root, strings.Repeat("n", 256), 0, linux.ENAMETOOLONG, "name past 255 bytes"},
		{Root, "f", Root, "g", 0, 0, "file over file"},
		{a, "b", Root, "b", 0, 0, "directory to another parent"},
		{Root, "f", Root, "nope", linux.RENAME_EXCHANGE, linux.ENOENT, "EXCHANGE with a missing name"},
	}
	for _, c := range cases {
		if got := Rename(e, 0, c.od, c.on, c.nd, c.nn, c.flags); got != c.want {
			t.Errorf("%s: Rename = %v, want %v", c.explain, got, c.want)
		}
	}
	if i := tv.lookup(t, Root, "g"); i != f {
		t.Errorf("g is %d, want %d", i, f)
	}
	if p, _ := Parent(e, 0, b); p != Root {
		t.Errorf("b's .. is %d after the move", p)
	}
	ra, _ := Stat(e, 0, a)
	rr, _ := Stat(e, 0, Root)
	if ra.Nlink != 2 || rr.Nlink != 5 { // root: ., .., lost+found, a, b
		t.Errorf("nlinks after moving b: a %d, root %d", ra.Nlink, rr.Nlink)
	}
	// EXCHANGE a directory and a file across directories.
	if err := Rename(e, 0, Root, "g", b, "inner", linux.RENAME_EXCHANGE); err != 0 {
		t.Fatalf("EXCHANGE: %v", err)
	}
	if tv.lookup(t, b, "inner") != f {
		t.Error("EXCHANGE did not swap")
	}
	if err := Rename(e, 0, Root, "a", b, "inner", linux.RENAME_EXCHANGE); err != 0 {
		t.Fatalf("EXCHANGE of a directory into a sibling: %v", err)
	}
	if p, _ := Parent(e, 0, a); p != b {
		t.Errorf("a's .. is %d after the exchange, want %d", p, b)
	}
	if err := Rename(e, 0, Root, "b", Root, "b", 0); err != 0 {
		t.Errorf("rename onto itself: %v", err)
	}
	tv.sync(t)
	fsck(t, tv.path)
}

func TestReadDirCookiesSurviveChanges(t *testing.T) {
	tv := mountImage(t, mkfs(t, "16M"), false)
	d := tv.create(t, Root, "d", linux.S_IFDIR)
	var want []string
	for k := 0; k < 300; k++ { // several blocks
		name := fmt.Sprintf("%s-%d", strings.Repeat("n", k%40+1), k)
		tv.create(t, d, name, linux.S_IFREG)
		want = append(want, name)
	}
	var got []string
	for c := uint64(0); ; {
		ent, ok := ReadDir(tv.e, 0, d, c, uint64(d), 2)
		if !ok {
			break
		}
		got = append(got, ent.Name)
		if len(got) == 100 { // midway: remove entries behind and ahead of the cookie
			for _, k := range []int{10, 97, 98, 150, 299} {
				if slices.Contains(got, want[k]) != (k == 10 || k == 97) {
					t.Fatalf("entry %d seen %v before the removals: the directory is not in creation order", k, slices.Contains(got, want[k]))
				}
				if err := Unlink(tv.e, 0, d, want[k]); err != 0 {
					t.Fatal(err)
				}
			}
		}
		c = ent.Next
	}
	var expect []string
	for k, name := range want {
		if k != 98 && k != 150 && k != 299 {
			expect = append(expect, name)
		}
	}
	if got[0] != "." || got[1] != ".." {
		t.Errorf("first entries %q", got[:2])
	}
	// Entries removed before the cookie were already seen; after it they are skipped.
	// (The order is the directory's, not creation's: short names fill earlier blocks' slack.)
	seen := slices.Clone(got[2:])
	slices.Sort(seen)
	slices.Sort(expect)
	if !slices.Equal(seen, expect) {
		t.Errorf("ReadDir with removals = %d entries, want %d", len(got)-2, len(expect))
	}
}

func TestNamesAndLinksLikeLinux(t *testing.T) {
	tv := mountImage(t, mkfs(t, "16M"), false)
	e := tv.e
	long := strings.Repeat("L", 255)
	f := tv.create(t, Root, long, linux.S_IFREG)
	if _, err := Create(e, 0, Root, long+"x", linux.S_IFREG, 0644, 0, 0); err != linux.ENAMETOOLONG {
		t.Errorf("256-byte name: %v", err)
	}
	if _, _, err := Lookup(e, 0, Root, long+"x"); err != linux.ENAMETOOLONG {
		t.Errorf("lookup of a 256-byte name: %v", err)
	}
	if _, err := Create(e, 0, Root, long, linux.S_IFDIR, 0755, 0, 0); err != linux.EEXIST {
		t.Errorf("duplicate: %v", err)
	}
	d := tv.create(t, Root, "d", linux.S_IFDIR)
	if err := Link(e, 0, Root, "dl", d); err != linux.EPERM {
		t.Errorf("link to a directory: %v, want EPERM", err)
	}
	if err := Unlink(e, 0, Root, "d"); err != linux.EISDIR {
		t.Errorf("unlink of a directory: %v", err)
	}
	if err := Rmdir(e, 0, Root, long); err != linux.ENOTDIR {
		t.Errorf("rmdir of a file: %v", err)
	}
	if _, err := Create(e, 0, f, "x", linux.S_IFREG, 0644, 0, 0); err != linux.ENOTDIR {
		t.Errorf("create under a file: %v", err)
	}
	if _, err := Symlink(e, 0, Root, "s", strings.Repeat("t", 4096), 0, 0); err != linux.ENAMETOOLONG {
		t.Errorf("4096-byte symlink target: %v", err)
	}
	if _, err := Symlink(e, 0, Root, "s", "", 0, 0); err != linux.ENOENT {
		t.Errorf("empty symlink target: %v", err)
	}
	fifo := tv.create(t, Root, "fifo", linux.S_IFIFO)
	if m, _ := Mode(e, 0, fifo); m != linux.S_IFIFO|0644 {
		t.Errorf("fifo mode %o", m)
	}
	if _, err := ReadAt(e, 0, fifo, 0, make([]byte, 1)); err != linux.EINVAL {
		t.Errorf("ReadAt on a FIFO: %v", err)
	}
	if err := SetPerm(e, 0, f, 0600); err != 0 {
		t.Fatal(err)
	}
	if err := SetOwner(e, 0, f, 100000, -1); err != 0 {
		t.Fatal(err)
	}
	at, mt := Time{Sec: 1000, Nsec: 5}, Time{Sec: 1 << 33, Nsec: 999999999} // past 2038
	if err := SetTimes(e, 0, f, at, mt, true, true); err != 0 {
		t.Fatal(err)
	}
	a, _ := Stat(e, 0, f)
	if a.Mode != linux.S_IFREG|0600 || a.Uid != 100000 || a.Gid != 0 || a.Atime != at || a.Mtime != mt {
		t.Errorf("after chmod/chown/utimes: %+v", a)
	}
	// A removed directory takes no new entries, and cannot be linked into.
	Ref(0, d)
	if err := Rmdir(e, 0, Root, "d"); err != 0 {
		t.Fatal(err)
	}
	if _, err := Create(e, 0, d, "y", linux.S_IFREG, 0644, 0, 0); err != linux.ENOENT {
		t.Errorf("create in a removed directory: %v", err)
	}
	if NameOf(e, 0, d) != "" {
		t.Error("a removed directory still has a name")
	}
	Release(e, 0, d)
	sub := tv.create(t, Root, "sub", linux.S_IFDIR)
	if NameOf(e, 0, sub) != "sub" {
		t.Errorf("NameOf(sub) = %q", NameOf(e, 0, sub))
	}
	tv.sync(t)
	fsck(t, tv.path)
	if st := debugfs(t, tv.path, "stat /"+long, false); !strings.Contains(st, "User: 100000") {
		t.Errorf("debugfs does not see the owner:\n%s", st)
	}
}

func TestIndexedDirectoriesAreReadAndLoseTheirIndexOnChange(t *testing.T) {
	src := t.TempDir()
	os.Mkdir(src+"/big", 0755)
	for k := 0; k < 500; k++ {
		os.WriteFile(fmt.Sprintf("%s/big/entry-%03d", src, k), nil, 0644)
	}
	path := mkfs(t, "16M", "-b", "1024", "-O", "dir_index", "-d", src)
	// e2fsck -D builds the htree index.
	exec.Command(tool(t, "e2fsck"), "-fyD", path).Run()
	if st := debugfs(t, path, "stat /big", false); !strings.Contains(st, "Flags: 0x1000") {
		t.Skipf("e2fsck -D did not index /big:\n%s", st)
	}
	tv := mountImage(t, path, false)
	big := tv.lookup(t, Root, "big")
	if n := len(tv.names(t, big)); n != 502 {
		t.Errorf("indexed directory lists %d entries, want 502", n)
	}
	tv.lookup(t, big, "entry-321")
	tv.create(t, big, "newcomer", linux.S_IFREG)
	if err := Unlink(tv.e, 0, big, "entry-007"); err != 0 {
		t.Fatal(err)
	}
	tv.sync(t)
	fsck(t, tv.path)
	if st := debugfs(t, tv.path, "stat /big", false); strings.Contains(st, "Flags: 0x1000") {
		t.Error("the changed directory kept its index flag")
	}
}

func TestImmutableAndAppendOnlyFilesRefuseChanges(t *testing.T) {
	path := mkfs(t, "16M")
	tv := mountImage(t, path, false)
	for _, name := range []string{"imm", "app"} {
		tv.write(t, tv.create(t, Root, name, linux.S_IFREG), 0, []byte("data"))
	}
	d := tv.create(t, Root, "immdir", linux.S_IFDIR)
	tv.create(t, d, "inside", linux.S_IFREG)
	tv.sync(t)
	debugfs(t, path, "set_inode_field /imm flags 0x10", true)
	debugfs(t, path, "set_inode_field /app flags 0x20", true)
	debugfs(t, path, "set_inode_field /immdir flags 0x10", true)
	tv = mountImage(t, path, false)
	e := tv.e
	imm, app := tv.lookup(t, Root, "imm"), tv.lookup(t, Root, "app")
	for what, err := range map[string]linux.Errno{
		"write immutable":       second(WriteAt(e, 0, imm, 4, []byte("x"))),
		"truncate immutable":    Truncate(e, 0, imm, 0),
		"chmod immutable":       SetPerm(e, 0, imm, 0600),
		"unlink immutable":      Unlink(e, 0, Root, "imm"),
		"link immutable":        Link(e, 0, Root, "imm2", imm),
		"rename immutable":      Rename(e, 0, Root, "imm", Root, "x", 0),
		"overwrite append-only": second(WriteAt(e, 0, app, 0, []byte("x"))),
		"truncate append-only":  Truncate(e, 0, app, 0),
		"unlink append-only":    Unlink(e, 0, Root, "app"),
		"create in immutable":   second(Create(e, 0, d, "new", linux.S_IFREG, 0644, 0, 0)),
		"unlink in immutable":   Unlink(e, 0, d, "inside"),
	} {
		if err != linux.EPERM {
			t.Errorf("%s: %v, want EPERM", what, err)
		}
	}
	if n, err := WriteAt(e, 0, app, 4, []byte("more")); n != 4 || err != 0 {
		t.Errorf("append to an append-only file = %d, %v", n, err)
	}
}

func second[T any](_ T, err linux.Errno) linux.Errno { return err }
