package virtio

// Split virtqueues (§2.7). The driver keeps its own copy of every chain (next, count) and
// never reads descriptors back from shared memory, so a misbehaving device can confuse
// only the used ring, whose entries are checked before use.
//
// Layout in device memory (§2.7.5 descriptor table, §2.7.6 available ring, §2.7.8 used
// ring), each part in its own frame, so a queue of up to 256 entries needs three frames:
//
//	desc:  size x { le64 addr; le32 len; le16 flags; le16 next }      16-byte aligned
//	avail: le16 flags; le16 idx; le16 ring[size]; (le16 used_event)   2-byte aligned
//	used:  le16 flags; le16 idx; { le32 id; le32 len }[size]; (le16)   4-byte aligned
//
// idx fields run freely over 16 bits; ring slot = idx mod size (size is a power of 2).

const (
	// MaxQueueSize bounds the queues we set up: the descriptor table then fits a frame.
	MaxQueueSize = 256

	descBytes = 16

	descFNext  = 1 // VIRTQ_DESC_F_NEXT: the chain continues at next (§2.7.5)
	descFWrite = 2 // VIRTQ_DESC_F_WRITE: device writes this buffer (§2.7.5)

	availFNoInterrupt = 1 // VIRTQ_AVAIL_F_NO_INTERRUPT (§2.7.7)
	usedFNoNotify     = 1 // VIRTQ_USED_F_NO_NOTIFY (§2.7.7)

	availRingOff = 4 // flags, idx, then the ring
	usedRingOff  = 4
	usedElemSize = 8
)

// Buf is one buffer of a chain: physical address, length, and whether the device writes
// it (device-writable buffers must follow all device-readable ones, §2.7.4.2).
type Buf struct {
	Addr   uint64
	Len    uint32
	Writes bool
}

// Queue is the driver's side of one split virtqueue. All fields are plain values.
type Queue struct {
	Index             uint16 // the queue's number on its device
	Size              uint16 // entries; a power of 2, at most MaxQueueSize
	Desc, Avail, Used uint64 // physical addresses of the three parts
	NotifyAddr        uintptr
	Broken            bool // the device returned a bad used entry; the queue is dead

	freeHead uint16 // first free descriptor; chains through next
	numFree  uint16
	availIdx uint16 // the avail idx we will publish next
	lastUsed uint16 // the used idx up to which we have consumed

	next  [MaxQueueSize]uint16 // our copy of each descriptor's next
	count [MaxQueueSize]uint16 // descriptors in the chain headed here; 0 = not in flight
	token [MaxQueueSize]uint32 // the caller's token for the chain headed here
}

// RingSizes returns the bytes each part of a queue of size entries occupies.
func RingSizes(size uint16) (desc, avail, used uint64) {
	n := uint64(size)
	return n * descBytes, availRingOff + 2*n + 2, usedRingOff + usedElemSize*n + 2
}

// Init makes q an empty queue of size entries at the given addresses and zeroes the rings.
// It reports false if size is not a power of 2 in [1, MaxQueueSize].
func (q *Queue) Init(m Mem, index, size uint16, desc, avail, used uint64) bool {
	if size == 0 || size > MaxQueueSize || size&(size-1) != 0 {
		return false
	}
	*q = Queue{Index: index, Size: size, Desc: desc, Avail: avail, Used: used}
	d, a, u := RingSizes(size)
	zero(m, desc, d)
	zero(m, avail, a)
	zero(m, used, u)
	for i := uint16(0); i < size; i++ {
		q.next[i] = i + 1
	}
	q.numFree = size
	return true
}

func zero(m Mem, pa, n uint64) {
	for i := uint64(0); i+2 <= n; i += 2 {
		m.Write16(pa+i, 0)
	}
}

// NumFree returns the number of free descriptors.
func (q *Queue) NumFree() int { return int(q.numFree) }

// InFlight returns the number of chains made available and not yet returned.
func (q *Queue) InFlight() int { return int(q.availIdx - q.lastUsed) }

// Add writes bufs as one descriptor chain and puts its head in the next slot of the
// available ring, remembering token for PopUsed. The device does not see it until
// Publish. It reports false (and changes nothing) if there are too few free descriptors.
func (q *Queue) Add(m Mem, bufs []Buf, token uint32) bool {
	n := len(bufs)
	if n == 0 || n > int(q.numFree) || q.Broken {
		return false
	}
	head := q.freeHead
	d := head
	for i, b := range bufs {
		pa := q.Desc + uint64(d)*descBytes
		var flags uint16
		if b.Writes {
			flags |= descFWrite
		}
		next := q.next[d]
		if i < n-1 {
			flags |= descFNext
		}
		m.Write64(pa, b.Addr)
		m.Write32(pa+8, b.Len)
		m.Write16(pa+12, flags)
		m.Write16(pa+14, next)
		if i < n-1 {
			d = next
		}
	}
	// d is the chain's last descriptor; the free list continues after it.
	q.freeHead = q.next[d]
	q.numFree -= uint16(n)
	q.count[head] = uint16(n)
	q.token[head] = token
	m.Write16(q.Avail+availRingOff+2*uint64(q.availIdx&(q.Size-1)), head)
	q.availIdx++
	return true
}

// Publish makes every chain added so far visible to the device (§2.7.13.2: the ring entries
// are written before idx). The caller then notifies the device if NeedNotify says so.
func (q *Queue) Publish(m Mem) { m.Write16(q.Avail+2, q.availIdx) }

// NeedNotify reports whether the device asked to be notified of new buffers (§2.7.10).
func (q *Queue) NeedNotify(m Mem) bool { return m.Read16(q.Used)&usedFNoNotify == 0 }

// SetInterrupts asks the device to interrupt (or not) when it returns buffers (§2.7.10).
// It is a hint: the device may interrupt anyway.
func (q *Queue) SetInterrupts(m Mem, on bool) {
	var f uint16
	if !on {
		f = availFNoInterrupt
	}
	m.Write16(q.Avail, f)
}

// HasUsed reports whether the device has returned a chain we have not popped.
func (q *Queue) HasUsed(m Mem) bool { return !q.Broken && m.Read16(q.Used+2) != q.lastUsed }

// PopUsed takes the next chain the device returned, frees its descriptors and returns its
// token and the number of bytes the device wrote. ok is false if there is none, or if the
// entry names no chain in flight, which marks the queue Broken.
func (q *Queue) PopUsed(m Mem) (token, written uint32, ok bool) {
	if !q.HasUsed(m) {
		return 0, 0, false
	}
	if q.InFlight() == 0 || uint16(m.Read16(q.Used+2)-q.lastUsed) > uint16(q.InFlight()) {
		q.Broken = true // the device claims more than we gave it
		return 0, 0, false
	}
	e := q.Used + usedRingOff + usedElemSize*uint64(q.lastUsed&(q.Size-1))
	id := m.Read32(e)
	written = m.Read32(e + 4)
	if id >= uint32(q.Size) || q.count[id] == 0 {
		q.Broken = true
		return 0, 0, false
	}
	head := uint16(id)
	n := q.count[head]
	last := head
	for i := uint16(1); i < n; i++ {
		last = q.next[last]
	}
	q.next[last] = q.freeHead
	q.freeHead = head
	q.numFree += n
	q.count[head] = 0
	q.lastUsed++
	return q.token[head], written, true
}
