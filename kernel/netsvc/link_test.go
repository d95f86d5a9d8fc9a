package netsvc

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/unigo-os/unigo/kernel/abi/unet"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/channel"
	"gvisor.dev/gvisor/pkg/tcpip/link/ethernet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

var (
	testLocal  = tcpip.AddrFrom4([4]byte{10, 0, 0, 1})
	testRemote = tcpip.AddrFrom4([4]byte{10, 0, 0, 2})
	testMAC    = tcpip.LinkAddress("\x52\x54\x00\x00\x00\x01")
	peerMAC    = tcpip.LinkAddress("\x52\x54\x00\x00\x00\x02")
)

// testLink builds a stack whose NIC is a linkEP over a channel endpoint, as newStack
// does, and points the package's link at it.
func testLink(t *testing.T, offloads uint32) *stack.Stack {
	t.Helper()
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol},
	})
	oldCh, oldEP, oldOff := link.ch, link.ep, link.offloads
	t.Cleanup(func() {
		s.Destroy()
		link.ch, link.ep, link.offloads = oldCh, oldEP, oldOff
	})
	link.ch = channel.New(256, 1500, testMAC)
	link.ep = &linkEP{Endpoint: link.ch, tso: useTSO(offloads)}
	link.offloads = offloads
	if err := s.CreateNIC(nicEther, ethernet.New(link.ep)); err != nil {
		t.Fatal(err)
	}
	ap := tcpip.AddressWithPrefix{Address: testLocal, PrefixLen: 24}
	if err := s.AddProtocolAddress(nicEther, tcpip.ProtocolAddress{Protocol: ipv4.ProtocolNumber, AddressWithPrefix: ap}, stack.AddressProperties{}); err != nil {
		t.Fatal(err)
	}
	s.SetRouteTable([]tcpip.Route{{Destination: ap.Subnet(), NIC: nicEther}})
	s.AddStaticNeighbor(nicEther, ipv4.ProtocolNumber, testRemote, peerMAC)
	return s
}

// readLink waits up to d for the next outbound packet.
func readLink(d time.Duration) *stack.PacketBuffer {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return link.ch.ReadContext(ctx)
}

// frameOf is what WriteNotify hands the kernel for pkt: header, then frame.
func frameOf(pkt *stack.PacketBuffer) (unet.VnetHdr, []byte) {
	h := txHdr(pkt.GSOOptions, len(pkt.LinkHeader().Slice()), len(pkt.NetworkHeader().Slice()),
		len(pkt.TransportHeader().Slice()), pkt.Data().Size())
	v := pkt.ToView()
	defer v.Release()
	return h, append([]byte(nil), v.AsSlice()...)
}

// finishCsum does what the device does for NEEDS_CSUM: checksum from CsumStart to the end
// (the field holds the pseudo-header sum) and store the complement at CsumStart+CsumOffset.
func finishCsum(h unet.VnetHdr, f []byte) {
	at := int(h.CsumStart) + int(h.CsumOffset)
	sum := checksum.Checksum(f[h.CsumStart:], 0)
	binary.BigEndian.PutUint16(f[at:], ^sum)
}

