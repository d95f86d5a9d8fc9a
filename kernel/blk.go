package kernel

// Volumes: the kernel's side of the virtio block devices, for the ext2 file system
// (kernel/fs/ext2's Disk interface, implemented by volumes). Volume i is block device i
// in probe order, which is the order of the CLI's -v flags (docs/cmdline.md, unigo.vol).
//
// Every ext2 operation on a volume runs under the volume's sleeping lock (Lock, Unlock).
// Inside it, ext2 queues requests (Start), several at a time, and sleeps until each is
// done (Wait). All of it runs under the kernel lock: the device interrupt reaps
// completions into request slots (package virtio) and deviceInterrupt wakes the waiters.
//
// Both kinds of sleep are uninterruptible (waitUninterruptible): a signal (SIGURG
// preemption arrives all the time) stays pending until the syscall ends. A syscall
// abandoned through EFAULT releases the volume locks its thread held (releaseVolumeLocks),
// and a syscall may not return holding one (checkNoVolumeLocks), so an exiting thread
// holds none.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs"
	"github.com/unigo-os/unigo/kernel/klog"
	"github.com/unigo-os/unigo/kernel/virtio"
)

// Wait keys for waitDevice, one of each per volume: dkBlkDone+i (volume i's requests
// completed) and dkVolLock+i (volume i's lock was released).
const (
	dkBlkDone = 16
	dkVolLock = 24
)

// volOwner[i] is the thread slot + 1 of the holder of volume i's lock, 0 when free. The
// idle thread (slot 0) holds it only at boot, before any thread exists. Guarded by the
// kernel lock.
var volOwner [virtio.BlkMaxDisks]uintptr

// volumes implements ext2.Disk over the virtio block devices.
type volumes struct{}

// validVolume reports whether vol names a block device.
func validVolume(vol int) bool { return vol >= 0 && vol < virtio.BlkDisks() }

// Lock takes volume vol's sleeping lock, sleeping (uninterruptibly) while another thread
// holds it.
//
// Preconditions:
//   - the caller does not hold it already
func (volumes) Lock(vol int) {
	if !validVolume(vol) {
		bug("volumes.Lock: no such volume")
	}
	me := thisCPU().Current + 1
	if volOwner[vol] == me {
		bug("volumes.Lock: the volume lock is already held by this thread")
	}
	for volOwner[vol] != 0 {
		if me == 1 {
			bug("volumes.Lock: the volume lock is held at boot")
		}
		waitUninterruptible(dkVolLock + uintptr(vol))
	}
	volOwner[vol] = me
	current().VolLocks |= 1 << vol
}

// Unlock releases volume vol's lock and wakes the threads waiting for it. Requests the
// holder started and never waited for are waited for and dropped first (unlockVolume).
//
// Preconditions:
//   - the caller holds it
func (volumes) Unlock(vol int) {
	if !validVolume(vol) || volOwner[vol] != thisCPU().Current+1 {
		bug("volumes.Unlock: the volume lock is not held by this thread")
	}
	unlockVolume(current(), vol)
}

// unlockVolume releases vol's lock for t. Requests still in flight are waited for
// first: a read finishing later would land in a buffer the file system may by then use
// for another block. Then the finished ones nobody collected are dropped.
func unlockVolume(t *thread, vol int) {
	for virtio.BlkInFlight(vol) != 0 {
		waitUninterruptible(dkBlkDone + uintptr(vol))
	}
	virtio.BlkAbandon(vol)
	volOwner[vol] = 0
	t.VolLocks &^= 1 << vol
	wakeDevice(dkVolLock + uintptr(vol))
}

// releaseVolumeLocks drops every volume lock t holds: its syscall was abandoned
// (efault.go) in the middle of a file system operation. It may sleep (unlockVolume), on
// the thread's stack below its trap frame, as a syscall handler does.
func releaseVolumeLocks(t *thread) {
	for vol := 0; t.VolLocks != 0 && vol < virtio.BlkMaxDisks; vol++ {
		if t.VolLocks&(1<<vol) != 0 {
			unlockVolume(t, vol)
		}
	}
}

