package kernel

// unigo.selftest=blk: prove the virtio-blk driver at boot, before the program starts,
// through the same volumes interface ext2 uses. On disk 0 it reads the last MiB (kept in
// memory), writes a pattern that depends on the boot time over it with as many requests
// in flight as the queue takes, flushes, reads it back and checks every byte, then writes
// the original contents back and flushes again. Every outcome prints one
// `unigo: selftest blk: ...` line; the last is PASS or FAIL. A machine that stops in the
// middle leaves the pattern in place of the disk's last MiB: use a scratch image.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/klog"
	"github.com/unigo-os/unigo/kernel/mm"
	"github.com/unigo-os/unigo/kernel/virtio"
)

const (
	stBlock   = 4096 // bytes per request
	stBlocks  = 256  // requests per pass: the region is 1 MiB
	stRing    = 64   // buffers cycled through by the pattern passes
	stSectors = stBlocks * stBlock / virtio.SectorSize
)

// Pipeline passes.
const (
	stSave    = iota // read the region into save
	stWrite          // write the pattern from the ring
	stVerify         // read into the ring and check the pattern
	stRestore        // write save back
)

type blkSelftest struct {
	base  uint64 // the region's first sector
	nonce uint64
	ring  [stRing]uint64   // physical frames
	save  [stBlocks]uint64 // physical frames
	bad   int              // the first block that did not read back as written, or -1
}

func selftestBlk() {
	if virtio.BlkDisks() == 0 {
		klog.Str("unigo: selftest blk: FAIL: no virtio-blk device\n")
		return
	}
	v := volumes{}
	n := v.Sectors(0)
	klog.Str("unigo: selftest blk: disk 0: ")
	klog.Dec(int64(n))
	klog.Str(" sectors")
	if virtio.BlkCanFlush(0) {
		klog.Str(", write cache (flush)")
	}
	if v.ReadOnly(0) {
		klog.Str(", read-only")
	}
	klog.Str("\n")
	if n < stSectors {
		klog.Str("unigo: selftest blk: FAIL: disk 0 is smaller than 1 MiB\n")
		return
	}
	var st blkSelftest
	st.base = n - stSectors
	st.nonce = uint64(dev.Nanotime())*0x9E3779B97F4A7C15 | 1
	st.bad = -1
	if !st.alloc() {
		st.free()
		klog.Str("unigo: selftest blk: FAIL: out of memory for 1.25 MiB of buffers\n")
		return
	}
	v.Lock(0)
	msg := st.run(v)
	v.Unlock(0)
	st.free()
	if msg != "" {
		klog.Str("unigo: selftest blk: FAIL: ")
		klog.Str(msg)
		klog.Str("\n")
		return
	}
	s := virtio.BlkStatistics(0)
	klog.Str("unigo: selftest blk: ")
	klog.Dec(int64(s.Reads))
	klog.Str(" reads, ")
	klog.Dec(int64(s.Writes))
	klog.Str(" writes, ")
	klog.Dec(int64(s.Flushes))
	klog.Str(" flushes, up to ")
	klog.Dec(int64(s.MaxInFlight))
	klog.Str(" requests in flight, ")
	klog.Dec(int64(s.Interrupts))
	klog.Str(" interrupts\n")
	klog.Str("unigo: selftest blk: PASS\n")
}

// run does the passes with vol 0's lock held and returns "" or what failed.
func (st *blkSelftest) run(v volumes) string {
	t0 := dev.Nanotime()
	if msg := st.pipeline(v, stSave); msg != "" {
		return msg
	}
	if v.ReadOnly(0) {
		stReport("read 1 MiB in ", dev.Nanotime()-t0, "")
		if _, err := v.Start(0, true, st.base, physSlice(st.ring[0], stBlock)); err != linux.EROFS {
			return "a write to the read-only disk was not refused with EROFS"
		}
		return ""
	}
	t1 := dev.Nanotime()
	if msg := st.pipeline(v, stWrite); msg != "" {
		return msg
	}
	t2 := dev.Nanotime()
	if err := v.Flush(0); err != 0 {
		return "flush failed"
	}
	t3 := dev.Nanotime()
	if msg := st.pipeline(v, stVerify); msg != "" {
		return msg
	}
	t4 := dev.Nanotime()
	msg := ""
	if st.bad >= 0 {
		msg = "the pattern did not read back as written"
	}
	if m := st.pipeline(v, stRestore); m != "" && msg == "" {
		msg = m
	}
	if err := v.Flush(0); err != 0 && msg == "" {
		msg = "flush after restoring failed"
	}
	stReport("saved 1 MiB in ", t1-t0, "")
	stReport("wrote 1 MiB in ", t2-t1, "")
	stReport("flush took ", t3-t2, "-")
	stReport("read back and checked 1 MiB in ", t4-t3, "")
	return msg
}

