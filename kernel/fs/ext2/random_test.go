package ext2

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"testing"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

// TestRandomOperationsMatchAModel runs random operations against a map of what each
// file should hold, with a cache of a few dozen buffers (so blocks are evicted and read
// back all the time), checks every file, and has e2fsck check the image.
func TestRandomOperationsMatchAModel(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			path := mkfs(t, "32M", "-b", "1024", "-I", "256", "-O", "^dir_index,^resize_inode,^ext_attr")
			img, _ := os.ReadFile(path)
			tv := &testVol{path: path, disk: newFakeDisk(img)}
			tv.e = testEnvRAM(t, tv.disk, 128<<10) // about 30 frames: some 120 buffers of 1 KiB
			vols[0] = volume{}
			if err := Mount(tv.e, 0, false); err != 0 {
				t.Fatal(err, Problem())
			}
			randomOps(t, tv, rand.New(rand.NewSource(seed)), 1500)
			if n := vols[0].cache.N; n > 128 || tv.disk.reads < 1000 {
				t.Errorf("cache of %d buffers, %d reads: the test meant to force evictions", n, tv.disk.reads)
			}
			tv.sync(t)
			fsck(t, tv.path)
		})
	}
}

type modelFile struct {
	dir  Ino
	name string
	ino  Ino
}

func randomOps(t *testing.T, tv *testVol, r *rand.Rand, ops int) {
	e := tv.e
	data := map[Ino][]byte{}
	var files []modelFile
	dirs := []Ino{Root}
	name := func() string {
		return fmt.Sprintf("n%d-%s", r.Intn(1000), string(bytes.Repeat([]byte{'x'}, r.Intn(60))))
	}
	for op := 0; op < ops; op++ {
		switch k := r.Intn(10); {
		case k < 2 || len(files) == 0: // create
			d := dirs[r.Intn(len(dirs))]
			nm := name()
			ino, err := Create(e, 0, d, nm, linux.S_IFREG, 0644, 0, 0)
			if err == linux.EEXIST {
				continue
			}
			if err != 0 {
				t.Fatalf("op %d: Create: %v", op, err)
			}
			files = append(files, modelFile{d, nm, ino})
			data[ino] = nil
		case k == 2: // mkdir
			d := dirs[r.Intn(len(dirs))]
			ino, err := Create(e, 0, d, name(), linux.S_IFDIR, 0755, 0, 0)
			if err == 0 {
				dirs = append(dirs, ino)
			} else if err != linux.EEXIST {
				t.Fatalf("op %d: mkdir: %v", op, err)
			}
		case k < 6: // write somewhere, sometimes far
			f := files[r.Intn(len(files))]
			off := r.Intn(64 << 10)
			if r.Intn(8) == 0 {
				off = r.Intn(70 << 20)
			}
			buf := make([]byte, r.Intn(20000)+1)
			r.Read(buf)
			if n, err := WriteAt(e, 0, f.ino, uint64(off), buf); err != 0 || n != len(buf) {
				t.Fatalf("op %d: WriteAt = %d, %v", op, n, err)
			}
			d := data[f.ino]
			if len(d) < off+len(buf) {
				d = append(d, make([]byte, off+len(buf)-len(d))...)
			}
			copy(d[off:], buf)
			data[f.ino] = d
		case k == 6: // truncate
			f := files[r.Intn(len(files))]
			size := r.Intn(len(data[f.ino]) + 5000)
			if err := Truncate(e, 0, f.ino, uint64(size)); err != 0 {
				t.Fatalf("op %d: Truncate: %v", op, err)
			}
			d := data[f.ino]
			if size < len(d) {
				d = d[:size]
			} else {
				d = append(d, make([]byte, size-len(d))...)
			}
			data[f.ino] = d
		case k == 7: // unlink
			i := r.Intn(len(files))
			f := files[i]
			if err := Unlink(e, 0, f.dir, f.name); err != 0 {
				t.Fatalf("op %d: Unlink: %v", op, err)
			}
			files = append(files[:i], files[i+1:]...)
			if !linked(files, f.ino) {
				delete(data, f.ino)
			}
		case k == 8: // rename, maybe over another file
			i := r.Intn(len(files))
			f := files[i]
			nd := dirs[r.Intn(len(dirs))]
			nn := name()
			if r.Intn(2) == 0 {
				o := files[r.Intn(len(files))]
				nd, nn = o.dir, o.name
			}
			err := Rename(e, 0, f.dir, f.name, nd, nn, 0)
			if err == linux.EISDIR {
				continue // over a directory of the same name
			}
			if err != 0 {
				t.Fatalf("op %d: Rename: %v", op, err)
			}
			if f.dir == nd && f.name == nn {
				continue
			}
			same := false
			for _, o := range files {
				same = same || (o.dir == nd && o.name == nn && o.ino == f.ino)
			}
			if same {
				continue // two names of one inode: Linux does nothing
			}
			for j, o := range files {
				if o.dir == nd && o.name == nn {
					files = append(files[:j], files[j+1:]...)
					if !linked(files, o.ino) {
						delete(data, o.ino)
					}
					break
				}
			}
			for j := range files {
				if files[j] == f {
					files[j].dir, files[j].name = nd, nn
				}
			}
		case k == 9: // hard link
			f := files[r.Intn(len(files))]
			d := dirs[r.Intn(len(dirs))]
			nm := name()
			if err := Link(e, 0, d, nm, f.ino); err == 0 {
				files = append(files, modelFile{d, nm, f.ino})
			} else if err != linux.EEXIST {
				t.Fatalf("op %d: Link: %v", op, err)
			}
		}
	}
	for _, f := range files {
		if got := tv.readAll(t, tv.lookup(t, f.dir, f.name)); !bytes.Equal(got, data[f.ino]) {
			t.Errorf("%s: %d bytes, want %d, or contents differ", f.name, len(got), len(data[f.ino]))
		}
	}
}

func linked(files []modelFile, ino Ino) bool {
	for _, f := range files {
		if f.ino == ino {
			return true
		}
	}
	return false
}

// TestTinyCacheStillWorks gives the cache a handful of frames: every operation evicts.
func TestTinyCacheStillWorks(t *testing.T) {
	path := mkfs(t, "32M")
	img, _ := os.ReadFile(path)
	tv := &testVol{path: path, disk: newFakeDisk(img)}
	tv.e = testEnvRAM(t, tv.disk, 40<<10)
	vols[0] = volume{}
	if err := Mount(tv.e, 0, false); err != 0 {
		t.Fatal(err, Problem())
	}
	randomOps(t, tv, rand.New(rand.NewSource(9)), 400)
	if n := vols[0].cache.N; n > 8 || n < 2 {
		t.Errorf("cache of %d buffers, want a handful", n)
	}
	tv.sync(t)
	fsck(t, tv.path)
}
