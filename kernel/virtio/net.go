package virtio

// The network device (§5.1), carrying raw Ethernet frames for the kernel's link endpoint.
//
// Negotiated features, each only when the device offers it: VIRTIO_F_VERSION_1,
// VIRTIO_NET_F_MAC (the address QEMU assigns), VIRTIO_NET_F_STATUS (link state),
// VIRTIO_NET_F_CSUM (transmit checksum offload: a frame's header may say NEEDS_CSUM),
// VIRTIO_NET_F_GUEST_CSUM (the device marks received frames DATA_VALID or NEEDS_CSUM),
// VIRTIO_NET_F_HOST_TSO4/6 (TCP segments up to NetMaxGSOFrame, split by the device; used
// only together with CSUM, which QEMU always offers with them), VIRTIO_NET_F_MRG_RXBUF
// (a received packet may span several 2 KiB buffers: num_buffers), and
// VIRTIO_NET_F_GUEST_TSO4/6 (the device may hand us TCP segments of up to 64 KiB, which
// then span up to 33 buffers; QEMU offers them only with GUEST_CSUM, and §5.1.3.1 makes
// them depend on it). QEMU's virtio-net offers the offloads only when its backend takes
// a vnet header (a tap with vnet_hdr=on); with -netdev user (slirp) it withholds all of
// them and offers MRG_RXBUF alone, which we then decline (see netConsistent). Not
// negotiated, on purpose:
//   - GUEST_UFO, GUEST_ECN, HOST_UFO, HOST_ECN: netstack makes and takes none of these.
//   - CTRL_VQ, MQ, EVENT_IDX, INDIRECT_DESC.
//
// Queues: receiveq1 (0) and transmitq1 (1) (§5.1.2). Every buffer is 2 KiB, half a frame:
// a 12-byte struct virtio_net_hdr (§5.1.6) followed by the frame. Receive buffers are all
// posted at start and re-posted as soon as their frame is copied out; transmit buffers
// come from a free list, a TSO segment takes a chain of them (one descriptor each), and
// many frames go out with one notification.

// Feature bits (§5.1.3).
const (
	netFCsum      = 1 << 0
	netFGuestCsum = 1 << 1
	netFMTU       = 1 << 3
	netFMAC       = 1 << 5
	netFGuestTSO4 = 1 << 7
	netFGuestTSO6 = 1 << 8
	netFHostTSO4  = 1 << 11
	netFHostTSO6  = 1 << 12
	netFMrgRxbuf  = 1 << 15
	netFStatus    = 1 << 16
	netFCtrlVQ    = 1 << 17

	netWant = netFMAC | netFStatus | netFCsum | netFGuestCsum | netFHostTSO4 | netFHostTSO6 |
		netFGuestTSO4 | netFGuestTSO6 | netFMrgRxbuf
)

// struct virtio_net_hdr (§5.1.6): flags and gso_type values.
const (
	NetHdrNeedsCsum = 1 // VIRTIO_NET_HDR_F_NEEDS_CSUM
	NetHdrDataValid = 2 // VIRTIO_NET_HDR_F_DATA_VALID

	NetGSONone  = 0 // VIRTIO_NET_HDR_GSO_NONE
	NetGSOTCPv4 = 1 // VIRTIO_NET_HDR_GSO_TCPV4
	NetGSOTCPv6 = 4 // VIRTIO_NET_HDR_GSO_TCPV6
)

// Configuration layout (§5.1.4): u8 mac[6]; le16 status; le16 max_virtqueue_pairs;
// le16 mtu.
const (
	netCfgMAC    = 0
	netCfgStatus = 6

	netSLinkUp = 1 // VIRTIO_NET_S_LINK_UP
)

