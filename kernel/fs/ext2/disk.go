package ext2

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/mm"
)

// Disk is the block device under a volume, provided by the kernel (virtio-blk) or by host tests.
type Disk interface {
	// Start queues a transfer of len(buf) bytes (a multiple of 512) at sector (512-byte units) and does not wait.
	// buf is memory from Env frames (identity-mapped: its address is its physical address). It returns a request id,
	// or EAGAIN when the device queue is full (Wait for an earlier request, then retry).
	Start(vol int, write bool, sector uint64, buf []byte) (id int, err linux.Errno)
	// Wait sleeps the calling thread until request id completes; EIO if the device failed it.
	Wait(vol int, id int) linux.Errno
	// Flush makes every completed write durable (virtio-blk FLUSH) and waits for it.
	Flush(vol int) linux.Errno
	// Lock and Unlock serialize operations on one volume across threads (a sleeping lock: Wait sleeps, and other
	// threads enter the kernel meanwhile). Every exported ext2 operation runs between Lock and Unlock.
	Lock(vol int)
	Unlock(vol int)
	// Sectors is the device size in 512-byte sectors.
	Sectors(vol int) uint64
}

// Env is what ext2 needs from the machine: frames for the buffer cache, the physical
// memory view, the wall clock and the disk. It holds pointers and interfaces: the
// kernel builds one per call, and nothing here stores it.
type Env struct {
	Frames *mm.Frames
	Mem    mm.PhysMem
	Now    func() (sec int64, nsec int32)
	Disk   Disk
}

// Time is a timestamp: seconds and nanoseconds since the epoch.
type Time struct {
	Sec  int64
	Nsec int32
}

func (e Env) now() Time {
	s, ns := e.Now()
	return Time{s, ns}
}
