package kernel

// The application's memory: glue between the syscalls and package mm.

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/arch/amd64"
	"github.com/unigo-os/unigo/kernel/klog"
	"github.com/unigo-os/unigo/kernel/mm"
)

var (
	frames mm.Frames       // safe on every CPU: its own leaf locks (kernel/mm)
	space  mm.AddressSpace // under spaceLock; Regions may also be read under the kernel lock
	ramTop uint64          // end of the highest RAM range: [0, ramTop) is identity mapped
)

// spaceLock guards space and needShootdown. Page faults take it alone, so they run on
// every CPU at once; mmap, munmap, mprotect, madvise and the file-mapping code take it
// inside the kernel lock. Regions therefore change only under both, and kernel-lock
// holders may read them without it; the page table changes under spaceLock alone
// (faults add entries), so it is read under spaceLock.
var spaceLock = spinlock{rank: rankSpace}

// lockSpace takes spaceLock.
func lockSpace() { spaceLock.lock() }

// unlockSpace finishes what was done under spaceLock, other CPUs' TLBs included (see
// shootdown), and releases it: a change to the address space is complete when its lock
// is let go.
func unlockSpace() {
	shootdown()
	spaceLock.unlock()
}

// tlb flushes single translations with INVLPG here, and notes that the other CPUs must
// flush too.
type tlb struct{}

func (tlb) Flush(va uint64) {
	amd64.Invlpg(uintptr(va))
	needShootdown = true // other CPUs: see shootdown, when spaceLock is released at the latest
}

// Shootdown makes the other CPUs flush now (before mm frees the frames).
func (tlb) Shootdown() { shootdown() }

func env() mm.Env { return mm.Env{Frames: &frames, Mem: mm.Identity{}, TLB: tlb{}} }

const (
	faultMapped = iota
	faultUnmapped
	faultAccess
	faultOOM
)

// fault resolves a page fault at addr under spaceLock; it reports what the faulting
// thread gets. The caller holds no spinlock but perhaps the kernel lock.
func fault(addr uint64, write bool) int {
	count(statFaults)
	access := mm.Read
	if write {
		access = mm.Write
	}
	// The frame is taken and cleared before the lock, so that faults on several CPUs clear
	// their pages at once; one that finds the page present (another CPU's fault, or a
	// stale TLB entry) gives it back.
	frame, ok := frames.AllocZeroed(mm.Identity{})
	if !ok {
		frame = 0 // HandleFaultWith tries again under the lock and reports OOM
	}
	lockSpace()
	pending := needShootdown
	r, used := mm.HandleFaultWith(&space, env(), addr, access, frame)
	needShootdown = pending // a fault only adds a mapping, or drops a stale local entry
	unlockSpace()
	if frame != 0 && !used {
		frames.Free(frame, mm.Identity{})
	}
	switch r {
	case mm.Mapped:
		return faultMapped
	case mm.AccessError:
		return faultAccess
	case mm.OOM:
		return faultOOM
	}
	return faultUnmapped
}

// demandFault handles a fault taken by kernel code on application memory.
func demandFault(addr uint64, write bool) bool {
	switch fault(addr, write) {
	case faultMapped:
		return true
	case faultOOM:
		outOfMemory("kernel access", addr)
	}
	return false
}

// outOfMemory stops the machine with a clear message: there is no swap to fall back on.
// The exit writes volumes back, under the kernel lock, which a fault handler may not hold.
func outOfMemory(what string, addr uint64) {
	if !holdsKernel() {
		lockKernel()
	}
	klog.Str("\nunigo: out of memory (")
	klog.Str(what)
	klog.Str(" at ")
	klog.Hex(addr)
	klog.Str("): all ")
	klog.Dec(int64(frames.TotalPages() * 4 / 1024))
	klog.Str(" MiB the kernel manages are in use (guest RAM ")
	klog.Dec(int64(ramTop >> 20))
	klog.Str(" MiB, of which the loaded image takes ")
	klog.Dec(int64((uint64(addrImageEnd()) - 1<<20) >> 20))
	klog.Str(" MiB); run with a larger --mem\n")
	exitProcess(exitOOM)
}

func errnoOf(e mm.Errno) linux.Errno { return linux.Errno(e) }

// sysMmap handles mmap(2): anonymous memory here, files in mmap_file.go.
func sysMmap(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	addr, length, prot, flags := tf.RDI, tf.RSI, tf.RDX, tf.R10
	if prot&^(linux.PROT_READ|linux.PROT_WRITE|linux.PROT_EXEC) != 0 {
		return 0, linux.EINVAL
	}
	if flags&linux.MAP_ANONYMOUS == 0 {
		return mmapFile(addr, length, prot, flags, tf.R8, tf.R9)
	}
	return mmapAnon(addr, length, prot, flags)
}

// mmapAnon maps demand-zero memory. MAP_SHARED anonymous memory is the same as private
// here: there is no fork to share it with.
func mmapAnon(addr, length, prot, flags uint64) (uintptr, linux.Errno) {
	fixed := flags&(linux.MAP_FIXED|linux.MAP_FIXED_NOREPLACE) != 0
	if flags&linux.MAP_FIXED_NOREPLACE != 0 && overlapsRegion(addr, length) {
		return 0, linux.EEXIST
	}
	if fixed {
		if err := unmapFiles(addr, length); err != 0 {
			return 0, err
		}
	}
	lockSpace()
	got, err := space.Mmap(env(), addr, length, mm.Prot(prot), fixed)
	unlockSpace()
	if err != 0 {
		return 0, errnoOf(err)
	}
	return uintptr(got), 0
}

// sysMunmap handles munmap(2).
func sysMunmap(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if tf.RDI&4095 != 0 || tf.RSI == 0 {
		return 0, linux.EINVAL
	}
	if err := unmapFiles(tf.RDI, tf.RSI); err != 0 {
		return 0, err
	}
	lockSpace()
	err := space.Munmap(env(), tf.RDI, tf.RSI)
	unlockSpace()
	return 0, errnoOf(err)
}

// sysMprotect handles mprotect(2).
func sysMprotect(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if tf.RDX&^(linux.PROT_READ|linux.PROT_WRITE|linux.PROT_EXEC) != 0 {
		return 0, linux.EINVAL
	}
	if err := protectFiles(tf.RDI, tf.RSI, tf.RDX); err != 0 {
		return 0, err
	}
	lockSpace()
	err := space.Mprotect(env(), tf.RDI, tf.RSI, mm.Prot(tf.RDX))
	unlockSpace()
	return 0, errnoOf(err)
}

// sysMadvise handles madvise(2). DONTNEED and FREE drop the pages (the next touch reads
// zeros, which the Go runtime relies on); the rest is advice we may ignore.
func sysMadvise(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	addr, length := tf.RDI, tf.RSI
	if addr&4095 != 0 {
		return 0, linux.EINVAL
	}
	switch tf.RDX {
	case linux.MADV_DONTNEED, linux.MADV_FREE:
		end := (addr + length + 4095) &^ 4095
		if end < addr {
			return 0, linux.EINVAL
		}
		if !space.Regions.Covered(addr, end) {
			return 0, linux.ENOMEM
		}
		lockSpace()
		mm.DiscardPages(&space, env(), addr, end-addr)
		unlockSpace()
	}
	return 0, 0
}

// overlapsRegion reports whether any mapping intersects [addr, addr+length).
func overlapsRegion(addr, length uint64) bool {
	end := addr + length
	for i := 0; i < space.Regions.Len(); i++ {
		r := space.Regions.At(i)
		if r.Start < end && addr < r.End {
			return true
		}
	}
	return false
}