// checkNoVolumeLocks stops the machine if a syscall returns holding a volume lock (the
// thread could exit holding it, and every later user of the volume would sleep forever).
func checkNoVolumeLocks(t *thread) {
	if t.VolLocks != 0 {
		bug("a syscall returned holding a volume lock")
	}
}

// Start queues a read (write false) or write of buf at sector on volume vol and returns
// the request's id for Wait. It does not wait. EAGAIN: the queue is full (Wait for an
// earlier request first); EROFS: the device is read-only; EINVAL: buf is not a whole
// number of sectors within the disk, or too long.
//
// Preconditions:
//   - the caller holds vol's lock
//   - buf is identity-mapped RAM (frame memory: its address is its physical address)
func (volumes) Start(vol int, write bool, sector uint64, buf []byte) (int, linux.Errno) {
	if !validVolume(vol) {
		return 0, linux.ENXIO
	}
	if volOwner[vol] != thisCPU().Current+1 {
		bug("volumes.Start: the volume lock is not held by this thread")
	}
	pa := uint64(uintptr(unsafe.Pointer(unsafe.SliceData(buf))))
	if len(buf) == 0 || pa+uint64(len(buf)) > ramTop || pa < 1<<20 {
		bug("volumes.Start: the buffer is not identity-mapped RAM")
	}
	if len(buf) > virtio.BlkMaxRequest {
		return 0, linux.EINVAL
	}
	id, r := virtio.BlkStart(vol, write, sector, pa, uint32(len(buf)))
	return id, blkErrno(r)
}

// Wait sleeps (uninterruptibly) until request id of volume vol is done and returns 0, or
// EIO if the device failed it. The id is then free for reuse.
func (volumes) Wait(vol int, id int) linux.Errno {
	if !validVolume(vol) {
		return linux.ENXIO
	}
	for virtio.BlkBusy(vol, id) {
		waitUninterruptible(dkBlkDone + uintptr(vol))
	}
	r := virtio.BlkFinish(vol, id)
	if r == virtio.BlkInvalid {
		bug("volumes.Wait: no such request")
	}
	return blkErrno(r)
}

// Flush makes the writes completed so far durable (VIRTIO_BLK_T_FLUSH) and waits for it.
// A device without VIRTIO_BLK_F_FLUSH has no volatile write cache: its writes are
// durable once they complete (§5.2.6.2), so there is nothing to do.
func (v volumes) Flush(vol int) linux.Errno {
	if !validVolume(vol) {
		return linux.ENXIO
	}
	if !virtio.BlkCanFlush(vol) {
		return 0
	}
	for {
		id, r := virtio.BlkStartFlush(vol)
		if r == virtio.BlkAgain {
			waitUninterruptible(dkBlkDone + uintptr(vol)) // the queue is full: wait for room
			continue
		}
		if r != virtio.BlkOK {
			return blkErrno(r)
		}
		return v.Wait(vol, id)
	}
}

// Sectors returns volume vol's size in 512-byte sectors.
func (volumes) Sectors(vol int) uint64 {
	if !validVolume(vol) {
		return 0
	}
	return virtio.BlkCapacity(vol)
}

// ReadOnly reports whether volume vol's device refuses writes (-v ...:ro makes QEMU's
// drive read-only, which the device reports).
func (volumes) ReadOnly(vol int) bool { return validVolume(vol) && virtio.BlkReadOnly(vol) }

// blkErrno turns a virtio block result into an errno (the one place that does).
func blkErrno(r int) linux.Errno {
	switch r {
	case virtio.BlkOK:
		return 0
	case virtio.BlkAgain:
		return linux.EAGAIN
	case virtio.BlkInvalid:
		return linux.EINVAL
	case virtio.BlkWriteProtected:
		return linux.EROFS
	}
	return linux.EIO
}

// waitUninterruptible sleeps until a device event for key may have happened, whatever
// signals arrive; callers re-check their condition in a loop. block returns at once when
// a signal is pending, and a loop around it would spin with the kernel lock held, so the
// thread blocks with every signal masked (as epoll_pwait swaps masks): signals stay
// pending, do not wake it, and are delivered on the way out of the syscall. Before the
// first thread exists it halts the CPU until the next interrupt, like waitDeviceEvent.
func waitUninterruptible(key uintptr) {
	if thisCPU().Current == 0 {
		waitDeviceEvent(key, 0)
		return
	}
	t := current()
	saved := t.SigMask
	t.SigMask = ^uint64(0)
	block(waitDevice, key, 0)
	t.SigMask = saved
}

