package ext2

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

func TestENOSPCKeepsWrittenDataAndFsckClean(t *testing.T) {
	tv := mountImage(t, mkfs(t, "1M", "-b", "1024", "-N", "32", "-O", "^dir_index,^resize_inode,^ext_attr"), false)
	keep := tv.create(t, Root, "keep", linux.S_IFREG)
	tv.write(t, keep, 0, []byte("precious"))
	f := tv.create(t, Root, "fill", linux.S_IFREG)
	buf := bytes.Repeat([]byte("f"), 4<<20)
	n, err := WriteAt(tv.e, 0, f, 0, buf)
	if err != 0 || n == 0 || n >= len(buf) {
		t.Fatalf("filling write = %d, %v; want a short write", n, err)
	}
	if n2, err := WriteAt(tv.e, 0, f, uint64(n), buf[:1024]); n2 != 0 || err != linux.ENOSPC {
		t.Fatalf("write when full = %d, %v; want ENOSPC", n2, err)
	}
	if u := Statfs(0); u.Free != 0 {
		t.Errorf("statfs free blocks %d when full", u.Free)
	}
	// One block free, and a write that needs three (two index blocks and the data): it
	// fails without taking the one.
	if err := Truncate(tv.e, 0, f, uint64(n-1024)); err != 0 || Statfs(0).Free != 1 {
		t.Fatalf("truncate by one block: %v, %d free", err, Statfs(0).Free)
	}
	if k, err := WriteAt(tv.e, 0, keep, 100<<20, []byte("far")); k != 0 || err != linux.ENOSPC || Statfs(0).Free != 1 {
		t.Errorf("write needing index blocks with one block free = %d, %v, %d free; want ENOSPC, 1 free", k, err, Statfs(0).Free)
	}
	n -= 1024
	// Directory growth and inode allocation fail cleanly too.
	var cerr linux.Errno
	for k := 0; cerr == 0 && k < 200; k++ {
		_, cerr = Create(tv.e, 0, Root, fmt.Sprintf("name-long-enough-to-fill-blocks-%03d", k), linux.S_IFREG, 0644, 0, 0)
	}
	if cerr != linux.ENOSPC {
		t.Errorf("creating files on a full volume ended with %v, want ENOSPC", cerr)
	}
	if _, err := Create(tv.e, 0, Root, "d", linux.S_IFDIR, 0755, 0, 0); err != linux.ENOSPC && err != linux.EEXIST {
		t.Errorf("mkdir on a full volume: %v", err)
	}
	if got := tv.readAll(t, f); !bytes.Equal(got, buf[:n]) {
		t.Error("data written before ENOSPC was lost")
	}
	if got := tv.readAll(t, keep); string(got) != "precious" {
		t.Errorf("keep = %d bytes, want \"precious\"", len(got))
	}
	tv.sync(t)
	fsck(t, tv.path)
	// Freeing space makes it usable again, and the counts add up.
	if err := Truncate(tv.e, 0, f, 0); err != 0 {
		t.Fatal(err)
	}
	if u := Statfs(0); u.Free == 0 {
		t.Error("truncate freed nothing")
	}
	tv.write(t, f, 0, []byte("again"))
	tv.sync(t)
	fsck(t, tv.path)
}

