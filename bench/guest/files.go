package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// files measures the file system at -dir (issue 4): a sequential write of
// -mib MiB in 1 MiB writes (then fsync and close), a sequential read of it
// back (checked; for volume after dropping the file's cached pages), and -syncops appends of 4 KiB, each followed by fsync. The
// files workload uses a tmpfs at /tmp on both sides: unigo's default one, and
// on Linux the one setupLinux mounts. Its metrics are files_*.
func files(args []string) error { return fileBench("files", "/tmp", args) }

// volume is files on the persistent volume at /data (-dir), a fresh ext2
// image on virtio-blk on both sides (unigo: unigo.vol=/data; Linux: setupLinux
// loads virtio_blk and mounts /dev/vda as ext2). It first checks that -dir
// really is an ext2 mount, so a kernel that boots with the disk but does not
// mount it fails the run instead of measuring the root file system. Its
// metrics are volume_*.
func volume(args []string) error { return fileBench("volume", "/data", args) }

// ext2Magic is EXT2_SUPER_MAGIC, statfs's f_type for ext2 (also when Linux's
// ext4 driver serves it).
const ext2Magic = 0xEF53

// fileBench is files and volume: prefix names the metrics, dir is -dir's
// default. With -ext2 (volume's default) it checks -dir's statfs type first;
// with -dropcache (volume's default) it reads the file back cold.
func fileBench(prefix, defDir string, args []string) error {
	fs := flag.NewFlagSet(prefix, flag.ContinueOnError)
	dir := fs.String("dir", defDir, "directory to write in")
	mib := fs.Int("mib", 32, "size of the sequential file in MiB")
	syncOps := fs.Int("syncops", 4096, "number of fsync'd 4 KiB appends (4096: 16 MiB)")
	ext2 := fs.Bool("ext2", prefix == "volume", "fail unless -dir is an ext2 mount (statfs f_type 0xEF53)")
	drop := fs.Bool("dropcache", prefix == "volume", "read back after posix_fadvise(DONTNEED) of the file, so the read comes from the disk")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ext2 {
		var st syscall.Statfs_t
		if err := syscall.Statfs(*dir, &st); err != nil {
			return fmt.Errorf("statfs %s: %v", *dir, err)
		}
		if st.Type != ext2Magic {
			return fmt.Errorf("%s is not an ext2 mount (statfs type %#x, want %#x): no volume there", *dir, st.Type, ext2Magic)
		}
	}
	name := *dir + "/bench.seq"
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	t := time.Now()
	for i := 0; i < *mib; i++ {
		binary.LittleEndian.PutUint64(buf, uint64(i)) // each MiB says where it belongs
		if _, err := f.Write(buf); err != nil {
			return fmt.Errorf("write MiB %d: %v", i, err)
		}
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("fsync: %v", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	wd := time.Since(t)

	f, err = os.Open(name)
	if err != nil {
		return err
	}
	if *drop {
		// The file is clean after fsync, so DONTNEED drops its cached
		// pages and Linux reads it from the disk. unigo has no such call
		// (ENOSYS, reported once on its console) and needs none today: its
		// buffer cache holds 2 MiB per volume, so it reads the 32 MiB file
		// from the disk anyway.
		if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil && err != unix.ENOSYS {
			return fmt.Errorf("fadvise DONTNEED: %v", err)
		}
	}
	t = time.Now()
	n := 0
	for i := 0; ; i++ {
		k, err := io.ReadFull(f, buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read MiB %d: %d bytes: %v", i, k, err)
		}
		if got := binary.LittleEndian.Uint64(buf); got != uint64(i) || buf[len(buf)-1] != byte((len(buf)-1)*7) {
			return fmt.Errorf("read MiB %d: wrong contents (tag %d)", i, got)
		}
		n += k
	}
	rd := time.Since(t)
	f.Close()
	if n != *mib<<20 {
		return fmt.Errorf("read back %d bytes, wrote %d", n, *mib<<20)
	}
	if err := os.Remove(name); err != nil {
		return err
	}
	metric(prefix+"_seq_write", float64(*mib)/wd.Seconds(), "MiB/s")
	metric(prefix+"_seq_read", float64(*mib)/rd.Seconds(), "MiB/s")

	f, err = os.OpenFile(*dir+"/bench.sync", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	small := buf[:4096]
	t = time.Now()
	for ops := 0; ops < *syncOps; ops++ {
		if _, err := f.Write(small); err != nil {
			return fmt.Errorf("small write %d: %v", ops, err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("fsync %d: %v", ops, err)
		}
	}
	sd := time.Since(t)
	f.Close()
	st, err := os.Stat(*dir + "/bench.sync")
	if err != nil {
		return err
	}
	if st.Size() != int64(*syncOps)*4096 {
		return fmt.Errorf("small writes: size %d, want %d", st.Size(), *syncOps*4096)
	}
	os.Remove(*dir + "/bench.sync")
	metric(prefix+"_fsync_4k", float64(*syncOps)/sd.Seconds(), "ops/s")
	return nil
}
