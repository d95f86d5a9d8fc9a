package virtio

import "github.com/unigo-os/unigo/kernel/dev"

// The block device (§5.2): a disk of 512-byte sectors, for the kernel's volumes.
//
// Negotiated features: VIRTIO_F_VERSION_1, and when offered VIRTIO_BLK_F_SIZE_MAX and
// VIRTIO_BLK_F_SEG_MAX (bounds on a request's data segments), VIRTIO_BLK_F_RO (the device
// refuses writes), VIRTIO_BLK_F_BLK_SIZE (informational) and VIRTIO_BLK_F_FLUSH (the
// device has a write cache that VIRTIO_BLK_T_FLUSH empties). Not negotiated, on purpose:
// CONFIG_WCE (we never switch the cache mode), MQ (one queue is plenty for one lock per
// volume), DISCARD, WRITE_ZEROES, EVENT_IDX, INDIRECT_DESC.
//
// One queue (requestq, index 0). A request is a chain of a device-readable 16-byte header
// (struct virtio_blk_req: le32 type, le32 reserved, le64 sector), the data (device-readable
// for a write, device-writable for a read; one descriptor per segment), and a
// device-writable status byte (§5.2.6). Requests are slots in a fixed table: each slot owns
// 32 bytes of one DMA frame for its header (at 0) and status (at 16). Many requests are in
// flight at once; the device may complete them in any order. Interrupt reaps completions
// into their slots; the kernel sleeps until its slot is done, then collects it (BlkFinish),
// which frees the slot.
//
// Slot states:
//
//	free -> busy     (BlkStart)
//	busy -> done     (reaped from the used ring)
//	done -> free     (BlkFinish, or BlkAbandon)
//	busy -> orphan   (BlkAbandon: nobody will collect it)
//	orphan -> free   (reaped)
//
// QEMU flags: -drive file=IMG,if=none,id=vol0,format=raw,cache=writeback[,readonly=on]
// with -device virtio-blk-device,drive=vol0 (microvm) or virtio-blk-pci,drive=vol0.

// DeviceBlock is the block device's type (§5).
const DeviceBlock = 2

// Feature bits (§5.2.3).
const (
	blkFSizeMax  = 1 << 1
	blkFSegMax   = 1 << 2
	blkFRO       = 1 << 5
	blkFBlkSize  = 1 << 6
	blkFFlush    = 1 << 9
	blkFConfWCE  = 1 << 11
	blkFMQ       = 1 << 12
	blkFDiscard  = 1 << 13
	blkFWriteZer = 1 << 14

	blkWant = blkFSizeMax | blkFSegMax | blkFRO | blkFBlkSize | blkFFlush
)

// Configuration layout (§5.2.4): le64 capacity; le32 size_max; le32 seg_max; geometry
// (4 bytes); le32 blk_size; ...
const (
	blkCfgCapacity = 0
	blkCfgSizeMax  = 8
	blkCfgSegMax   = 12
	blkCfgBlkSize  = 20
)

// Request types (§5.2.6).
const (
	blkTIn    = 0 // VIRTIO_BLK_T_IN: read
	blkTOut   = 1 // VIRTIO_BLK_T_OUT: write
	blkTFlush = 4 // VIRTIO_BLK_T_FLUSH
)

// Request status values the device writes (§5.2.6). blkSUnset is ours: written before a
// request goes out, so a device that never wrote the status is caught.
const (
	blkSOK     = 0
	blkSIOErr  = 1
	blkSUnsupp = 2
	blkSUnset  = 0xFF
)

const (
	// SectorSize is the unit of capacity and request offsets (§5.2.4), whatever the
	// device's blk_size.
	SectorSize = 512

	// BlkMaxDisks is how many block devices the kernel drives; more are ignored.
	BlkMaxDisks = 4
	// BlkMaxRequest bounds one request's data.
	BlkMaxRequest = 1 << 20

	blkSlots    = 64 // requests in flight per disk: each takes 2 + segments descriptors
	blkMaxSegs  = 16 // data descriptors per request
	blkSlotSize = 32 // bytes of the header frame per slot: header at 0, status at 16
	blkHdrLen   = 16
	blkQueueLen = 256
)

// Slot states.
const (
	blkFree = iota
	blkBusy
	blkDone
	blkOrphan
)