func TestMountRefusesWhatIsNotExt2(t *testing.T) {
	good := mkfs(t, "8M")
	img, _ := os.ReadFile(good)
	cases := []struct {
		name    string
		corrupt func(b []byte) []byte
		want    string
	}{
		{"bad magic", func(b []byte) []byte { b[1024+56] = 0x12; return b }, "bad magic 0xef12"},
		{"block size", func(b []byte) []byte { b[1024+24] = 5; return b }, "block size"},
		{"zero blocks per group", func(b []byte) []byte { copy(b[1024+32:], []byte{0, 0, 0, 0}); return b }, "blocks per group"},
		{"larger than the device", func(b []byte) []byte { return b[:4<<20] }, "larger than the device"},
		{"ext4 extents", func(b []byte) []byte { b[1024+96] |= 0x40; return b }, "unsupported incompat features 0x40"},
		{"journal recovery", func(b []byte) []byte { b[1024+96] |= 0x04; return b }, "journal needs recovery"},
		{"revision 0", func(b []byte) []byte { b[1024+76] = 0; return b }, "revision"},
		{"inode size", func(b []byte) []byte { b[1024+88] = 0; b[1024+89] = 2; return b }, "inode size"},
		{"empty device", func(b []byte) []byte { return b[:1024] }, "too small"},
	}
	for _, c := range cases {
		d := newFakeDisk(c.corrupt(bytes.Clone(img)))
		e := testEnv(t, d)
		vols[0] = volume{}
		if err := Mount(e, 0, false); err != linux.EINVAL || !strings.Contains(Problem(), c.want) {
			t.Errorf("%s: Mount = %v (%q); want EINVAL saying %q", c.name, err, Problem(), c.want)
		}
	}
	// A real ext4 image says so too.
	ext4 := mkfs(t, "8M", "-t", "ext4")
	d := newFakeDisk(must(os.ReadFile(ext4)))
	e := testEnv(t, d)
	vols[0] = volume{}
	if err := Mount(e, 0, false); err != linux.EINVAL || !strings.Contains(Problem(), "incompat") {
		t.Errorf("ext4 image: Mount = %v (%q)", err, Problem())
	}
	// An unknown ro_compat feature (here metadata_csum's bit) mounts read-only.
	b := bytes.Clone(img)
	b[1024+101] |= 0x04 // 0x400
	vols[0] = volume{}
	e = testEnv(t, newFakeDisk(b))
	if err := Mount(e, 0, false); err != 0 || !ReadOnly(0) || !strings.Contains(Problem(), "read-only: unknown ro_compat features 0x400") {
		t.Errorf("unknown ro_compat: Mount = %v, read-only %v, problem %q", err, ReadOnly(0), Problem())
	}
	if _, err := Create(e, 0, Root, "x", linux.S_IFREG, 0644, 0, 0); err != linux.EROFS {
		t.Errorf("Create on it: %v, want EROFS", err)
	}
	if err := Mount(e, 0, false); err != linux.EBUSY {
		t.Errorf("mounting a volume twice: %v, want EBUSY", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestSyncKeepsSeveralWritesInFlight(t *testing.T) {
	tv := mountImage(t, mkfs(t, "64M"), false)
	f := tv.create(t, Root, "f", linux.S_IFREG)
	tv.write(t, f, 0, bytes.Repeat([]byte("s"), 200*4096)) // 200 dirty blocks: fits the cache
	d := tv.disk
	d.maxFlight, d.outOfOrder = 0, 0
	writes, flushes := d.writes, d.flushes
	if err := Sync(tv.e, 0); err != 0 {
		t.Fatal(err)
	}
	if d.writes-writes < 200 || d.maxFlight != d.queue || d.flushes != flushes+1 {
		t.Errorf("Sync: %d writes, at most %d in flight (queue %d), %d flushes; want >= 200, a full queue, 1",
			d.writes-writes, d.maxFlight, d.queue, d.flushes-flushes)
	}
	if d.outOfOrder == 0 {
		t.Error("no request completed out of order: the fake did not test that")
	}
	if err := Sync(tv.e, 0); err != 0 || d.writes-writes > 210 {
		t.Errorf("a second Sync rewrote clean buffers: %d writes in all", d.writes-writes)
	}
	// fsync after overwriting a block: the block and the inode's, nothing else.
	tv.write(t, f, 4096, []byte("over"))
	writes = d.writes
	if err := Sync(tv.e, 0); err != 0 || d.writes-writes != 2 {
		t.Errorf("Sync after an overwrite: %d writes, %v; want 2 (data, inode table)", d.writes-writes, err)
	}
	tv.save(t)
	fsck(t, tv.path)
	if got := debugfs(t, tv.path, "cat /f", false); got != strings.Repeat("s", 4096)+"over"+strings.Repeat("s", 199*4096-4) {
		t.Errorf("debugfs cat /f: %d bytes", len(got))
	}
}

func TestEvictionWritesBackAndRereads(t *testing.T) {
	tv := mountImage(t, mkfs(t, "64M"), false)
	f := tv.create(t, Root, "f", linux.S_IFREG)
	want := make([]byte, 3*maxBuffers*4096) // three times the cache
	for k := range want {
		want[k] = byte(k / 4096)
	}
	tv.write(t, f, 0, want)
	if got := tv.readAll(t, f); !bytes.Equal(got, want) {
		t.Error("contents differ after passing through the cache")
	}
	if tv.disk.maxFlight < 2 {
		t.Errorf("eviction wrote one buffer at a time (max in flight %d)", tv.disk.maxFlight)
	}
	tv.sync(t)
	fsck(t, tv.path)
	tv = mountImage(t, tv.path, true)
	reads := tv.disk.reads
	if got := tv.readAll(t, tv.lookup(t, Root, "f")); !bytes.Equal(got, want) {
		t.Error("contents differ when read from the disk")
	}
	if tv.disk.maxFlight < maxPrefetch/2 || tv.disk.reads-reads > len(want)/4096+len(want)/4096/1024+8 {
		t.Errorf("reading %d blocks: %d reads, at most %d in flight; want each block read once, many at a time",
			len(want)/4096, tv.disk.reads-reads, tv.disk.maxFlight)
	}
}

func TestDiskErrorsGiveEIO(t *testing.T) {
	tv := mountImage(t, mkfs(t, "16M"), false)
	f := tv.create(t, Root, "f", linux.S_IFREG)
	tv.write(t, f, 0, bytes.Repeat([]byte("x"), 8192))
	tv.sync(t)
	tv = mountImage(t, tv.path, false)
	f = tv.lookup(t, Root, "f")
	// Fail every transfer touching the file's first block.
	var n inode
	vols[0].readInode(tv.e, 0, f, &n)
	tv.disk.failAt = int64(n.block(0)) * 8
	buf := make([]byte, 100)
	if k, err := ReadAt(tv.e, 0, f, 0, buf); err != linux.EIO {
		t.Errorf("read of a failing block = %d, %v; want EIO", k, err)
	}
	if k, err := ReadAt(tv.e, 0, f, 4096, buf); err != 0 || k != 100 {
		t.Errorf("read of a good block = %d, %v", k, err)
	}
	tv.disk.failAt = -1
	if k, err := ReadAt(tv.e, 0, f, 0, buf); err != 0 || k != 100 {
		t.Errorf("read after the disk recovers = %d, %v", k, err)
	}
}

func TestLargeFilesUseTripleIndirectAndSetLargeFile(t *testing.T) {
	tv := mountImage(t, mkfs(t, "64M", "-b", "4096", "-I", "256", "-O", "^dir_index,^resize_inode,^ext_attr,^large_file"), false)
	f := tv.create(t, Root, "huge", linux.S_IFREG)
	last := vols[0].MaxSize&^4095 - 4096
	offs := []uint64{3 << 30, 1 << 40, last} // past 2 GiB, in the triple indirect range, near the limit
	for _, off := range offs {
		tv.write(t, f, off, []byte("far away"))
	}
	if _, err := WriteAt(tv.e, 0, f, vols[0].MaxSize, []byte("x")); err != linux.EFBIG {
		t.Errorf("write at the size limit: %v, want EFBIG", err)
	}
	if vols[0].MaxSize < 2<<40-4<<30 {
		t.Errorf("max file size %d, want about 2 TiB with 4 KiB blocks", vols[0].MaxSize)
	}
	buf := make([]byte, 8)
	for _, off := range offs {
		if n, _ := ReadAt(tv.e, 0, f, off, buf); string(buf[:n]) != "far away" {
			t.Errorf("at %d: %q", off, buf[:n])
		}
	}
	if d, err := NextData(tv.e, 0, f, 0, false); err != 0 || d != 3<<30 {
		t.Errorf("SEEK_DATA from 0 = %d, %v; want %d", d, err, uint64(3<<30))
	}
	if h, err := NextData(tv.e, 0, f, 3<<30, true); err != 0 || h != 3<<30+4096 {
		t.Errorf("SEEK_HOLE from 3 GiB = %d, %v", h, err)
	}
	if d, err := NextData(tv.e, 0, f, 3<<30+4096, false); err != 0 || d != 1<<40 {
		t.Errorf("SEEK_DATA from past the first block = %d, %v; want %d", d, err, uint64(1<<40))
	}
	if _, err := NextData(tv.e, 0, f, last+8, false); err != linux.ENXIO {
		t.Errorf("SEEK_DATA past the end: %v, want ENXIO", err)
	}
	tv.sync(t)
	if st := debugfs(t, tv.path, "stats", false); !strings.Contains(st, "large_file") {
		t.Error("large_file was not set by a file past 2 GiB")
	}
	fsck(t, tv.path)
	if err := Truncate(tv.e, 0, f, 4<<30); err != 0 {
		t.Fatal(err)
	}
	if a, _ := Stat(tv.e, 0, f); a.Blocks != 8*3 { // the data block at 3 GiB, its double and single indirect blocks
		t.Errorf("after truncating to 4 GiB: %d sectors, want 24", a.Blocks)
	}
	tv.sync(t)
	fsck(t, tv.path)
}

func TestSequentialSmallReadsReadAhead(t *testing.T) {
	tv := mountImage(t, mkfs(t, "64M"), false)
	f := tv.create(t, Root, "f", linux.S_IFREG)
	want := make([]byte, 1<<20)
	for k := range want {
		want[k] = byte(k * 7 / 4096)
	}
	tv.write(t, f, 0, want)
	tv.sync(t)
	tv = mountImage(t, tv.path, true)
	f = tv.lookup(t, Root, "f")
	d := tv.disk
	reads, flight := d.reads, d.maxFlight
	d.maxFlight = 0
	got := make([]byte, 0, len(want))
	buf := make([]byte, 4096)
	for off := 0; off < len(want); off += len(buf) {
		n, err := ReadAt(tv.e, 0, f, uint64(off), buf)
		if err != 0 || n != len(buf) {
			t.Fatalf("ReadAt(%d) = %d, %v", off, n, err)
		}
		got = append(got, buf...)
	}
	if !bytes.Equal(got, want) {
		t.Error("contents differ")
	}
	if n := d.reads - reads; n > 256+8 || d.maxFlight < 8 {
		t.Errorf("256 sequential 4 KiB reads: %d disk reads, at most %d in flight (was %d); want each block once, read ahead",
			n, d.maxFlight, flight)
	}
}