// With TSO, netstack's TCP hands the link segments longer than the MSS with a
// pseudo-header checksum, and the header txHdr writes makes the device finish it into a
// valid checksum and split the segment at the MSS.
func TestTxHdrAsksTheDeviceToFinishAndSplitTCPSegments(t *testing.T) {
	s := testLink(t, unet.OffTxCsum|unet.OffRxCsum|unet.OffTSO4|unet.OffTSO6)
	var wq waiter.Queue
	ep, err := s.NewEndpoint(tcp.ProtocolNumber, ipv4.ProtocolNumber, &wq)
	if err != nil {
		t.Fatal(err)
	}
	defer ep.Close()
	ep.Connect(tcpip.FullAddress{NIC: nicEther, Addr: testRemote, Port: 80})
	syn := readLink(time.Second)
	if syn == nil {
		t.Fatal("no SYN on the link")
	}
	_, sf := frameOf(syn)
	syn.DecRef()
	ip := header.IPv4(sf[header.EthernetMinimumSize:])
	th := header.TCP(ip.Payload())
	// The peer answers with a SYN-ACK (MSS 1460, window 64 KiB scaled by 2^7).
	deliverFrame(tcpSegment(80, th.SourcePort(), 1000, th.SequenceNumber()+1, header.TCPFlagSyn|header.TCPFlagAck,
		[]byte{2, 4, 0x05, 0xb4, 1, 3, 3, 7}, nil))
	ack := readLink(time.Second)
	if ack == nil {
		t.Fatal("no ACK for the SYN-ACK")
	}
	ack.DecRef()
	data := make([]byte, 8000) // within the initial congestion window: no ACKs needed
	for i := range data {
		data[i] = byte(i * 7)
	}
	if _, err := ep.Write(bytes.NewReader(data), tcpip.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	var got []byte
	sawTSO := false
	for len(got) < len(data) {
		pkt := readLink(time.Second)
		if pkt == nil {
			t.Fatalf("only %d of %d bytes reached the link", len(got), len(data))
		}
		h, f := frameOf(pkt)
		pkt.DecRef()
		ip := header.IPv4(f[header.EthernetMinimumSize:])
		th := header.TCP(ip.Payload())
		if h.Flags != unet.HdrNeedsCsum || int(h.CsumStart) != header.EthernetMinimumSize+int(ip.HeaderLength()) ||
			h.CsumOffset != header.TCPChecksumOffset {
			t.Fatalf("data segment header %+v: want NEEDS_CSUM at the TCP checksum", h)
		}
		if h.GSOType != unet.GSONone {
			sawTSO = true
			if h.GSOType != unet.GSOTCPv4 || h.GSOSize == 0 || int(h.HdrLen) != int(h.CsumStart)+int(th.DataOffset()) {
				t.Fatalf("TSO header %+v for a segment with a %d-byte TCP header", h, th.DataOffset())
			}
		}
		if !ip.IsChecksumValid() {
			t.Fatal("IPv4 header checksum invalid: the device does not compute it")
		}
		finishCsum(h, f)
		pl := th.Payload()
		if !th.IsChecksumValid(ip.SourceAddress(), ip.DestinationAddress(), checksum.Checksum(pl, 0), uint16(len(pl))) {
			t.Fatalf("after the device's step the TCP checksum %#x of a %d-byte segment is invalid", th.Checksum(), len(pl))
		}
		got = append(got, th.Payload()...)
	}
	if !sawTSO {
		t.Error("8,000 bytes went out without a single TSO segment")
	}
	if string(got) != string(data) {
		t.Error("the payload differs")
	}
}

// tcpSegment builds a received frame (zero VnetHdr, Ethernet, IPv4, TCP) from the peer.
func tcpSegment(src, dst uint16, seq, ack uint32, flags header.TCPFlags, opts, payload []byte) []byte {
	tl := header.TCPMinimumSize + len(opts)
	f := make([]byte, unet.VnetHdrLen+header.EthernetMinimumSize+header.IPv4MinimumSize+tl+len(payload))
	e := header.Ethernet(f[unet.VnetHdrLen:])
	e.Encode(&header.EthernetFields{SrcAddr: peerMAC, DstAddr: testMAC, Type: header.IPv4ProtocolNumber})
	ip := header.IPv4(e[header.EthernetMinimumSize:])
	ip.Encode(&header.IPv4Fields{TotalLength: uint16(len(ip)), TTL: 64, Protocol: uint8(header.TCPProtocolNumber),
		SrcAddr: testRemote, DstAddr: testLocal})
	ip.SetChecksum(^ip.CalculateChecksum())
	th := header.TCP(ip.Payload())
	th.Encode(&header.TCPFields{SrcPort: src, DstPort: dst, SeqNum: seq, AckNum: ack, DataOffset: uint8(tl), Flags: flags, WindowSize: 0xffff})
	copy(th[header.TCPMinimumSize:], opts)
	copy(th[tl:], payload)
	xsum := header.PseudoHeaderChecksum(header.TCPProtocolNumber, testRemote, testLocal, uint16(len(th)))
	th.SetChecksum(^th.CalculateChecksum(checksum.Checksum(payload, xsum)))
	return f
}

// Without offloads (QEMU's user network) every frame carries a complete checksum and
// flags 0, as before.
func TestTxHdrIsEmptyWithoutOffloads(t *testing.T) {
	s := testLink(t, 0)
	var wq waiter.Queue
	ep, err := s.NewEndpoint(tcp.ProtocolNumber, ipv4.ProtocolNumber, &wq)
	if err != nil {
		t.Fatal(err)
	}
	defer ep.Close()
	ep.Connect(tcpip.FullAddress{NIC: nicEther, Addr: testRemote, Port: 80})
	pkt := readLink(time.Second)
	if pkt == nil {
		t.Fatal("no SYN on the link")
	}
	defer pkt.DecRef()
	h, f := frameOf(pkt)
	if h != (unet.VnetHdr{}) {
		t.Fatalf("header %+v without offloads, want zero", h)
	}
	ip := header.IPv4(f[header.EthernetMinimumSize:])
	if !header.TCP(ip.Payload()).IsChecksumValid(ip.SourceAddress(), ip.DestinationAddress(), 0, 0) {
		t.Fatal("TCP checksum invalid without offloads")
	}
}

// A segment with more payload than the MSS becomes a TSO request; one that fits stays a
// plain frame with NEEDS_CSUM; GSO options netstack did not ask the device for give
// flags 0.
func TestTxHdrSegments(t *testing.T) {
	g4 := stack.GSO{Type: stack.GSOTCPv4, NeedsCsum: true, CsumOffset: 16, MSS: 1448, L3HdrLen: 20, MaxSize: gsoMaxSize}
	g6 := g4
	g6.Type = stack.GSOTCPv6
	cases := []struct {
		g                       stack.GSO
		link, net, tcp, payload int
		want                    unet.VnetHdr
	}{
		{g4, 14, 20, 32, 30000, unet.VnetHdr{Flags: unet.HdrNeedsCsum, GSOType: unet.GSOTCPv4, HdrLen: 66, GSOSize: 1448, CsumStart: 34, CsumOffset: 16}},
		{g6, 14, 40, 32, 30000, unet.VnetHdr{Flags: unet.HdrNeedsCsum, GSOType: unet.GSOTCPv6, HdrLen: 86, GSOSize: 1448, CsumStart: 54, CsumOffset: 16}},
		{g4, 14, 20, 32, 1448, unet.VnetHdr{Flags: unet.HdrNeedsCsum, CsumStart: 34, CsumOffset: 16}},
		{g4, 14, 24, 32, 0, unet.VnetHdr{Flags: unet.HdrNeedsCsum, CsumStart: 38, CsumOffset: 16}}, // IP options
		{stack.GSO{}, 14, 20, 20, 100, unet.VnetHdr{}},
		{stack.GSO{Type: stack.GSOGvisor, MSS: 1448}, 14, 20, 20, 30000, unet.VnetHdr{}},
		{stack.GSO{Type: stack.GSOTCPv4, MSS: 1448}, 14, 20, 20, 30000, unet.VnetHdr{}}, // no NeedsCsum
	}
	for _, c := range cases {
		if got := txHdr(c.g, c.link, c.net, c.tcp, c.payload); got != c.want {
			t.Errorf("txHdr(%+v, %d, %d, %d, %d) = %+v, want %+v", c.g, c.link, c.net, c.tcp, c.payload, got, c.want)
		}
	}
	b := make([]byte, unet.VnetHdrLen)
	putVnetHdr(b, cases[0].want)
	if want := []byte{1, 1, 66, 0, 0xa8, 5, 34, 0, 16, 0, 0, 0}; string(b) != string(want) {
		t.Errorf("putVnetHdr = % x, want % x", b, want)
	}
}

// tcpFrame builds an Ethernet frame carrying a TCP SYN from the peer to port 80, with a
// wrong checksum if bad.
func tcpFrame(bad bool) []byte {
	f := make([]byte, unet.VnetHdrLen+header.EthernetMinimumSize+header.IPv4MinimumSize+header.TCPMinimumSize)
	e := header.Ethernet(f[unet.VnetHdrLen:])
	e.Encode(&header.EthernetFields{SrcAddr: peerMAC, DstAddr: testMAC, Type: header.IPv4ProtocolNumber})
	ip := header.IPv4(e[header.EthernetMinimumSize:])
	ip.Encode(&header.IPv4Fields{TotalLength: uint16(len(ip)), TTL: 64, Protocol: uint8(header.TCPProtocolNumber),
		SrcAddr: testRemote, DstAddr: testLocal})
	ip.SetChecksum(^ip.CalculateChecksum())
	th := header.TCP(ip.Payload())
	th.Encode(&header.TCPFields{SrcPort: 4000, DstPort: 80, SeqNum: 1, DataOffset: header.TCPMinimumSize, Flags: header.TCPFlagSyn, WindowSize: 1000})
	xsum := header.PseudoHeaderChecksum(header.TCPProtocolNumber, testRemote, testLocal, uint16(len(th)))
	th.SetChecksum(^th.CalculateChecksum(xsum))
	if bad {
		th.SetChecksum(th.Checksum() + 1)
	}
	return f
}

// Frames the device vouched for (DATA_VALID, or NEEDS_CSUM with a partial checksum) skip
// netstack's TCP checksum; others are verified, and a frame's flags mean nothing unless
// receive checksum offload was negotiated.
func TestDeliverFrameSkipsVerificationOnlyForFramesTheDeviceVouchedFor(t *testing.T) {
	for _, c := range []struct {
		name     string
		offloads uint32
		flags    uint8
		accepted bool
	}{
		{"no flags", unet.OffRxCsum, 0, false},
		{"DATA_VALID", unet.OffRxCsum, unet.HdrDataValid, true},
		{"NEEDS_CSUM", unet.OffRxCsum, unet.HdrNeedsCsum, true},
		{"DATA_VALID without GUEST_CSUM", 0, unet.HdrDataValid, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := testLink(t, c.offloads)
			var wq waiter.Queue
			ep, err := s.NewEndpoint(tcp.ProtocolNumber, ipv4.ProtocolNumber, &wq)
			if err != nil {
				t.Fatal(err)
			}
			defer ep.Close()
			if err := ep.Bind(tcpip.FullAddress{Port: 80}); err != nil {
				t.Fatal(err)
			}
			if err := ep.Listen(1); err != nil {
				t.Fatal(err)
			}
			f := tcpFrame(true)
			f[0] = c.flags
			deliverFrame(f)
			if link.ep.rxValid.Load() {
				t.Fatal("rxValid left set after delivery")
			}
			errs := s.Stats().TCP.ChecksumErrors.Value()
			wait := 200 * time.Millisecond
			if c.accepted {
				wait = 2 * time.Second
			}
			pkt := readLink(wait) // a SYN-ACK if the SYN was taken
			if pkt != nil {
				pkt.DecRef()
			}
			if accepted := pkt != nil; accepted != c.accepted || (errs == 0) != c.accepted {
				t.Errorf("bad-checksum SYN: answered %v, checksum errors %d; want answered %v", accepted, errs, c.accepted)
			}
			if pkt == nil {
				// An honest frame is still taken.
				deliverFrame(tcpFrame(false))
				if p := readLink(2 * time.Second); p == nil {
					t.Error("a good SYN got no answer")
				} else {
					p.DecRef()
				}
			}
		})
	}
}