// Results of BlkStart and BlkFinish.
const (
	BlkOK             = iota
	BlkAgain          // no free slot or descriptors: wait for a completion and retry
	BlkInvalid        // a request the device cannot take (alignment, range, size)
	BlkWriteProtected // a write to a read-only device
	BlkIOError        // the device reported an error or returned a malformed completion
	BlkUnsupported    // the device does not know the request type
	BlkNoDevice       // no such disk, or its queue is broken
)

// BlkStats counts what one disk did.
type BlkStats struct {
	Reads, Writes, Flushes uint64
	BytesRead, BytesWrote  uint64
	Errors                 uint64 // requests that ended with a status other than OK
	Full                   uint64 // BlkStart calls refused for want of slots or descriptors
	MaxInFlight            uint64 // the most requests ever in flight at once
	Interrupts             uint64
	Orphans                uint64 // requests abandoned in flight (BlkAbandon)
}

type blkSlot struct {
	state  uint8
	status uint8 // the device's status, once done
}

type blkDisk struct {
	t        Transport
	q        Queue
	features uint64
	capacity uint64 // sectors
	sizeMax  uint32 // bytes per data descriptor; 0: no bound beyond BlkMaxRequest
	segMax   uint32 // data descriptors per request; 0: no bound beyond blkMaxSegs
	blkSize  uint32 // the device's preferred block size, if it said (informational)
	hdr      uint64 // the DMA frame of the slots' headers and status bytes
	inFlight int
	slot     [blkSlots]blkSlot
	stats    BlkStats
}

// blk is written by BlkInit, the Blk* calls and Interrupt, all with interrupts off under
// the kernel lock.
var blk struct {
	n     int
	disks [BlkMaxDisks]blkDisk
}

// BlkInit drives t as the next block device, following §3.1.1 and §5.2.5. It returns
// the disk's number and "" or what went wrong.
func BlkInit(t *Transport, dma DMA) (int, string) {
	if blk.n == BlkMaxDisks {
		return -1, "more than 4 block devices; ignored"
	}
	d := &blk.disks[blk.n]
	*d = blkDisk{t: *t}
	// Steps 1-6: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK.
	f, err := d.t.Negotiate(blkWant)
	if err != "" {
		return -1, err
	}
	d.features = f
	// Step 7: device-specific setup. The configuration, read until the generation counter
	// holds still (§2.5.1: capacity is wider than 32 bits).
	for {
		g := d.t.ConfigGeneration()
		d.capacity = uint64(d.t.config32(blkCfgCapacity)) | uint64(d.t.config32(blkCfgCapacity+4))<<32
		if f&blkFSizeMax != 0 {
			d.sizeMax = d.t.config32(blkCfgSizeMax)
		}
		if f&blkFSegMax != 0 {
			d.segMax = d.t.config32(blkCfgSegMax)
		}
		if f&blkFBlkSize != 0 {
			d.blkSize = d.t.config32(blkCfgBlkSize)
		}
		if d.t.ConfigGeneration() == g {
			break
		}
	}
	if d.sizeMax != 0 && d.sizeMax < SectorSize {
		d.t.AddStatus(StatusFailed)
		return -1, "size_max below one sector"
	}
	if err := d.t.SetupQueue(&d.q, 0, blkQueueLen, dma); err != "" {
		d.t.AddStatus(StatusFailed)
		return -1, err
	}
	hdr, ok := dma.AllocPage()
	if !ok {
		d.t.AddStatus(StatusFailed)
		return -1, "out of memory for request headers"
	}
	d.hdr = hdr
	// Step 8: DRIVER_OK.
	d.t.Ready()
	blk.n++
	return blk.n - 1, ""
}

// config32 reads a 32-bit field of the device-specific configuration.
func (t *Transport) config32(off uintptr) uint32 { return dev.Read32(t.configBase() + off) }

// BlkDisks returns how many block devices are ready.
func BlkDisks() int { return blk.n }

// BlkCapacity returns disk i's size in sectors.
func BlkCapacity(i int) uint64 { return blk.disks[i].capacity }

// BlkReadOnly reports whether disk i refuses writes (VIRTIO_BLK_F_RO).
func BlkReadOnly(i int) bool { return blk.disks[i].features&blkFRO != 0 }

// BlkCanFlush reports whether disk i has a write cache to flush (VIRTIO_BLK_F_FLUSH).
func BlkCanFlush(i int) bool { return blk.disks[i].features&blkFFlush != 0 }

