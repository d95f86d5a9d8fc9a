package ext2

import (
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/mm"
	"github.com/unigo-os/unigo/kernel/mm/mmtest"
)

// fakeDisk is a Disk over an image in memory. Requests complete in a random order: each
// Start and Wait may complete one pending request picked at random, and Wait(id)
// completes id. It counts what the tests check: requests in flight, flushes, locking.
type fakeDisk struct {
	img        []byte
	pending    map[int]request
	nextID     int
	queue      int // EAGAIN past this many in flight
	maxFlight  int
	writes     int
	reads      int
	flushes    int
	locked     bool
	failAt     int64 // sector whose transfers fail with EIO (-1: none)
	rnd        *rand.Rand
	outOfOrder int // completions that overtook an older request
}

type request struct {
	write  bool
	sector uint64
	buf    []byte
}

func newFakeDisk(img []byte) *fakeDisk {
	return &fakeDisk{img: img, pending: map[int]request{}, queue: 16, failAt: -1, rnd: rand.New(rand.NewSource(7))}
}

func (d *fakeDisk) complete(id int) linux.Errno {
	r, ok := d.pending[id]
	if !ok {
		return 0
	}
	for older := range d.pending {
		if older < id {
			d.outOfOrder++
			break
		}
	}
	delete(d.pending, id)
	if int64(r.sector) <= d.failAt && d.failAt < int64(r.sector)+int64(len(r.buf)/512) {
		return linux.EIO
	}
	off := r.sector * 512
	if r.write {
		copy(d.img[off:], r.buf)
	} else {
		copy(r.buf, d.img[off:])
	}
	return 0
}

func (d *fakeDisk) maybeComplete() {
	if len(d.pending) > 1 && d.rnd.Intn(3) == 0 {
		for id := range d.pending { // map order is random
			d.complete(id)
			return
		}
	}
}

func (d *fakeDisk) Start(vol int, write bool, sector uint64, buf []byte) (int, linux.Errno) {
	if !d.locked {
		panic("fakeDisk: Start without the volume lock")
	}
	if len(buf)%512 != 0 || (sector+uint64(len(buf)/512))*512 > uint64(len(d.img)) {
		panic("fakeDisk: bad transfer")
	}
	d.maybeComplete()
	if len(d.pending) >= d.queue {
		return 0, linux.EAGAIN
	}
	d.nextID++
	d.pending[d.nextID] = request{write, sector, buf}
	d.maxFlight = max(d.maxFlight, len(d.pending))
	if write {
		d.writes++
	} else {
		d.reads++
	}
	return d.nextID, 0
}

func (d *fakeDisk) Wait(vol int, id int) linux.Errno {
	d.maybeComplete()
	if _, ok := d.pending[id]; !ok && id > d.nextID {
		panic("fakeDisk: Wait for a request never started")
	}
	return d.complete(id)
}

func (d *fakeDisk) Flush(vol int) linux.Errno {
	if len(d.pending) != 0 {
		panic("fakeDisk: Flush with requests in flight")
	}
	d.flushes++
	return 0
}

func (d *fakeDisk) Lock(vol int) {
	if d.locked {
		panic("fakeDisk: Lock while locked")
	}
	d.locked = true
}

func (d *fakeDisk) Unlock(vol int) {
	if !d.locked {
		panic("fakeDisk: Unlock while unlocked")
	}
	d.locked = false
}

func (d *fakeDisk) Sectors(vol int) uint64 { return uint64(len(d.img)) / 512 }

var clock int64 = 1700000000

func testNow() (int64, int32) { clock++; return clock, 123456789 }

// tool returns the path of an e2fsprogs program, skipping the test if it is missing.
func tool(t *testing.T, name string) string {
	t.Helper()
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/bin"} {
		if p := filepath.Join(dir, name); fileExists(p) {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	t.Skipf("%s not installed (e2fsprogs): skipping", name)
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// mkfs makes an ext2 image of size (mke2fs syntax) with extra mke2fs arguments; the
// default is the layout the issue names: 4 KiB blocks, 256-byte inodes, no dir_index,
// resize_inode or ext_attr.
func mkfs(t *testing.T, size string, args ...string) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "vol.img")
	if len(args) == 0 {
		args = []string{"-b", "4096", "-I", "256", "-O", "^dir_index,^resize_inode,^ext_attr"}
	}
	a := []string{"-q", "-F", "-E", "root_owner=0:0"}
	if args[0] != "-t" {
		a = append(a, "-t", "ext2")
	}
	a = append(a, args...)
	a = append(a, img, size)
	if out, err := exec.Command(tool(t, "mke2fs"), a...).CombinedOutput(); err != nil {
		t.Fatalf("mke2fs %v: %v\n%s", a, err, out)
	}
	return img
}