// volPath[i] holds volume i's mount point, decoded from its unigo.vol option. Written only
// by mountVolumes at boot.
var volPath [virtio.BlkMaxDisks][256]byte

// mountVolumes mounts block device i at the path of the i-th unigo.vol option
// (docs/cmdline.md), after the root file system. A volume it cannot mount stops the
// machine before the program starts, with a message naming the volume, its path and the
// problem, and exit code 125: a program carrying on without its data would fail later in
// puzzling ways, or write to the read-only root's mount point directory.
func mountVolumes() {
	const key = "unigo.vol="
	s := unsafe.String(&cmdline[0], cmdlineLen)
	n := 0
	for len(s) > 0 {
		var tok string
		tok, s = nextToken(s)
		if len(tok) < len(key) || tok[:len(key)] != key {
			continue
		}
		v := tok[len(key):]
		if n == virtio.BlkMaxDisks {
			volumeFailed(n, v, "more than 4 unigo.vol options")
		}
		k, ro, ok := parseVolOption(v, volPath[n][:])
		if !ok {
			volumeFailed(n, v, "bad unigo.vol option (want an absolute PATH[:ro], percent-encoded, without ':')")
		}
		path := unsafe.String(&volPath[n][0], k)
		if n >= virtio.BlkDisks() {
			volumeFailed(n, path, "no virtio-blk device for it (QEMU needs -drive and -device virtio-blk-device or virtio-blk-pci)")
		}
		if (volumes{}).ReadOnly(n) {
			ro = true // the device refuses writes (-v ...:ro, QEMU's readonly=on)
		}
		if err := fs.MountExt2(fsEnv(), path, n, ro); err != 0 {
			volumeFailed(n, path, mountProblem(err))
		}
		n++
	}
}

// mountProblem says why MountExt2 failed.
func mountProblem(err linux.Errno) string {
	switch {
	case err == linux.EINVAL && fs.Ext2Problem() != "":
		return fs.Ext2Problem()
	case err == linux.ENOENT:
		return "the mount point's parent directory does not exist in the root file system"
	case err == linux.ENOTDIR:
		return "the mount point's parent is not a directory"
	case err == linux.EBUSY:
		return "the mount point or the volume is already in use"
	case err == linux.EIO:
		return "I/O error reading the volume"
	case err == linux.ENOMEM:
		return "out of memory for the volume's buffers"
	}
	return err.Name()
}

// volumeFailed prints "unigo: volume I at PATH: PROBLEM" and stops the machine.
func volumeFailed(vol int, path, problem string) {
	klog.Str("unigo: volume ")
	klog.Dec(int64(vol))
	klog.Str(" at ")
	klog.Str(path)
	klog.Str(": ")
	klog.Str(problem)
	klog.Str("\n")
	haltWithCode(exitKernelFault)
}

// parseVolOption decodes a unigo.vol value, PATH[:ro] with PATH percent-encoded
// (docs/cmdline.md), into dst. It returns the path's length and whether the volume is
// read-only; ok is false if PATH is not absolute, contains ':', has a bad escape or does
// not fit dst.
func parseVolOption(v string, dst []byte) (n int, ro bool, ok bool) {
	if len(v) >= 3 && v[len(v)-3:] == ":ro" {
		v, ro = v[:len(v)-3], true
	}
	if len(v) == 0 || v[0] != '/' {
		return 0, false, false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ':' || n == len(dst) {
			return 0, false, false
		}
		if c == '%' {
			if i+2 >= len(v) {
				return 0, false, false
			}
			hi, ok1 := hexVal(v[i+1])
			lo, ok2 := hexVal(v[i+2])
			if !ok1 || !ok2 {
				return 0, false, false
			}
			c = hi<<4 | lo
			i += 2
		}
		dst[n] = c
		n++
	}
	return n, ro, true
}
