package ext2

import "github.com/unigo-os/unigo/kernel/abi/linux"

// The buffer cache: each volume has its own, of up to maxBuffers blocks, so that an
// operation on one volume (holding that volume's Disk lock) never touches another's.
// Buffers live in frames from Env, 4096/BlockSize to a frame, allocated as the cache
// grows and kept for the life of the machine. Replacement is LRU; a dirty buffer is
// written back when it is evicted (with the oldest dirty buffers after it, as one
// batch of requests in flight) and at Sync.
//
// Views: bytes(i) is valid until the next get/getNew on the volume, which may evict
// buffer i. Code re-gets a block (a hash lookup) rather than holding a view across a
// call that may read another block.

const (
	maxBuffers = 512 // per volume: 2 MiB with 4 KiB blocks
	hashSize   = 256
	flushBatch = 64 // dirty buffers written together when eviction needs one clean
	maxFlight  = 64 // requests one flush keeps in flight
	noBuf      = -1
)

type buffer struct {
	Block      uint32
	Valid      bool // holds Block and is in the hash
	Dirty      bool
	Prev, Next int32 // the LRU list: Prev toward the most recently used
	HashNext   int32
}

type cache struct {
	Bufs       [maxBuffers]buffer
	Hash       [hashSize]int32
	N          int32 // buffers in use; they are 0..N-1
	Head, Tail int32 // most and least recently used
}

// frames holds the frames behind each volume's buffers. It outlives a failed or repeated
// Mount, which resets the rest of the volume.
var frames [MaxVolumes][maxBuffers]uint64

func (c *cache) init() {
	c.N, c.Head, c.Tail = 0, noBuf, noBuf
	for i := range c.Hash {
		c.Hash[i] = noBuf
	}
}

func hashOf(blk uint32) int { return int(blk*2654435761>>24) % hashSize }

// find returns the buffer holding blk, or noBuf.
func (c *cache) find(blk uint32) int32 {
	for i := c.Hash[hashOf(blk)]; i != noBuf; i = c.Bufs[i].HashNext {
		if c.Bufs[i].Block == blk {
			return i
		}
	}
	return noBuf
}

func (c *cache) unlinkLRU(i int32) {
	b := &c.Bufs[i]
	if b.Prev != noBuf {
		c.Bufs[b.Prev].Next = b.Next
	} else {
		c.Head = b.Next
	}
	if b.Next != noBuf {
		c.Bufs[b.Next].Prev = b.Prev
	} else {
		c.Tail = b.Prev
	}
}

func (c *cache) pushFront(i int32) {
	b := &c.Bufs[i]
	b.Prev, b.Next = noBuf, c.Head
	if c.Head != noBuf {
		c.Bufs[c.Head].Prev = i
	}
	c.Head = i
	if c.Tail == noBuf {
		c.Tail = i
	}
}

func (c *cache) touch(i int32) {
	if c.Head != i {
		c.unlinkLRU(i)
		c.pushFront(i)
	}
}

func (c *cache) unhash(i int32) {
	h := hashOf(c.Bufs[i].Block)
	if c.Hash[h] == i {
		c.Hash[h] = c.Bufs[i].HashNext
		return
	}
	for j := c.Hash[h]; j != noBuf; j = c.Bufs[j].HashNext {
		if c.Bufs[j].HashNext == i {
			c.Bufs[j].HashNext = c.Bufs[i].HashNext
			return
		}
	}
	panic("ext2: cache.unhash: buffer not in its chain")
}

// drop forgets buffer i's block (its contents are not written back) and makes it the
// first to be reused.
func (c *cache) drop(i int32) {
	c.unhash(i)
	c.park(i)
}

// park empties buffer i (not hashed) and moves it to the LRU end, to be reused first.
func (c *cache) park(i int32) {
	c.Bufs[i].Valid, c.Bufs[i].Dirty = false, false
	c.unlinkLRU(i)
	b := &c.Bufs[i]
	b.Next, b.Prev = noBuf, c.Tail
	if c.Tail != noBuf {
		c.Bufs[c.Tail].Next = i
	} else {
		c.Head = i
	}
	c.Tail = i
}

