package tmpfs

import (
	"bytes"
	"crypto/sha256"
	"math/rand"
	"slices"
	"testing"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/mm"
	"github.com/unigo-os/unigo/kernel/mm/mmtest"
)

var clock int64 = 1700000000

func testNow() (int64, int32) { clock++; return clock, 5 }

// setup gives a fresh tmpfs limited to sizeLimit bytes over ram bytes of test RAM.
func setup(t *testing.T, ram, sizeLimit uint64) (Env, *mm.Frames) {
	t.Helper()
	r := mmtest.NewRAM(0, ram)
	f := new(mm.Frames)
	f.AddRange(0, ram)
	if !f.Init(r) {
		t.Fatal("Frames.Init failed")
	}
	e := Env{Frames: f, Mem: r, Now: testNow}
	Init(e, sizeLimit)
	return e, f
}

func mustCreate(t *testing.T, e Env, dir Ino, name string, typ uint32) Ino {
	t.Helper()
	i, err := Create(e, dir, name, typ, 0644, 0, 0)
	if err != 0 {
		t.Fatalf("Create(%q) = %v", name, err)
	}
	return i
}

func readAll(t *testing.T, e Env, i Ino) []byte {
	t.Helper()
	out := make([]byte, Stat(i).Size)
	n, err := ReadAt(e, i, 0, out)
	if err != 0 || n != len(out) {
		t.Fatalf("ReadAt = %d, %v; want %d", n, err, len(out))
	}
	return out
}

func TestWriteReadLargeFileAcrossIndirectBlocks(t *testing.T) {
	e, f := setup(t, 16<<20, 12<<20)
	i := mustCreate(t, e, Root, "big", TypeReg)
	want := make([]byte, 3<<20+123) // past the direct and single-indirect blocks
	rand.New(rand.NewSource(1)).Read(want)
	for off := 0; off < len(want); off += 7777 { // unaligned pieces
		end := min(off+7777, len(want))
		if n, err := WriteAt(e, i, uint64(off), want[off:end]); err != 0 || n != end-off {
			t.Fatalf("WriteAt(%d) = %d, %v", off, n, err)
		}
	}
	if got := readAll(t, e, i); sha256.Sum256(got) != sha256.Sum256(want) {
		t.Fatal("contents differ after write")
	}
	free := f.FreePages()
	if err := Unlink(e, Root, "big"); err != 0 {
		t.Fatal(err)
	}
	if used != 0 || f.FreePages() <= free {
		t.Errorf("after unlink: tmpfs holds %d frames, allocator free %d -> %d", used, free, f.FreePages())
	}
}

func TestHolesReadAsZeroAndTruncateZeroesTail(t *testing.T) {
	e, _ := setup(t, 4<<20, 2<<20)
	i := mustCreate(t, e, Root, "f", TypeReg)
	WriteAt(e, i, 100000, []byte("end"))
	if Stat(i).Size != 100003 || Stat(i).Blocks != 16 {
		t.Errorf("sparse file: size %d blocks %d, want 100003 and 16 (a data and an index frame)", Stat(i).Size, Stat(i).Blocks)
	}
	got := readAll(t, e, i)
	if !bytes.Equal(got[:100000], make([]byte, 100000)) || string(got[100000:]) != "end" {
		t.Error("hole does not read as zeros")
	}
	if off, _ := NextData(e, i, 0, false); off != 98304 {
		t.Errorf("SEEK_DATA from 0 = %d, want 98304", off)
	}
	if off, _ := NextData(e, i, 98304, true); off != 100003 {
		t.Errorf("SEEK_HOLE from 98304 = %d, want 100003 (the end)", off)
	}
	Truncate(e, i, 100001) // keeps "e", drops "nd"
	Truncate(e, i, 100003) // the regrown bytes must be zeros
	if got := readAll(t, e, i); string(got[100000:]) != "e\x00\x00" {
		t.Errorf("after shrink and regrow: %q", got[100000:])
	}
	Truncate(e, i, 0)
	if used != 1 {
		t.Errorf("truncate to 0 left %d frames, want 1 (the root's records)", used)
	}
}