const (
	netHdrLen    = 12   // struct virtio_net_hdr with num_buffers (§5.1.6)
	netEthHdrLen = 14   // destination, source, EtherType: shorter completions are dropped
	netBufSize   = 2048 // one buffer: header + frame
	netRxBufs    = 128
	netTxBufs    = 128

	// NetMaxFrame is the longest frame NetTransmit sends and NetReceive returns (an
	// Ethernet frame without FCS is at most 1518 bytes with a VLAN tag).
	NetMaxFrame = netBufSize - netHdrLen
	// NetHdrLen is the size of the struct virtio_net_hdr that NetTransmitHdr and
	// NetReceiveHdr put before each frame.
	NetHdrLen = netHdrLen
	// NetMaxGSOFrame is the longest frame NetTransmitHdr sends with TSO (Ethernet header
	// included): a 32 KiB TCP segment and its headers. kernel/abi/unet.MaxGSOFrame.
	NetMaxGSOFrame = 32768 + 256
	// NetMaxRxFrame is the longest frame NetReceiveHdr returns: with GUEST_TSO, an IP
	// packet of 64 KiB behind an Ethernet header (and a VLAN tag).
	NetMaxRxFrame = 65536 + 64
	// netMaxChain is how many transmit buffers the longest frame takes.
	netMaxChain = (netHdrLen + NetMaxGSOFrame + netBufSize - 1) / netBufSize

	netRxQueue = 0
	netTxQueue = 1
)

// netDev is the driver's state of the one network device.
type netDev struct {
	present  bool
	t        Transport
	features uint64
	mac      [6]byte
	rx, tx   Queue
	rxBuf    [netRxBufs]uint64 // physical address of receive buffer i (the token)
	txBuf    [netTxBufs]uint64
	txFree   [netTxBufs]uint16 // stack of free transmit buffers
	txNFree  int
	txNext   [netTxBufs]uint16 // the next buffer of a frame's chain (valid for txLen-1 links)
	txLen    [netTxBufs]uint8  // buffers in the chain whose first buffer is i (the token)

	stats NetStats
}

// net is written by NetInit, the Net* calls and Interrupt, all with interrupts off.
var net netDev

// NetStats counts what the device did.
type NetStats struct {
	RxFrames, TxFrames uint64
	RxDropped          uint64 // malformed or truncated receive completions
	TxDropped          uint64 // frames too long to send, or whose header asks for what was not negotiated
	TxGSO              uint64 // frames sent for the device to segment (TSO)
	TxCsum             uint64 // frames sent with NEEDS_CSUM
	RxCsumValid        uint64 // frames the device marked DATA_VALID or NEEDS_CSUM
	RxMerged           uint64 // frames that spanned several receive buffers (MRG_RXBUF)
	TxNotifies         uint64 // notifications (VM exits) for transmits
	Interrupts         uint64
}

// NetInit drives t as the network device, following §3.1.1 and §5.1.5. It returns "" or
// what went wrong.
func NetInit(t *Transport, dma DMA) string {
	if net.present {
		return "only one network device is supported; ignored"
	}
	n := &net
	n.t = *t
	// Steps 1-6: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK.
	f, err := n.t.Negotiate(netWant)
	if err != "" {
		return err
	}
	// §5.1.3.1: TSO features depend on others the device may not have offered. Then
	// start over (Negotiate resets the device) with a subset that holds together.
	if w := netConsistent(f); w != f {
		if f, err = n.t.Negotiate(w); err != "" {
			return err
		}
	}
	n.features = f
	// Step 7: device-specific setup. The MAC (§5.1.5: read it if VIRTIO_NET_F_MAC), read
	// twice around the generation counter so that it is consistent (§2.5.1).
	if f&netFMAC != 0 {
		for {
			g := n.t.ConfigGeneration()
			for i := range n.mac {
				n.mac[i] = n.t.Config8(netCfgMAC + uintptr(i))
			}
			if n.t.ConfigGeneration() == g {
				break
			}
		}
	} else {
		n.mac = [6]byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56} // QEMU's default
	}
	if err := n.t.SetupQueue(&n.rx, netRxQueue, netRxBufs, dma); err != "" {
		n.t.AddStatus(StatusFailed)
		return err
	}
	if err := n.t.SetupQueue(&n.tx, netTxQueue, netTxBufs, dma); err != "" {
		n.t.AddStatus(StatusFailed)
		return err
	}
	// Buffers: two per frame.
	for i := 0; i < netRxBufs+netTxBufs; i += 2 {
		pa, ok := dma.AllocPage()
		if !ok {
			n.t.AddStatus(StatusFailed)
			return "out of memory for buffers"
		}
		for j := 0; j < 2; j++ {
			k := i + j
			b := pa + uint64(j)*netBufSize
			if k < netRxBufs {
				n.rxBuf[k] = b
			} else {
				n.txBuf[k-netRxBufs] = b
			}
		}
	}
	// Receive buffers go to the device before DRIVER_OK (§5.1.5: "fill the receive
	// queues"); as many as the queue holds.
	for i := 0; i < netRxBufs && i < int(n.rx.Size); i++ {
		n.rx.Add(Phys{}, []Buf{{Addr: n.rxBuf[i], Len: netBufSize, Writes: true}}, uint32(i))
	}
	n.rx.Publish(Phys{})
	for i := 0; i < netTxBufs && i < int(n.tx.Size); i++ {
		n.txFree[n.txNFree] = uint16(i)
		n.txNFree++
	}
	// Step 8: DRIVER_OK, then tell the device about the receive buffers.
	n.t.Ready()
	n.t.Notify(&n.rx)
	n.present = true
	return ""
}

