package virtio

// The network device (§5.1), carrying raw Ethernet frames for the kernel's link endpoint.
//
// Negotiated features: VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC (the address QEMU assigns),
// VIRTIO_NET_F_STATUS (link state). Not negotiated, on purpose:
//   - CSUM/GUEST_CSUM and every GSO/TSO bit: the frames above us carry full checksums and
//     are at most one MTU; offloads come with the netstack's GSO support.
//   - MRG_RXBUF: without GUEST_TSO every frame fits one 2 KiB receive buffer. (With
//     VERSION_1 the header has the num_buffers field anyway, so it is always 12 bytes.)
//   - CTRL_VQ, MQ, EVENT_IDX, INDIRECT_DESC.
//
// Queues: receiveq1 (0) and transmitq1 (1) (§5.1.2). Every buffer is 2 KiB, half a frame:
// a 12-byte struct virtio_net_hdr (§5.1.6) followed by the frame. Receive buffers are all
// posted at start and re-posted as soon as their frame is copied out; transmit buffers
// come from a free list, and many frames go out with one notification.

// Feature bits (§5.1.3).
const (
	netFCsum      = 1 << 0
	netFGuestCsum = 1 << 1
	netFMTU       = 1 << 3
	netFMAC       = 1 << 5
	netFMrgRxbuf  = 1 << 15
	netFStatus    = 1 << 16
	netFCtrlVQ    = 1 << 17

	netWant = netFMAC | netFStatus
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

	stats NetStats
}

// net is written by NetInit, the Net* calls and Interrupt, all with interrupts off.
var net netDev

// NetStats counts what the device did.
type NetStats struct {
	RxFrames, TxFrames uint64
	RxDropped          uint64 // malformed or truncated receive completions
	TxDropped          uint64 // frames too long to send
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

// NetTransmit queues frames for sending with one notification and returns how many it
// consumed from the front of frames: fewer than len(frames) when transmit buffers run out
// (wait for EvNetTx and call again). Each frame is a whole Ethernet frame without FCS;
// frames longer than NetMaxFrame are dropped (and counted as consumed).
func NetTransmit(frames [][]byte) int {
	n := &net
	if !n.present || n.tx.Broken {
		return 0
	}
	netReclaimTx()
	sent := 0
	for _, f := range frames {
		if len(f) > NetMaxFrame {
			n.stats.TxDropped++
			sent++
			continue
		}
		if n.txNFree == 0 {
			break
		}
		n.txNFree--
		i := n.txFree[n.txNFree]
		b := n.txBuf[i]
		zeroPhys(b, netHdrLen) // flags 0, gso_type VIRTIO_NET_HDR_GSO_NONE
		copyToPhys(b+netHdrLen, f)
		if !n.tx.Add(Phys{}, []Buf{{Addr: b, Len: uint32(netHdrLen + len(f))}}, uint32(i)) {
			n.txFree[n.txNFree] = i
			n.txNFree++
			break
		}
		sent++
		n.stats.TxFrames++
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

// NetTxRoom returns how many frames NetTransmit can take now.
func NetTxRoom() int {
	netReclaimTx()
	return net.txNFree
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
		if tok < netTxBufs {
			n.txFree[n.txNFree] = uint16(tok)
			n.txNFree++
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
func NetReceive(buf []byte) (int, bool) {
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
		got, valid := netRxFrameLen(written, len(buf))
		if valid {
			copyFromPhys(buf[:got], b+netHdrLen)
		}
		n.rx.Add(Phys{}, []Buf{{Addr: b, Len: netBufSize, Writes: true}}, tok)
		n.rx.Publish(Phys{})
		if n.rx.NeedNotify(Phys{}) {
			n.t.Notify(&n.rx)
		}
		if !valid {
			n.stats.RxDropped++
			continue
		}
		n.stats.RxFrames++
		return got, true
	}
}