func TestENOSPCKeepsWrittenData(t *testing.T) {
	e, _ := setup(t, 4<<20, 64<<10) // 16 frames
	i := mustCreate(t, e, Root, "f", TypeReg)
	buf := bytes.Repeat([]byte("x"), 100<<10)
	n, err := WriteAt(e, i, 0, buf)
	// 16 frames = the root's records + 12 direct + an index frame + 2 more blocks.
	if err != 0 || n != 14*4096 {
		t.Fatalf("first write = %d, %v; want a short write of %d", n, err, 14*4096)
	}
	if n2, err := WriteAt(e, i, uint64(n), buf); n2 != 0 || err != linux.ENOSPC {
		t.Fatalf("write when full = %d, %v; want ENOSPC", n2, err)
	}
	if got := readAll(t, e, i); !bytes.Equal(got, buf[:n]) {
		t.Fatal("data written before ENOSPC was lost")
	}
	for k := 1; k < recsPerFrame; k++ { // fill the root's record block
		mustCreate(t, e, Root, string(rune('A'+k)), TypeReg)
	}
	if _, err := Create(e, Root, "one-too-many", TypeDir, 0755, 0, 0); err != linux.ENOSPC || live != recsPerFrame+1 {
		t.Errorf("Create needing a record block when full = %v, %d inodes live; want ENOSPC and nothing new", err, live)
	}
	Truncate(e, i, 0)
	if u := Statfs(); u.Free != 15 || u.Blocks != 16 {
		t.Errorf("statfs after truncate: %+v (the root's records hold one frame)", u)
	}
}

func TestInodeTableExhaustion(t *testing.T) {
	e, _ := setup(t, 8<<20, 8<<20)
	d := mustCreate(t, e, Root, "d", TypeDir)
	var err linux.Errno
	n := 0
	for ; err == 0; n++ {
		_, err = Create(e, d, string(rune('a'+n%26))+string(rune('A'+n/26%26))+string(rune('0'+n/676)), TypeReg, 0644, 0, 0)
	}
	if err != linux.ENOSPC || n-1 != MaxInodes-2 {
		t.Errorf("created %d files before %v, want %d then ENOSPC", n-1, err, MaxInodes-2)
	}
}

func TestDirectoryEntriesAndReadDir(t *testing.T) {
	e, _ := setup(t, 4<<20, 4<<20)
	var want []string
	for k := 0; k < 40; k++ { // three record blocks
		name := string(bytes.Repeat([]byte{byte('a' + k%26)}, 1+k))
		mustCreate(t, e, Root, name, TypeReg)
		want = append(want, name)
	}
	long := string(bytes.Repeat([]byte("L"), 255))
	mustCreate(t, e, Root, long, TypeDir)
	want = append(want, long)
	if _, err := Create(e, Root, long, TypeReg, 0, 0, 0); err != linux.EEXIST {
		t.Errorf("duplicate name: %v, want EEXIST", err)
	}
	Unlink(e, Root, want[3])
	want = slices.Delete(want, 3, 4)
	var got []string
	for c := uint64(0); ; {
		d, ok := ReadDir(e, Root, c, 1)
		if !ok {
			break
		}
		got = append(got, d.Name)
		c = d.Next
	}
	if got[0] != "." || got[1] != ".." || !slices.Equal(got[2:], want) {
		t.Errorf("ReadDir = %q\nwant . .. %q", got, want)
	}
	if Stat(Root).Nlink != 3 {
		t.Errorf("root nlink %d, want 3 (one subdirectory)", Stat(Root).Nlink)
	}
}