// BlkFeatures returns disk i's negotiated feature bits.
func BlkFeatures(i int) uint64 { return blk.disks[i].features }

// BlkStatistics returns disk i's counters.
func BlkStatistics(i int) BlkStats { return blk.disks[i].stats }

// BlkStart queues a request on disk i without waiting: a read (write false) or write of
// n bytes at physical address pa (identity-mapped RAM, physically contiguous) from or to
// sector. It returns the request's slot and BlkOK, or BlkAgain when the queue is full,
// BlkInvalid, BlkWriteProtected or BlkNoDevice.
func BlkStart(i int, write bool, sector, pa uint64, n uint32) (int, int) {
	typ := uint8(blkTIn)
	if write {
		typ = blkTOut
	}
	return blkSubmit(i, typ, sector, pa, n)
}

// BlkStartFlush queues VIRTIO_BLK_T_FLUSH on disk i. The caller checks BlkCanFlush first:
// a device without the feature may reject the request as unsupported.
func BlkStartFlush(i int) (int, int) { return blkSubmit(i, blkTFlush, 0, 0, 0) }

// blkSubmit queues a request and notifies the device if it asks to be.
func blkSubmit(i int, typ uint8, sector, pa uint64, n uint32) (int, int) {
	s, r := blkStart(Phys{}, i, typ, sector, pa, n)
	if r == BlkOK {
		d := &blk.disks[i]
		if d.q.NeedNotify(Phys{}) {
			d.t.Notify(&d.q)
		}
	}
	return s, r
}

// blkStart writes a request of type typ into a free slot and makes it available to the
// device, without notifying it.
func blkStart(m Mem, i int, typ uint8, sector, pa uint64, n uint32) (int, int) {
	if i < 0 || i >= blk.n || blk.disks[i].q.Broken {
		return -1, BlkNoDevice
	}
	d := &blk.disks[i]
	var bufs [2 + blkMaxSegs]Buf
	nb := 1
	if typ != blkTFlush {
		if typ == blkTOut && d.features&blkFRO != 0 {
			return -1, BlkWriteProtected
		}
		if n == 0 || n%SectorSize != 0 || n > BlkMaxRequest ||
			sector > d.capacity || uint64(n/SectorSize) > d.capacity-sector {
			return -1, BlkInvalid
		}
		segs := blkSplit(bufs[1:1+blkMaxSegs], pa, n, d.sizeMax, typ == blkTIn)
		if segs == 0 || (d.segMax != 0 && uint32(segs) > d.segMax) {
			return -1, BlkInvalid
		}
		nb += segs
	}
	s := -1
	for k := range d.slot {
		if d.slot[k].state == blkFree {
			s = k
			break
		}
	}
	if s < 0 || d.q.NumFree() < nb+1 {
		d.stats.Full++
		return -1, BlkAgain
	}
	h := d.hdr + uint64(s)*blkSlotSize
	m.Write32(h, uint32(typ))
	m.Write32(h+4, 0)
	m.Write64(h+8, sector)
	m.Write16(h+blkHdrLen, blkSUnset)
	bufs[0] = Buf{Addr: h, Len: blkHdrLen}
	bufs[nb] = Buf{Addr: h + blkHdrLen, Len: 1, Writes: true}
	if !d.q.Add(m, bufs[:nb+1], uint32(s)) {
		d.stats.Full++
		return -1, BlkAgain
	}
	d.q.Publish(m)
	d.slot[s] = blkSlot{state: blkBusy}
	d.inFlight++
	if uint64(d.inFlight) > d.stats.MaxInFlight {
		d.stats.MaxInFlight = uint64(d.inFlight)
	}
	switch typ {
	case blkTIn:
		d.stats.Reads++
		d.stats.BytesRead += uint64(n)
	case blkTOut:
		d.stats.Writes++
		d.stats.BytesWrote += uint64(n)
	default:
		d.stats.Flushes++
	}
	return s, BlkOK
}

