package kernel

// sockRing is a socket's receive buffer: a byte ring over up to sockRingPages pages that
// need not be contiguous (frames from the kernel's allocator, identity-mapped, so a
// page's physical address is also its kernel address). Stream sockets use it as a byte
// stream; datagram and seqpacket sockets store records, each an 8-byte header
// (length, sender socket) followed by the payload.
//
// A ring has room for N pages but holds only the pages its bytes need: the put methods
// take a page from the frame allocator when bytes are about to land in a page it lacks
// (back), and a take that empties the ring gives them back (shed). So an idle
// connection holds no buffer pages, not 128 KiB, and a server keeps
// thousands of them in the memory of a small VM. Pages the caller filled in (pipes, host
// tests with pages of Go memory) are not the ring's to give back: Owned tells them apart.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/unet"
	"github.com/unigo-os/unigo/kernel/mm"
)

const (
	sockRingPages = 16 // 64 KiB per direction (at most 32: Owned is a bit set)
	ringPageSize  = 4096
	recordHdr     = 8 // datagram/seqpacket record header: length uint32, sender int32
)

type sockRing struct {
	Pages [sockRingPages]uintptr // page addresses; 0 = not allocated
	N     uint32                 // capacity is N*ringPageSize; 0 = no ring yet
	Owned uint32                 // bit i: Pages[i] came from back, and goes back to the allocator
	R, W  uint64                 // bytes ever taken and put; W-R are buffered
	Recs  uint32                 // records buffered (record mode)
	Hdr   [2]uint32              // scratch for a record header: the ring never moves, a stack might
	Addr  unet.Addr              // scratch for an internet datagram's address
}

func (r *sockRing) hdrAddr() uintptr { return uintptr(unsafe.Pointer(&r.Hdr)) }

func (r *sockRing) size() uint64  { return uint64(r.N) * ringPageSize }
func (r *sockRing) used() uint64  { return r.W - r.R }
func (r *sockRing) space() uint64 { return r.size() - r.used() }
func (r *sockRing) empty() bool   { return r.W == r.R }

// back makes sure the n bytes from W have pages, taking missing ones from the frame
// allocator, and returns n, or fewer (a whole number of pages' worth from W) if memory
// ran out. The caller keeps n within space().
func (r *sockRing) back(n uint64) uint64 {
	for done := uint64(0); done < n; {
		pos := r.W + done
		pg := pos % r.size() / ringPageSize
		if r.Pages[pg] == 0 {
			pa, ok := frames.Alloc(mm.Identity{})
			if !ok {
				return done
			}
			r.Pages[pg] = uintptr(pa)
			r.Owned |= 1 << pg
		}
		done += ringPageSize - pos%ringPageSize
	}
	return n
}

// starved reports whether need bytes (a record, or 1 for a stream) fit the ring's room but
// not the memory left: a put that stored nothing failed for want of pages, and waiting
// for the reader would not help.
func (r *sockRing) starved(need uint64) bool { return need <= r.space() && r.back(need) < need }

// shed gives back the pages back took, once the ring is empty: an idle connection holds
// none. (Keeping the page the next bytes land in would save an allocation per message,
// from the CPU's own frame cache, at the price of 16 KiB per idle TCP connection.)
func (r *sockRing) shed() {
	if r.empty() && r.Owned != 0 {
		r.give(r.Owned)
	}
}

// freePages gives back every page back took, and the ring's room (N = 0).
func (r *sockRing) freePages() {
	r.give(r.Owned)
	r.N = 0
}

// give returns the pages in set (bits of Owned) to the frame allocator.
func (r *sockRing) give(set uint32) {
	for i := range r.Pages {
		if set&(1<<i) != 0 {
			frames.Free(uint64(r.Pages[i]), mm.Identity{})
			r.Pages[i] = 0
		}
	}
	r.Owned &^= set
}

// reset empties the ring, keeping its pages.
func (r *sockRing) reset() { r.R, r.W, r.Recs = 0, 0, 0 }

// copyIn copies n bytes from src into the ring at byte position pos (no bounds checks).
func (r *sockRing) copyIn(pos uint64, src, n uintptr) {
	for n > 0 {
		off := pos % r.size()
		pg, in := off/ringPageSize, off%ringPageSize
		chunk := uintptr(ringPageSize - in)
		if chunk > n {
			chunk = n
		}
		copyBytes(r.Pages[pg]+uintptr(in), src, chunk)
		src += chunk
		pos += uint64(chunk)
		n -= chunk
	}
}