func TestRenameLikeLinux(t *testing.T) {
	e, _ := setup(t, 4<<20, 4<<20)
	a := mustCreate(t, e, Root, "a", TypeDir)
	b := mustCreate(t, e, a, "b", TypeDir)
	f := mustCreate(t, e, Root, "f", TypeReg)
	g := mustCreate(t, e, Root, "g", TypeReg)
	mustCreate(t, e, b, "inner", TypeReg)
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
		{Root, "f", Root, "g", 0, 0, "file over file"},
		{a, "b", Root, "b", 0, 0, "directory to another parent"},
	}
	for _, c := range cases {
		if got := Rename(e, c.od, c.on, c.nd, c.nn, c.flags); got != c.want {
			t.Errorf("%s: Rename = %v, want %v", c.explain, got, c.want)
		}
	}
	if i, _ := Lookup(e, Root, "g"); i != f || inodes[g].Kind != kFree {
		t.Errorf("g is %d (want %d) and the replaced inode is not freed", i, f)
	}
	if Stat(a).Nlink != 2 || Stat(Root).Nlink != 4 || Parent(b) != Root {
		t.Errorf("nlinks after moving b: a %d root %d parent %d", Stat(a).Nlink, Stat(Root).Nlink, Parent(b))
	}
	if got := Rename(e, Root, "b", Root, "a", 0); got != 0 || inodes[a].Kind != kFree || Stat(Root).Nlink != 3 {
		t.Errorf("non-empty dir over empty dir: %v, root nlink %d", got, Stat(Root).Nlink)
	}
	Unlink(e, b, "inner")
	if err := Rmdir(e, Root, "a"); err != 0 {
		t.Errorf("rmdir: %v", err)
	}
}

func TestUnlinkedOpenFileLivesUntilRelease(t *testing.T) {
	e, _ := setup(t, 4<<20, 4<<20)
	i := mustCreate(t, e, Root, "f", TypeReg)
	WriteAt(e, i, 0, []byte("still here"))
	Ref(i)
	if err := Link(e, Root, "g", i); err != 0 || Stat(i).Nlink != 2 {
		t.Fatalf("link: %v nlink %d", err, Stat(i).Nlink)
	}
	Unlink(e, Root, "f")
	Unlink(e, Root, "g")
	if string(readAll(t, e, i)) != "still here" {
		t.Error("unlinked open file lost its data")
	}
	if err := Link(e, Root, "h", i); err != linux.ENOENT {
		t.Errorf("link of an unlinked file: %v, want ENOENT", err)
	}
	Release(e, i)
	if inodes[i].Kind != kFree || used != 0 {
		t.Errorf("after the last release: kind %d, frames %d (want 0: the root is empty)", inodes[i].Kind, used)
	}
}

func TestSymlinkAndRmdir(t *testing.T) {
	e, _ := setup(t, 4<<20, 4<<20)
	s, err := Symlink(e, Root, "s", "../some/where", 0, 0)
	if err != 0 {
		t.Fatal(err)
	}
	if got, _ := Readlink(e, s); got != "../some/where" || Stat(s).Mode != linux.S_IFLNK|0777 {
		t.Errorf("Readlink = %q mode %o", got, Stat(s).Mode)
	}
	d := mustCreate(t, e, Root, "d", TypeDir)
	mustCreate(t, e, d, "x", TypeReg)
	if err := Rmdir(e, Root, "d"); err != linux.ENOTEMPTY {
		t.Errorf("rmdir non-empty: %v", err)
	}
	if err := Unlink(e, Root, "d"); err != linux.EISDIR {
		t.Errorf("unlink dir: %v", err)
	}
	if err := Rmdir(e, Root, "s"); err != linux.ENOTDIR {
		t.Errorf("rmdir symlink: %v", err)
	}
	Unlink(e, d, "x")
	Ref(d) // a process sitting in it
	if err := Rmdir(e, Root, "d"); err != 0 {
		t.Fatal(err)
	}
	if _, err := Create(e, d, "y", TypeReg, 0, 0, 0); err != linux.ENOENT {
		t.Errorf("create in a removed directory: %v, want ENOENT", err)
	}
	Release(e, d)
	if NameOf(e, d) != "" || live != 2 {
		t.Errorf("removed dir still named or live count %d", live)
	}
}
