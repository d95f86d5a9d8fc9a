package virtio

// The entropy device (§5.4): one queue (requestq, index 0), no feature bits, no
// configuration. The driver offers device-writable buffers; the device fills them with
// host entropy (QEMU's default backend reads the host's getrandom) and returns them.
//
// One request is in flight at a time: a chain of up to rngMaxPages frames (QEMU's queue
// has 8 entries, so 32 KiB). Callers take the bytes in any portions; once all are taken
// the next request may start. The kernel does the waiting (RngStart, then sleep until
// Interrupt reports EvRng, then RngTake).

const rngMaxPages = 8

// Request states.
const (
	rngIdle  = iota // nothing in flight; RngStart may post a request
	rngBusy         // a request is with the device
	rngReady        // the device filled have bytes; taken of them are consumed
)

// rng is written by RngInit, RngStart, RngTake and Interrupt, all with interrupts off.
var rng struct {
	present bool
	t       Transport
	q       Queue
	pages   int
	buf     [rngMaxPages]uint64 // physical frames of the request
	state   uint8
	have    uint32
	taken   uint32

	requests, bytes uint64
}

// RngInit drives t as the entropy device, following §3.1.1. It returns "" or what went
// wrong.
func RngInit(t *Transport, dma DMA) string {
	if rng.present {
		return "a second entropy device is ignored"
	}
	rng.t = *t
	// Steps 1-6: reset, ACKNOWLEDGE, DRIVER, features (none beyond VERSION_1), FEATURES_OK.
	if _, err := rng.t.Negotiate(0); err != "" {
		return err
	}
	// Step 7: the request queue and its buffers.
	if err := rng.t.SetupQueue(&rng.q, 0, rngMaxPages, dma); err != "" {
		rng.t.AddStatus(StatusFailed)
		return err
	}
	rng.pages = int(rng.q.Size)
	for i := 0; i < rng.pages; i++ {
		pa, ok := dma.AllocPage()
		if !ok {
			rng.t.AddStatus(StatusFailed)
			return "out of memory for buffers"
		}
		rng.buf[i] = pa
	}
	// Step 8: DRIVER_OK.
	rng.t.Ready()
	rng.present = true
	return ""
}

// RngPresent reports whether an entropy device is ready.
func RngPresent() bool { return rng.present && !rng.q.Broken }

// RngStart posts a request if none is in flight or unconsumed. It reports whether the
// caller should now wait for EvRng (false: bytes are ready already, or the device is
// gone; RngTake says which).
func RngStart() bool {
	if !RngPresent() {
		return false
	}
	switch rng.state {
	case rngBusy:
		return true
	case rngReady:
		return false
	}
	var bufs [rngMaxPages]Buf
	for i := 0; i < rng.pages; i++ {
		bufs[i] = Buf{Addr: rng.buf[i], Len: PageSize, Writes: true}
	}
	if !rng.q.Add(Phys{}, bufs[:rng.pages], 0) {
		return false
	}
	rng.q.Publish(Phys{})
	rng.state = rngBusy
	rng.requests++
	if rng.q.NeedNotify(Phys{}) {
		rng.t.Notify(&rng.q)
	}
	return true
}

// RngBusy reports whether a request is with the device.
func RngBusy() bool { return rng.state == rngBusy }

// RngTake copies ready entropy into dst and returns how many bytes it copied: 0 if none
// is ready.
func RngTake(dst []byte) int {
	if rng.state != rngReady {
		return 0
	}
	n := int(rng.have - rng.taken)
	if n > len(dst) {
		n = len(dst)
	}
	for c := 0; c < n; {
		off := rng.taken + uint32(c)
		page := off / PageSize
		in := off % PageSize
		k := PageSize - int(in)
		if k > n-c {
			k = n - c
		}
		copyFromPhys(dst[c:c+k], rng.buf[page]+uint64(in))
		zeroPhys(rng.buf[page]+uint64(in), k) // entropy is used once
		c += k
	}
	rng.taken += uint32(n)
	if rng.taken == rng.have {
		rng.state = rngIdle
	}
	return n
}

// rngCollect takes a completed request off the used ring; it reports whether one was.
func rngCollect() bool {
	_, n, ok := rng.q.PopUsed(Phys{})
	if !ok {
		return false
	}
	if max := uint32(rng.pages) * PageSize; n > max {
		n = max
	}
	rng.have, rng.taken = n, 0
	rng.state = rngReady
	if n == 0 {
		rng.state = rngIdle
	}
	rng.bytes += uint64(n)
	return true
}

// RngStats returns the requests posted and bytes received.
func RngStats() (requests, bytes uint64) { return rng.requests, rng.bytes }