// testVol is a mounted image: its file, the fake disk and the Env.
type testVol struct {
	path string
	disk *fakeDisk
	e    Env
}

// mountImage mounts the image at path as volume 0.
func mountImage(t *testing.T, path string, readOnly bool) *testVol {
	t.Helper()
	img, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tv := &testVol{path: path, disk: newFakeDisk(img)}
	tv.e = testEnv(t, tv.disk)
	vols[0] = volume{} // a new test: forget the last one's mount
	if err := Mount(tv.e, 0, readOnly); err != 0 {
		t.Fatalf("Mount: %v (%s)", err, Problem())
	}
	return tv
}

func testEnv(t *testing.T, d Disk) Env { return testEnvRAM(t, d, 16<<20) }

// testEnvRAM gives ram bytes of test memory: little of it makes the cache small.
func testEnvRAM(t *testing.T, d Disk, ram uint64) Env {
	t.Helper()
	r := mmtest.NewRAM(0, ram)
	f := new(mm.Frames)
	f.AddRange(0, ram)
	if !f.Init(r) {
		t.Fatal("Frames.Init failed")
	}
	frames = [MaxVolumes][maxBuffers]uint64{} // the last test's RAM is gone
	return Env{Frames: f, Mem: r, Now: testNow, Disk: d}
}

// sync syncs the volume and writes the image back to its file, for e2fsprogs to read.
func (tv *testVol) sync(t *testing.T) {
	t.Helper()
	if err := Sync(tv.e, 0); err != 0 {
		t.Fatalf("Sync: %v", err)
	}
	tv.save(t)
}

func (tv *testVol) save(t *testing.T) {
	t.Helper()
	if err := os.WriteFile(tv.path, tv.disk.img, 0644); err != nil {
		t.Fatal(err)
	}
}

// fsck runs e2fsck -fn on the image and fails the test on any finding.
func fsck(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command(tool(t, "e2fsck"), "-fn", path).CombinedOutput()
	if err != nil {
		t.Fatalf("e2fsck -fn: %v\n%s", err, out)
	}
}

// debugfs runs one debugfs request on the image and returns its output.
func debugfs(t *testing.T, path string, req string, write bool) string {
	t.Helper()
	args := []string{"-R", req, path}
	if write {
		args = append([]string{"-w"}, args...)
	}
	out, err := exec.Command(tool(t, "debugfs"), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("debugfs %s: %v\n%s", req, err, out)
	}
	s := string(out)
	if i := strings.Index(s, "\n"); strings.HasPrefix(s, "debugfs ") && i >= 0 {
		s = s[i+1:] // the version banner
	}
	return s
}

// Helpers over the API, failing the test on an error.

func (tv *testVol) create(t *testing.T, dir Ino, name string, typ uint32) Ino {
	t.Helper()
	i, err := Create(tv.e, 0, dir, name, typ, 0644, 0, 0)
	if err != 0 {
		t.Fatalf("Create(%q) = %v", name, err)
	}
	return i
}

func (tv *testVol) write(t *testing.T, ino Ino, off uint64, b []byte) {
	t.Helper()
	if n, err := WriteAt(tv.e, 0, ino, off, b); err != 0 || n != len(b) {
		t.Fatalf("WriteAt(%d, %d bytes) = %d, %v", ino, len(b), n, err)
	}
}

func (tv *testVol) readAll(t *testing.T, ino Ino) []byte {
	t.Helper()
	a, err := Stat(tv.e, 0, ino)
	if err != 0 {
		t.Fatal(err)
	}
	out := make([]byte, a.Size)
	if n, err := ReadAt(tv.e, 0, ino, 0, out); err != 0 || n != len(out) {
		t.Fatalf("ReadAt = %d, %v; want %d", n, err, len(out))
	}
	return out
}

func (tv *testVol) lookup(t *testing.T, dir Ino, name string) Ino {
	t.Helper()
	i, _, err := Lookup(tv.e, 0, dir, name)
	if err != 0 {
		t.Fatalf("Lookup(%q) = %v", name, err)
	}
	return i
}

func (tv *testVol) names(t *testing.T, dir Ino) []string {
	t.Helper()
	var got []string
	for c := uint64(0); ; {
		d, ok := ReadDir(tv.e, 0, dir, c, uint64(dir), 2)
		if !ok {
			return got
		}
		got = append(got, d.Name)
		c = d.Next
	}
}