// netConsistent drops from the features f those whose requirements are missing:
// HOST_TSO4/6 need CSUM (§5.1.3.1); GUEST_TSO4/6 need GUEST_CSUM (§5.1.3.1) and, for us,
// MRG_RXBUF (a 64 KiB segment does not fit one of our 2 KiB receive buffers). And
// MRG_RXBUF goes without GUEST_TSO: every other frame fits one buffer, and QEMU's
// mergeable path costs it a little per packet (QEMU's user network offers MRG_RXBUF
// alone).
func netConsistent(f uint64) uint64 {
	if f&netFCsum == 0 {
		f &^= netFHostTSO4 | netFHostTSO6
	}
	if f&netFGuestCsum == 0 || f&netFMrgRxbuf == 0 {
		f &^= netFGuestTSO4 | netFGuestTSO6
	}
	if f&(netFGuestTSO4|netFGuestTSO6) == 0 {
		f &^= netFMrgRxbuf
	}
	return f
}

// NetPresent reports whether a network device is ready.
func NetPresent() bool { return net.present }

// NetFeatures returns the negotiated feature bits.
func NetFeatures() uint64 { return net.features }

// NetMAC returns the device's Ethernet address.
func NetMAC() [6]byte { return net.mac }

// NetLinkUp reports the link state (always up without VIRTIO_NET_F_STATUS).
func NetLinkUp() bool {
	if !net.present {
		return false
	}
	if net.features&netFStatus == 0 {
		return true
	}
	return net.t.Config16(netCfgStatus)&netSLinkUp != 0
}

// NetStatistics returns the device's counters.
func NetStatistics() NetStats { return net.stats }

// NetOffloads reports the offloads the device agreed to: transmit checksum (CSUM),
// receive checksum (GUEST_CSUM), and TSO for TCP over IPv4 and IPv6 (HOST_TSO4/6, counted
// only with CSUM: §5.1.3.1 makes them depend on it).
func NetOffloads() (txCsum, rxCsum, tso4, tso6 bool) {
	f := net.features
	txCsum = f&netFCsum != 0
	return txCsum, f&netFGuestCsum != 0, txCsum && f&netFHostTSO4 != 0, txCsum && f&netFHostTSO6 != 0
}

// NetRxOffloads reports what the device may send us: merged receive buffers (MRG_RXBUF)
// and TCP segments longer than the MTU (GUEST_TSO4/6, with GUEST_CSUM and MRG_RXBUF, since
// without merging our 2 KiB buffers could not hold them; QEMU offers them together).
func NetRxOffloads() (mrg, tso4, tso6 bool) {
	f := net.features
	mrg = f&netFMrgRxbuf != 0
	big := mrg && f&netFGuestCsum != 0
	return mrg, big && f&netFGuestTSO4 != 0, big && f&netFGuestTSO6 != 0
}

// NetHdr is struct virtio_net_hdr (§5.1.6, with num_buffers), decoded.
type NetHdr struct {
	Flags      uint8
	GSOType    uint8
	HdrLen     uint16
	GSOSize    uint16
	CsumStart  uint16
	CsumOffset uint16
	NumBuffers uint16
}