// copyOut copies n bytes at byte position pos out of the ring to dst.
func (r *sockRing) copyOut(pos uint64, dst, n uintptr) {
	for n > 0 {
		off := pos % r.size()
		pg, in := off/ringPageSize, off%ringPageSize
		chunk := uintptr(ringPageSize - in)
		if chunk > n {
			chunk = n
		}
		copyBytes(dst, r.Pages[pg]+uintptr(in), chunk)
		dst += chunk
		pos += uint64(chunk)
		n -= chunk
	}
}

// ioVecs is an array of struct iovec (linux.Iovec) at Base, Cnt long.
type ioVecs struct {
	Base uintptr
	Cnt  int
}

func (v ioVecs) at(i int) (base, n uintptr) {
	e := (*[2]uintptr)(unsafe.Pointer(v.Base + uintptr(i)*16))
	return e[0], e[1]
}

func (v ioVecs) total() uintptr {
	var t uintptr
	for i := 0; i < v.Cnt; i++ {
		_, n := v.at(i)
		t += n
	}
	return t
}

// copyInV copies n bytes of v, starting skip bytes in, into the ring at position pos.
func (r *sockRing) copyInV(pos uint64, v ioVecs, skip, n uintptr) { r.copyV(pos, v, skip, n, true) }

// copyOutV copies n bytes at ring position pos into v, starting skip bytes in.
func (r *sockRing) copyOutV(pos uint64, v ioVecs, skip, n uintptr) { r.copyV(pos, v, skip, n, false) }

// copyV walks v from skip bytes in and copies n bytes between it and the ring at pos:
// into the ring if in, out of it otherwise.
func (r *sockRing) copyV(pos uint64, v ioVecs, skip, n uintptr, in bool) {
	for i := 0; i < v.Cnt && n > 0; i++ {
		b, l := v.at(i)
		if skip >= l {
			skip -= l
			continue
		}
		b, l, skip = b+skip, l-skip, 0
		if l > n {
			l = n
		}
		if in {
			r.copyIn(pos, b, l)
		} else {
			r.copyOut(pos, b, l)
		}
		pos += uint64(l)
		n -= l
	}
}

// putV appends up to n bytes of v (from skip bytes in) and returns how many fit.
func (r *sockRing) putV(v ioVecs, skip, n uintptr) uintptr {
	if sp := uintptr(r.space()); n > sp {
		n = sp
	}
	n = uintptr(r.back(uint64(n)))
	r.copyInV(r.W, v, skip, n)
	r.W += uint64(n)
	return n
}

// takeV moves up to n bytes into v (from skip bytes in; peek: without consuming).
func (r *sockRing) takeV(v ioVecs, skip, n uintptr, peek bool) uintptr {
	if u := uintptr(r.used()); n > u {
		n = u
	}
	r.copyOutV(r.R, v, skip, n)
	if !peek {
		r.R += uint64(n)
		r.shed()
	}
	return n
}

// putRecordV appends v (n bytes in all) as one record from socket from, or reports false.
func (r *sockRing) putRecordV(v ioVecs, n uintptr, from int32) bool {
	if uint64(n)+recordHdr > r.space() || r.back(uint64(n)+recordHdr) < uint64(n)+recordHdr {
		return false
	}
	r.Hdr[0], r.Hdr[1] = uint32(n), uint32(from)
	r.copyIn(r.W, r.hdrAddr(), recordHdr)
	r.copyInV(r.W+recordHdr, v, 0, n)
	r.W += recordHdr + uint64(n)
	r.Recs++
	return true
}

// takeRecordV moves the oldest record into v, at most n bytes, discarding the rest
// unless peek; it returns the bytes copied, the record's length and its sender.
func (r *sockRing) takeRecordV(v ioVecs, n uintptr, peek bool) (got, full uintptr, from int32) {
	r.copyOut(r.R, r.hdrAddr(), recordHdr)
	full, from = uintptr(r.Hdr[0]), int32(r.Hdr[1])
	got = full
	if got > n {
		got = n
	}
	r.copyOutV(r.R+recordHdr, v, 0, got)
	if !peek {
		r.R += recordHdr + uint64(full)
		r.Recs--
		r.shed()
	}
	return got, full, from
}
