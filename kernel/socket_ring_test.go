package kernel

import (
	"bytes"
	"testing"
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

// newTestRing gives a ring pages of Go memory (kept alive by the returned slice).
func newTestRing(pages int) (*sockRing, [][]byte) {
	r := new(sockRing)
	var keep [][]byte
	for i := 0; i < pages; i++ {
		p := make([]byte, ringPageSize)
		keep = append(keep, p)
		r.Pages[i] = uintptr(unsafe.Pointer(&p[0]))
	}
	r.N = uint32(pages)
	return r, keep
}

// vecs builds an iovec array over bufs.
func vecs(bufs ...[]byte) (ioVecs, []linux.Iovec) {
	iov := make([]linux.Iovec, len(bufs))
	for i, b := range bufs {
		if len(b) > 0 {
			iov[i] = linux.Iovec{Base: uint64(uintptr(unsafe.Pointer(&b[0]))), Len: uint64(len(b))}
		}
	}
	return ioVecs{uintptr(unsafe.Pointer(&iov[0])), len(iov)}, iov
}

func pattern(n, seed int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + seed)
	}
	return b
}

func TestSockRingStreamWrapsAcrossPagesAndIovecs(t *testing.T) {
	r, keep := newTestRing(2)
	defer func() { _ = keep }()
	var got bytes.Buffer
	var want bytes.Buffer
	for round := 0; round < 20; round++ {
		a, b := pattern(1000+round*37, round), pattern(3000, round+1)
		v, iov := vecs(a, b)
		n := r.putV(v, 0, v.total())
		_ = iov
		want.Write(append(a, b...)[:n])
		if r.used() > r.size() {
			t.Fatalf("used %d > size %d", r.used(), r.size())
		}
		// Read back in odd-sized pieces into two buffers.
		x, y := make([]byte, 777), make([]byte, 2500)
		vo, iov2 := vecs(x, y)
		m := r.takeV(vo, 0, vo.total(), false)
		_ = iov2
		got.Write(append(x, y...)[:m])
	}
	for !r.empty() {
		x := make([]byte, 1000)
		vo, _ := vecs(x)
		m := r.takeV(vo, 0, 1000, false)
		got.Write(x[:m])
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("stream bytes differ: got %d bytes, want %d", got.Len(), want.Len())
	}
}

func TestSockRingPutStopsWhenFull(t *testing.T) {
	r, _ := newTestRing(1)
	big := pattern(10000, 3)
	v, _ := vecs(big)
	if n := r.putV(v, 0, v.total()); n != ringPageSize {
		t.Fatalf("put into empty one-page ring: got %d, want %d", n, ringPageSize)
	}
	if n := r.putV(v, 0, v.total()); n != 0 {
		t.Fatalf("put into full ring: got %d, want 0", n)
	}
	peek := make([]byte, 10)
	pv, _ := vecs(peek)
	r.takeV(pv, 0, 10, true)
	if !bytes.Equal(peek, big[:10]) || r.used() != ringPageSize {
		t.Fatalf("peek consumed or returned wrong bytes: %v used %d", peek, r.used())
	}
}

func TestSockRingRecordsKeepBoundariesAndTruncate(t *testing.T) {
	r, _ := newTestRing(1)
	var sent [][]byte
	for i := 0; ; i++ {
		m := pattern(100+i*50, i)
		v, _ := vecs(m[:50], m[50:])
		if !r.putRecordV(v, uintptr(len(m)), int32(i)) {
			break
		}
		sent = append(sent, m)
	}
	if len(sent) < 3 || int(r.Recs) != len(sent) {
		t.Fatalf("records: %d stored, Recs %d", len(sent), r.Recs)
	}
	for i, m := range sent {
		buf := make([]byte, 120) // shorter than all but the first: the rest is dropped
		v, _ := vecs(buf)
		got, full, from := r.takeRecordV(v, 120, false)
		wantGot := min(len(m), 120)
		if int(got) != wantGot || int(full) != len(m) || from != int32(i) || !bytes.Equal(buf[:got], m[:got]) {
			t.Fatalf("record %d: got %d/%d from %d, want %d/%d from %d", i, got, full, from, wantGot, len(m), i)
		}
	}
	if !r.empty() || r.Recs != 0 {
		t.Fatalf("ring not empty after taking every record: used %d, Recs %d", r.used(), r.Recs)
	}
}