// blkSplit cuts the n bytes at pa into data descriptors of at most sizeMax bytes (0: one
// descriptor) in out, device-writable if writes. It returns how many it used, 0 if out is
// too short.
func blkSplit(out []Buf, pa uint64, n, sizeMax uint32, writes bool) int {
	k := 0
	for n > 0 {
		if k == len(out) {
			return 0
		}
		l := n
		if sizeMax != 0 && l > sizeMax {
			l = sizeMax &^ (SectorSize - 1)
		}
		out[k] = Buf{Addr: pa, Len: l, Writes: writes}
		k++
		pa += uint64(l)
		n -= l
	}
	return k
}

// BlkBusy reports whether request s of disk i is still with the device. It reaps
// completions first, so a lost interrupt costs only latency.
func BlkBusy(i, s int) bool {
	if i < 0 || i >= blk.n || s < 0 || s >= blkSlots {
		return false // BlkFinish says BlkInvalid
	}
	blkReap(Phys{}, i)
	return blk.disks[i].slot[s].state == blkBusy
}

// BlkInFlight returns how many of disk i's requests are with the device, orphans
// included, after reaping completions.
func BlkInFlight(i int) int {
	if i < 0 || i >= blk.n {
		return 0
	}
	blkReap(Phys{}, i)
	return blk.disks[i].inFlight
}

// BlkFinish collects request s of disk i, which must be done (BlkBusy false), frees its
// slot and returns BlkOK, BlkIOError or BlkUnsupported. It returns BlkInvalid, changing
// nothing, for a slot that holds no finished request (a caller's bug).
func BlkFinish(i, s int) int {
	if i < 0 || i >= blk.n || s < 0 || s >= blkSlots || blk.disks[i].slot[s].state != blkDone {
		return BlkInvalid
	}
	sl := &blk.disks[i].slot[s]
	sl.state = blkFree
	switch sl.status {
	case blkSOK:
		return BlkOK
	case blkSUnsupp:
		return BlkUnsupported
	}
	return BlkIOError
}

// BlkAbandon gives up every request of disk i nobody collected: done ones are freed,
// busy ones become orphans, freed when the device returns them. For a lock holder that
// went away (the kernel's volume lock, released on the EFAULT path). It returns how
// many requests it abandoned.
func BlkAbandon(i int) int {
	if i < 0 || i >= blk.n {
		return 0
	}
	d := &blk.disks[i]
	n := 0
	for k := range d.slot {
		switch d.slot[k].state {
		case blkDone:
			d.slot[k].state = blkFree
			n++
		case blkBusy:
			d.slot[k].state = blkOrphan
			d.stats.Orphans++
			n++
		}
	}
	return n
}

// blkReap moves disk i's completed requests from the used ring to their slots and
// reports whether there were any.
func blkReap(m Mem, i int) bool {
	d := &blk.disks[i]
	any := false
	for {
		tok, written, ok := d.q.PopUsed(m)
		if !ok {
			break
		}
		any = true
		if tok >= blkSlots {
			continue // PopUsed returns only tokens we gave; cannot happen
		}
		sl := &d.slot[tok]
		st := uint8(m.Read16(d.hdr + uint64(tok)*blkSlotSize + blkHdrLen))
		if written < 1 || st == blkSUnset {
			st = blkSIOErr // the device never wrote the status
		}
		if st != blkSOK {
			d.stats.Errors++
		}
		d.inFlight--
		switch sl.state {
		case blkBusy:
			sl.state, sl.status = blkDone, st
		case blkOrphan:
			sl.state = blkFree
		}
	}
	if d.q.Broken {
		// The device returned a chain we never gave it: nothing it says can be trusted,
		// so every request in flight fails now rather than never.
		for k := range d.slot {
			switch d.slot[k].state {
			case blkBusy:
				d.slot[k].state, d.slot[k].status = blkDone, blkSIOErr
			case blkOrphan:
				d.slot[k].state = blkFree
			}
		}
		d.inFlight = 0
	}
	return any
}

// blkInterrupt services the block devices on irq for Interrupt: it acknowledges each and
// reaps its completions. It returns the EvBlk bits of the disks that completed requests,
// and whether any device's status was set.
func blkInterrupt(irq uint32) (ev uint32, pending bool) {
	for i := 0; i < blk.n; i++ {
		d := &blk.disks[i]
		if d.t.IRQ != irq {
			continue
		}
		if d.t.AckInterrupt() != 0 {
			pending = true
			d.stats.Interrupts++
		}
		if blkReap(Phys{}, i) {
			ev |= EvBlk0 << i
		}
	}
	return ev, pending
}