// pa returns the physical address of buffer i's bytes.
func (v *volume) pa(i int32) uint64 {
	per := int32(4096 >> v.Shift)
	return frames[v.Vol][i/per] + uint64(i%per)<<v.Shift
}

// bytes returns buffer i's block (see "Views" above).
func (v *volume) bytes(e Env, i int32) []byte {
	return bytesAt(e, v.pa(i), int(v.BlockSize))
}

// take returns a buffer to hold a new block: a fresh one while the cache may grow (and
// frames are left), else the least recently used, written back first if dirty.
func (v *volume) take(e Env, vol int) (int32, linux.Errno) {
	c := &v.cache
	if c.N < maxBuffers {
		per := int32(4096 >> v.Shift)
		i := c.N
		if i%per == 0 && frames[vol][i/per] == 0 {
			if pa, ok := e.Frames.Alloc(e.Mem); ok {
				frames[vol][i/per] = pa
			}
		}
		if frames[vol][i/per] != 0 {
			c.N++
			c.Bufs[i] = buffer{}
			c.pushFront(i)
			return i, 0
		}
		if c.N == 0 {
			return noBuf, linux.ENOMEM
		}
	}
	i := c.Tail
	if c.Bufs[i].Dirty {
		if err := v.flush(e, vol, flushBatch); err != 0 {
			return noBuf, err
		}
	}
	if c.Bufs[i].Valid {
		c.unhash(i)
	}
	c.Bufs[i].Valid, c.Bufs[i].Dirty = false, false
	c.touch(i)
	return i, 0
}

func (v *volume) insert(i int32, blk uint32) {
	c := &v.cache
	c.Bufs[i].Block, c.Bufs[i].Valid = blk, true
	h := hashOf(blk)
	c.Bufs[i].HashNext = c.Hash[h]
	c.Hash[h] = i
}

// get returns the buffer holding block blk, reading it from the disk on a miss. EIO for
// a block number outside the volume (a corrupt pointer) or a failed read.
func (v *volume) get(e Env, vol int, blk uint32) (int32, linux.Errno) {
	if blk >= v.Blocks {
		return noBuf, linux.EIO
	}
	if i := v.cache.find(blk); i != noBuf {
		v.cache.touch(i)
		return i, 0
	}
	i, err := v.take(e, vol)
	if err != 0 {
		return noBuf, err
	}
	if err := v.transfer(e, vol, false, blk, i); err != 0 {
		v.cache.park(i)
		return noBuf, err
	}
	v.insert(i, blk)
	return i, 0
}

// getNew returns a zeroed, dirty buffer for block blk, whose old contents do not matter
// (a block just allocated, or one about to be overwritten whole).
func (v *volume) getNew(e Env, vol int, blk uint32) (int32, linux.Errno) {
	if blk >= v.Blocks {
		return noBuf, linux.EIO
	}
	i := v.cache.find(blk)
	if i != noBuf {
		v.cache.touch(i)
	} else {
		var err linux.Errno
		if i, err = v.take(e, vol); err != 0 {
			return noBuf, err
		}
		v.insert(i, blk)
	}
	clear(v.bytes(e, i))
	v.cache.Bufs[i].Dirty = true
	return i, 0
}

// dirty marks buffer i changed.
func (v *volume) dirty(i int32) { v.cache.Bufs[i].Dirty = true }

// forget drops block blk from the cache without writing it: it has been freed.
func (v *volume) forget(blk uint32) {
	if i := v.cache.find(blk); i != noBuf {
		v.cache.drop(i)
	}
}

// transfer reads or writes buffer i as block blk and waits for it.
func (v *volume) transfer(e Env, vol int, write bool, blk uint32, i int32) linux.Errno {
	// Nothing of this volume is in flight (operations hold its lock), so EAGAIN, like
	// any other failure to start, is the device's fault.
	id, err := e.Disk.Start(vol, write, uint64(blk)<<(v.Shift-9), v.bytes(e, i))
	if err != 0 {
		return linux.EIO
	}
	return e.Disk.Wait(vol, id)
}