// DecodeNetHdr reads a header from b (at least NetHdrLen bytes; little-endian, §5.1.6).
func DecodeNetHdr(b []byte) NetHdr {
	le16 := func(i int) uint16 { return uint16(b[i]) | uint16(b[i+1])<<8 }
	return NetHdr{Flags: b[0], GSOType: b[1], HdrLen: le16(2), GSOSize: le16(4),
		CsumStart: le16(6), CsumOffset: le16(8), NumBuffers: le16(10)}
}

// Encode writes h into b (at least NetHdrLen bytes).
func (h *NetHdr) Encode(b []byte) {
	put := func(i int, v uint16) { b[i], b[i+1] = byte(v), byte(v>>8) }
	b[0], b[1] = h.Flags, h.GSOType
	put(2, h.HdrLen)
	put(4, h.GSOSize)
	put(6, h.CsumStart)
	put(8, h.CsumOffset)
	put(10, h.NumBuffers)
}

// netTxHdrOK checks a transmit header from the netstack service against the negotiated
// features before the device sees it (QEMU would hand a nonsensical one to the host's
// tap driver), for a frame of frameLen bytes. It returns the header to send (fields that
// mean nothing for the request zeroed, num_buffers 0) and false if the frame must be
// dropped: flags other than NEEDS_CSUM, NEEDS_CSUM without CSUM or with a checksum
// outside the frame, a GSO type not negotiated (ECN and UDP included) or without
// NEEDS_CSUM, a zero segment size, headers longer than the frame, or a frame longer
// than NetMaxFrame (NetMaxGSOFrame with GSO).
func netTxHdrOK(h NetHdr, frameLen int, features uint64) (NetHdr, bool) {
	out := NetHdr{}
	if h.Flags&^NetHdrNeedsCsum != 0 || frameLen < netEthHdrLen {
		return out, false
	}
	if h.Flags&NetHdrNeedsCsum != 0 {
		if features&netFCsum == 0 || int(h.CsumStart)+int(h.CsumOffset)+2 > frameLen {
			return out, false
		}
		out.Flags, out.CsumStart, out.CsumOffset = NetHdrNeedsCsum, h.CsumStart, h.CsumOffset
	}
	switch h.GSOType {
	case NetGSONone:
		return out, frameLen <= NetMaxFrame
	case NetGSOTCPv4:
		if features&netFHostTSO4 == 0 {
			return out, false
		}
	case NetGSOTCPv6:
		if features&netFHostTSO6 == 0 {
			return out, false
		}
	default:
		return out, false
	}
	if out.Flags == 0 || h.GSOSize == 0 || h.HdrLen <= h.CsumStart || int(h.HdrLen) > frameLen ||
		frameLen > NetMaxGSOFrame {
		return out, false
	}
	out.GSOType, out.HdrLen, out.GSOSize = h.GSOType, h.HdrLen, h.GSOSize
	return out, true
}

// NetTransmit queues frames for sending with one notification and returns how many it
// consumed from the front of frames: fewer than len(frames) when transmit buffers run out
// (wait for EvNetTx and call again). Each frame is a whole Ethernet frame without FCS;
// frames longer than NetMaxFrame are dropped (and counted as consumed).
func NetTransmit(frames [][]byte) int { return netTransmit(frames, false) }

// NetTransmitHdr is NetTransmit for frames that each start with a struct virtio_net_hdr
// (NetHdrLen bytes) asking for checksum offload or TSO (see netTxHdrOK). A frame whose
// header the negotiated features do not allow is dropped (and counted as consumed).
func NetTransmitHdr(frames [][]byte) int { return netTransmit(frames, true) }

func netTransmit(frames [][]byte, withHdr bool) int {
	n := &net
	if !n.present || n.tx.Broken {
		return 0
	}
	netReclaimTx()
	sent := 0
	for _, f := range frames {
		var h NetHdr
		if withHdr {
			if len(f) < netHdrLen {
				n.stats.TxDropped++
				sent++
				continue
			}
			var ok bool
			h, ok = netTxHdrOK(DecodeNetHdr(f), len(f)-netHdrLen, n.features)
			f = f[netHdrLen:]
			if !ok {
				n.stats.TxDropped++
				sent++
				continue
			}
		} else if len(f) > NetMaxFrame {
			n.stats.TxDropped++
			sent++
			continue
		}
		k := (netHdrLen + len(f) + netBufSize - 1) / netBufSize
		if k > int(n.tx.Size) {
			n.stats.TxDropped++ // a queue this short never takes the chain
			sent++
			continue
		}
		if !netTxOne(&h, f, k) {
			break
		}
		sent++
		n.stats.TxFrames++
		if h.GSOType != NetGSONone {
			n.stats.TxGSO++
		}
		if h.Flags&NetHdrNeedsCsum != 0 {
			n.stats.TxCsum++
		}
	}
	if sent > 0 {
		n.tx.Publish(Phys{})
		if n.tx.NeedNotify(Phys{}) {
			n.t.Notify(&n.tx)
			n.stats.TxNotifies++
		}
	}
	return sent
}