// stReport prints one timing line, with the rate for a MiB unless rate is "-".
func stReport(what string, ns int64, rate string) {
	us := ns / 1000
	if us == 0 {
		us = 1
	}
	klog.Str("unigo: selftest blk: ")
	klog.Str(what)
	klog.Dec(us)
	klog.Str(" us")
	if rate == "" {
		klog.Str(" (")
		klog.Dec((1 << 20) / us) // bytes per us: MB/s
		klog.Str(" MB/s)")
	}
	klog.Str("\n")
}

// pipeline runs one pass over the region: it keeps starting requests until the queue is
// full (EAGAIN) or stRing are outstanding, then waits for the oldest.
func (st *blkSelftest) pipeline(v volumes, pass int) string {
	write := pass == stWrite || pass == stRestore
	var ids [stRing]int
	next, done := 0, 0
	for done < stBlocks {
		for next < stBlocks && next-done < stRing {
			buf := st.buffer(pass, next)
			if pass == stWrite {
				st.fill(buf, next)
			}
			id, err := v.Start(0, write, st.base+uint64(next)*(stBlock/virtio.SectorSize), buf)
			if err == linux.EAGAIN && next > done {
				break // the queue is full: wait for the oldest request
			}
			if err != 0 {
				return "a request was refused"
			}
			ids[next%stRing] = id
			next++
		}
		if err := v.Wait(0, ids[done%stRing]); err != 0 {
			return "the device failed a request"
		}
		if pass == stVerify && st.bad < 0 && !st.check(st.buffer(pass, done), done) {
			st.bad = done
		}
		done++
	}
	return ""
}

// buffer returns the memory of block k in the pass.
func (st *blkSelftest) buffer(pass, k int) []byte {
	if pass == stSave || pass == stRestore {
		return physSlice(st.save[k], stBlock)
	}
	return physSlice(st.ring[k%stRing], stBlock)
}

// word is the pattern's 8 bytes at word w of block k.
func (st *blkSelftest) word(k, w int) uint64 {
	x := st.nonce ^ uint64(k)<<32 ^ uint64(w)
	x ^= x >> 29
	x *= 0xBF58476D1CE4E5B9
	return x ^ x>>32
}

func (st *blkSelftest) fill(b []byte, k int) {
	for w := 0; w < len(b)/8; w++ {
		*(*uint64)(unsafe.Pointer(&b[8*w])) = st.word(k, w)
	}
}

func (st *blkSelftest) check(b []byte, k int) bool {
	for w := 0; w < len(b)/8; w++ {
		if *(*uint64)(unsafe.Pointer(&b[8*w])) != st.word(k, w) {
			return false
		}
	}
	return true
}

// alloc takes the frames; it reports false if memory ran out (free gives back the rest).
func (st *blkSelftest) alloc() bool {
	for i := range st.ring {
		pa, ok := frames.Alloc(mm.Identity{})
		if !ok {
			return false
		}
		st.ring[i] = pa
	}
	for i := range st.save {
		pa, ok := frames.Alloc(mm.Identity{})
		if !ok {
			return false
		}
		st.save[i] = pa
	}
	return true
}

func (st *blkSelftest) free() {
	for _, pa := range st.ring {
		if pa != 0 {
			frames.Free(pa, mm.Identity{})
		}
	}
	for _, pa := range st.save {
		if pa != 0 {
			frames.Free(pa, mm.Identity{})
		}
	}
}

// physSlice returns the n bytes at physical address pa (identity-mapped RAM).
func physSlice(pa uint64, n int) []byte {
	return unsafe.Slice((*byte)(mm.Identity{}.Ptr(pa)), n)
}