// flight is the requests of one flush, oldest first, in a ring.
type flight struct {
	ids   [maxFlight]int
	bufs  [maxFlight]int32
	head  int
	n     int
	first linux.Errno // the first failure
}

// waitOldest waits for the oldest request; a failed write leaves its buffer dirty.
func (f *flight) waitOldest(e Env, c *cache, vol int) {
	k := f.head % maxFlight
	if err := e.Disk.Wait(vol, f.ids[k]); err != 0 {
		if f.first == 0 {
			f.first = err
		}
		c.Bufs[f.bufs[k]].Dirty = true
	}
	f.head++
	f.n--
}

// flush writes back up to limit dirty buffers, oldest first. Every write is started
// before the first Wait, unless the device queue is full (EAGAIN) or maxFlight are in
// flight: then the oldest is waited for first. A buffer whose write fails stays dirty;
// the first error is returned.
func (v *volume) flush(e Env, vol int, limit int) linux.Errno {
	c := &v.cache
	var f flight
	started := 0
	for i := c.Tail; i != noBuf && started < limit; i = c.Bufs[i].Prev {
		b := &c.Bufs[i]
		if !b.Dirty || !b.Valid {
			continue
		}
		if f.n == maxFlight {
			f.waitOldest(e, c, vol)
		}
		id, err := e.Disk.Start(vol, true, uint64(b.Block)<<(v.Shift-9), v.bytes(e, i))
		for err == linux.EAGAIN && f.n > 0 {
			f.waitOldest(e, c, vol)
			id, err = e.Disk.Start(vol, true, uint64(b.Block)<<(v.Shift-9), v.bytes(e, i))
		}
		if err != 0 {
			if f.first == 0 {
				f.first = linux.EIO
			}
			continue
		}
		k := (f.head + f.n) % maxFlight
		f.ids[k], f.bufs[k] = id, i
		f.n++
		b.Dirty = false // set again if the write fails
		started++
	}
	for f.n > 0 {
		f.waitOldest(e, c, vol)
	}
	return f.first
}

// maxPrefetch is how many blocks one prefetch reads together.
const maxPrefetch = 32

// prefetch reads those of blks (0s are skipped) that are not cached, with every read in
// flight before the first Wait (the device queue permitting), so a large read waits for
// the disk about once instead of once per block. A block that fails to read is left
// out: the get that follows retries it and reports the error.
func (v *volume) prefetch(e Env, vol int, blks []uint32) {
	var bufs [maxPrefetch]int32
	var which [maxPrefetch]uint32
	n := 0
	for _, blk := range blks {
		if n == maxPrefetch {
			break
		}
		if blk == 0 || blk >= v.Blocks || v.cache.find(blk) != noBuf {
			continue
		}
		// Take every buffer before starting any read: take may write back dirty
		// buffers, and that must not find the queue full of these reads.
		i, err := v.take(e, vol)
		if err != 0 {
			break
		}
		reused := false
		for k := 0; k < n; k++ {
			reused = reused || bufs[k] == i
		}
		if reused { // the cache is so small that take cycled back: read what we have
			break
		}
		bufs[n], which[n] = i, blk
		n++
	}
	var ids [maxPrefetch]int
	started, done := 0, 0
	for started < n {
		id, err := e.Disk.Start(vol, false, uint64(which[started])<<(v.Shift-9), v.bytes(e, bufs[started]))
		if err == linux.EAGAIN && done < started {
			v.finishRead(e, vol, ids[done], bufs[done], which[done])
			done++
			continue
		}
		if err != 0 {
			break
		}
		ids[started] = id
		started++
	}
	for ; done < started; done++ {
		v.finishRead(e, vol, ids[done], bufs[done], which[done])
	}
}

// finishRead waits for prefetch request id, reading block blk into buffer i, and
// enters the block in the cache if it arrived.
func (v *volume) finishRead(e Env, vol int, id int, i int32, blk uint32) {
	if e.Disk.Wait(vol, id) == 0 && v.cache.find(blk) == noBuf {
		v.insert(i, blk)
	}
}