// netTxOne copies h and frame f into a chain of k free transmit buffers and adds it to
// the queue (unpublished). It reports false, changing nothing, if buffers or
// descriptors run short.
func netTxOne(h *NetHdr, f []byte, k int) bool {
	n := &net
	if n.txNFree < k || n.tx.NumFree() < k {
		return false
	}
	var bufs [netMaxChain]Buf
	var hb [netHdrLen]byte
	h.Encode(hb[:])
	head := n.txFree[n.txNFree-1]
	prev := head
	off := 0 // bytes of f copied so far
	for j := 0; j < k; j++ {
		n.txNFree--
		i := n.txFree[n.txNFree]
		if j > 0 {
			n.txNext[prev] = i
		}
		prev = i
		b := n.txBuf[i]
		room := netBufSize
		if j == 0 {
			copyToPhys(b, hb[:])
			b += netHdrLen
			room -= netHdrLen
		}
		m := min(room, len(f)-off)
		copyToPhys(b, f[off:off+m])
		off += m
		bufs[j] = Buf{Addr: n.txBuf[i], Len: uint32(netBufSize - room + m)}
	}
	n.txLen[head] = uint8(k)
	if !n.tx.Add(Phys{}, bufs[:k], uint32(head)) {
		netFreeTxChain(head) // cannot happen: descriptors were checked
		return false
	}
	return true
}

// netFreeTxChain puts the buffers of the chain starting at head back on the free list.
func netFreeTxChain(head uint16) {
	n := &net
	i := head
	for j := 0; j < int(n.txLen[head]); j++ {
		n.txFree[n.txNFree] = i
		n.txNFree++
		i = n.txNext[i]
	}
}

// NetTxRoom returns how many frames NetTransmit can take now.
func NetTxRoom() int {
	netReclaimTx()
	return net.txNFree
}

// NetTxFitsHdr reports whether NetTransmitHdr can take frame f (header included) now:
// a TSO segment needs a chain of up to netMaxChain buffers, so one free buffer is not
// enough. A broken queue takes nothing.
func NetTxFitsHdr(f []byte) bool {
	if !net.present || net.tx.Broken {
		return false
	}
	netReclaimTx()
	k := (len(f) + netBufSize - 1) / netBufSize
	return net.txNFree >= k && net.tx.NumFree() >= k
}

// netReclaimTx returns completed transmit buffers to the free list; it reports whether
// there were any.
func netReclaimTx() bool {
	n := &net
	any := false
	for {
		tok, _, ok := n.tx.PopUsed(Phys{})
		if !ok {
			return any
		}
		if tok < netTxBufs && n.txLen[tok] != 0 && n.txNFree+int(n.txLen[tok]) <= netTxBufs {
			netFreeTxChain(uint16(tok))
			n.txLen[tok] = 0
		}
		any = true
	}
}

// NetRxReady reports whether a received frame is waiting.
func NetRxReady() bool { return net.present && net.rx.HasUsed(Phys{}) }

// netRxFrameLen checks the length the device reports for a receive buffer (written: the
// virtio_net_hdr and the frame) and returns how many frame bytes to copy into a buffer of
// capacity bytes. The device's word is not trusted: a length past the end of our 2 KiB
// buffer would copy whatever lies beyond it, so such completions are dropped (ok false),
// as are those too short for the header and an Ethernet header. A frame longer than
// capacity is cut to capacity.
func netRxFrameLen(written uint32, capacity int) (n int, ok bool) {
	if written < netHdrLen+netEthHdrLen || written > netBufSize {
		return 0, false
	}
	n = int(written) - netHdrLen
	if n > capacity {
		n = capacity
	}
	if n < 0 {
		n = 0
	}
	return n, true
}

// NetReceive copies the next received frame into buf (which should hold NetMaxFrame
// bytes; a longer frame is truncated) and returns its length. ok is false if no frame is
// waiting. The receive buffer goes straight back to the device.
func NetReceive(buf []byte) (int, bool) { return netReceive(buf, false) }

// NetReceiveHdr is NetReceive with the device's struct virtio_net_hdr (NetHdrLen bytes)
// before the frame in buf; it returns the length of both. buf should hold NetHdrLen +
// NetMaxRxFrame bytes (a longer frame is cut). A frame spanning several buffers
// (MRG_RXBUF) comes out whole. With GUEST_CSUM the header's flags say whether the device vouches
// for the frame's checksum (DATA_VALID) or left a partial one (NEEDS_CSUM).
func NetReceiveHdr(buf []byte) (int, bool) { return netReceive(buf, true) }

func netReceive(buf []byte, withHdr bool) (int, bool) {
	n := &net
	if !n.present {
		return 0, false
	}
	for {
		tok, written, ok := n.rx.PopUsed(Phys{})
		if !ok {
			return 0, false
		}
		if tok >= netRxBufs {
			n.stats.RxDropped++
			continue
		}
		b := n.rxBuf[tok]
		_, valid := netRxFrameLen(written, 0)
		var hb [netHdrLen]byte
		nb := 1 // buffers the packet spans (num_buffers with MRG_RXBUF)
		// Read num_buffers even when the packet will be dropped for a short first
		// buffer: its other buffers must not pass for packets of their own.
		if written >= netHdrLen && written <= netBufSize {
			copyFromPhys(hb[:], b)
			if n.features&netFMrgRxbuf != 0 {
				nb = int(hb[10]) | int(hb[11])<<8
				if nb < 1 || nb > netRxBufs {
					// The device broke §5.1.6.3.1 (num_buffers is at least 1, and we
					// posted netRxBufs): which completions belong to this packet is
					// unknowable now.
					n.rx.Broken = true
					n.stats.RxDropped++
					return 0, false
				}
			}
		}
		out := 0 // bytes copied into buf
		if withHdr {
			if len(buf) < netHdrLen {
				valid = false // no room for the header: drop rather than write past buf
			} else if valid {
				copy(buf, hb[:])
				out = netHdrLen
			}
		}
		if valid {
			out = netRxCopy(buf, out, b+netHdrLen, int(written)-netHdrLen)
		}
		netRxRepost(tok)
		// §5.1.6.4.2: the device uses all of a packet's buffers together, so the rest
		// are in the used ring already; each holds only frame bytes.
		for j := 1; j < nb; j++ {
			t2, w2, ok := n.rx.PopUsed(Phys{})
			if !ok || t2 >= netRxBufs {
				n.rx.Broken = true
				n.stats.RxDropped++
				return 0, false
			}
			if w2 > netBufSize {
				valid = false // not trusted: past our buffer
			}
			if valid {
				out = netRxCopy(buf, out, n.rxBuf[t2], int(w2))
			}
			netRxRepost(uint32(t2))
		}
		n.rx.Publish(Phys{})
		if n.rx.NeedNotify(Phys{}) {
			n.t.Notify(&n.rx)
		}
		if !valid {
			n.stats.RxDropped++
			continue
		}
		n.stats.RxFrames++
		if nb > 1 {
			n.stats.RxMerged++
		}
		if withHdr && buf[0]&(NetHdrDataValid|NetHdrNeedsCsum) != 0 {
			n.stats.RxCsumValid++
		}
		return out, true
	}
}

// netRxCopy copies l bytes from pa into buf at out, cut to what buf holds, and returns
// the new end.
func netRxCopy(buf []byte, out int, pa uint64, l int) int {
	m := min(l, len(buf)-out)
	if m <= 0 {
		return out
	}
	copyFromPhys(buf[out:out+m], pa)
	return out + m
}

// netRxRepost gives receive buffer tok back to the device (published by the caller).
func netRxRepost(tok uint32) {
	net.rx.Add(Phys{}, []Buf{{Addr: net.rxBuf[tok], Len: netBufSize, Writes: true}}, tok)
}
