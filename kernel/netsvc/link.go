package netsvc

// The stack: a loopback NIC and, when the machine has a virtio-net device, an Ethernet
// NIC over it. Outbound frames go to the device from the goroutine that wrote them
// (channel endpoint's write notification); inbound frames come from ctlLoop.
//
// Offloads (unet.Info.Offloads, what the device agreed to): every frame crosses the
// kernel boundary behind a unet.VnetHdr. With TSO for both IPv4 and IPv6 (which QEMU
// offers only with checksum offload, on a tap with vnet_hdr=on), the NIC reports
// netstack's host GSO: TCP hands the link segments of up to gsoMaxSize bytes with a
// pseudo-header checksum (stack.GSO.NeedsCsum), and txHdr asks the device to finish the
// checksum and split the segment. Checksum offload alone is not used: netstack's
// CapabilityTXChecksumOffload leaves the checksum field empty, while virtio wants the
// pseudo-header sum there; so UDP, ICMP and TCP without TSO carry full checksums as
// before. With receive checksum offload, frames the device marks DATA_VALID or
// NEEDS_CSUM skip netstack's verification (see linkEP.rxValid).

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/unigo-os/unigo/kernel/abi/unet"
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/channel"
	"gvisor.dev/gvisor/pkg/tcpip/link/ethernet"
	"gvisor.dev/gvisor/pkg/tcpip/link/loopback"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
)

const (
	nicLoopback = 1
	nicEther    = 2
)

var link struct {
	ch       *channel.Endpoint
	ep       *linkEP // ch as the NIC sees it
	mac      [6]byte
	offloads uint32 // unet.Off* bits

	txMu  sync.Mutex
	txBuf [][]byte
	txIov []syscall.Iovec
}

// readCmdline returns the kernel options (key=value tokens of the kernel command line,
// which the kernel gives the service through unigo_net_cmdline).
func readCmdline() map[string]string {
	m := map[string]string{}
	line, err := kernelCmdline()
	if err != nil {
		fmt.Fprintln(os.Stderr, "unigo: netsvc: kernel command line:", err)
		return m
	}
	for _, tok := range strings.Fields(line) {
		k, v, _ := strings.Cut(tok, "=")
		m[k] = v
		if v == "" {
			m[k] = "1"
		}
	}
	return m
}

func newStack(cmd map[string]string) (*stack.Stack, error) {
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol, ipv6.NewProtocol, arp.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol, icmp.NewProtocol4, icmp.NewProtocol6},
		HandleLocal:        true,
	})
	sack := tcpip.TCPSACKEnabled(true)
	s.SetTransportProtocolOption(tcp.ProtocolNumber, &sack)

	if err := s.CreateNIC(nicLoopback, loopback.New()); err != nil {
		return nil, fmt.Errorf("loopback NIC: %v", err)
	}
	lo4 := tcpip.AddressWithPrefix{Address: tcpip.AddrFrom4([4]byte{127, 0, 0, 1}), PrefixLen: 8}
	lo6 := tcpip.AddressWithPrefix{Address: tcpip.AddrFrom16([16]byte{15: 1}), PrefixLen: 128}
	s.AddProtocolAddress(nicLoopback, tcpip.ProtocolAddress{Protocol: ipv4.ProtocolNumber, AddressWithPrefix: lo4}, stack.AddressProperties{})
	s.AddProtocolAddress(nicLoopback, tcpip.ProtocolAddress{Protocol: ipv6.ProtocolNumber, AddressWithPrefix: lo6}, stack.AddressProperties{})
	routes := []tcpip.Route{
		{Destination: lo4.Subnet(), NIC: nicLoopback},
		{Destination: lo6.Subnet(), NIC: nicLoopback},
	}

	var info unet.Info
	if err := netInfo(&info); err != nil || info.Present == 0 {
		s.SetRouteTable(routes)
		return s, nil
	}
	link.mac = info.MAC
	link.offloads = info.Offloads
	link.ch = channel.New(256, info.MTU, tcpip.LinkAddress(info.MAC[:]))
	link.ch.AddNotify(txNotify{})
	link.ep = &linkEP{Endpoint: link.ch, tso: useTSO(info.Offloads)}
	debugf("offloads: %s", offloadNames(info.Offloads))
	if err := s.CreateNIC(nicEther, ethernet.New(link.ep)); err != nil {
		return nil, fmt.Errorf("ethernet NIC: %v", err)
	}
	cfg, err := netConfig(cmd)
	if err != nil {
		return nil, err
	}
	if cfg.addr.IsValid() {
		a := tcpip.AddrFromSlice(cfg.addr.Addr().AsSlice())
		proto := ipv4.ProtocolNumber
		if cfg.addr.Addr().Is6() {
			proto = ipv6.ProtocolNumber
		}
		ap := tcpip.AddressWithPrefix{Address: a, PrefixLen: cfg.addr.Bits()}
		if err := s.AddProtocolAddress(nicEther, tcpip.ProtocolAddress{Protocol: proto, AddressWithPrefix: ap}, stack.AddressProperties{}); err != nil {
			return nil, fmt.Errorf("address %v: %v", cfg.addr, err)
		}
		routes = append(routes, tcpip.Route{Destination: ap.Subnet(), NIC: nicEther})
		if cfg.gw.IsValid() {
			gw := tcpip.AddrFromSlice(cfg.gw.AsSlice())
			if cfg.gw.Is4() {
				routes = append(routes, tcpip.Route{Destination: header.IPv4EmptySubnet, Gateway: gw, NIC: nicEther})
			} else {
				routes = append(routes, tcpip.Route{Destination: header.IPv6EmptySubnet, Gateway: gw, NIC: nicEther})
			}
		}
	}
	s.SetRouteTable(routes)
	writeResolvConf(cfg.dns)
	debugf("nic %x addr %v gw %v dns %v (%s)", info.MAC, cfg.addr, cfg.gw, cfg.dns, cfg.source)
	return s, nil
}

// gsoMaxSize is the largest TCP segment (headers included) netstack hands the link with
// TSO. unet.MaxGSOFrame leaves room for the Ethernet header and netstack's slack.
const gsoMaxSize = 32768

// useTSO reports whether the NIC takes netstack's host GSO: only with TSO for both
// families (netstack's GSO support is not per family), which implies checksum offload.
func useTSO(off uint32) bool {
	return off&(unet.OffTxCsum|unet.OffTSO4|unet.OffTSO6) == unet.OffTxCsum|unet.OffTSO4|unet.OffTSO6
}

// offloadNames lists the offload bits for the debug log: "tx-csum rx-csum tso4 tso6
// mrg-rxbuf rx-tso4 rx-tso6" on a tap.
func offloadNames(off uint32) string {
	var n []string
	for _, o := range []struct {
		bit  uint32
		name string
	}{{unet.OffTxCsum, "tx-csum"}, {unet.OffRxCsum, "rx-csum"}, {unet.OffTSO4, "tso4"}, {unet.OffTSO6, "tso6"},
		{unet.OffRxMrg, "mrg-rxbuf"}, {unet.OffRxTSO4, "rx-tso4"}, {unet.OffRxTSO6, "rx-tso6"}} {
		if off&o.bit != 0 {
			n = append(n, o.name)
		}
	}
	if len(n) == 0 {
		return "none"
	}
	return strings.Join(n, " ")
}

// linkEP is the channel endpoint as netstack's NIC sees it, with the device's offloads.
type linkEP struct {
	*channel.Endpoint
	tso bool // report host GSO (see useTSO)

	// rxValid is true while deliverFrame injects a frame the device vouched for.
	// Netstack's NIC sets each inbound packet's RXChecksumValidated from the link's
	// Capabilities() (nic.go, DeliverNetworkPacket), overwriting anything the link set
	// on the packet, so the per-frame answer has to come through Capabilities. That is
	// sound because only ctlLoop delivers frames, one at a time and synchronously
	// (channel.InjectInbound), and the transmit paths that call Capabilities
	// concurrently look only at its TX bits.
	rxValid atomic.Bool
}

// Capabilities implements stack.LinkEndpoint.
func (e *linkEP) Capabilities() stack.LinkEndpointCapabilities {
	c := e.Endpoint.Capabilities()
	if e.rxValid.Load() {
		c |= stack.CapabilityRXChecksumOffload
	}
	return c
}

// SupportedGSO implements stack.GSOEndpoint.
func (e *linkEP) SupportedGSO() stack.SupportedGSO {
	if e.tso {
		return stack.HostGSOSupported
	}
	return stack.GSONotSupported
}

// GSOMaxSize implements stack.GSOEndpoint.
func (e *linkEP) GSOMaxSize() uint32 {
	if e.tso {
		return gsoMaxSize
	}
	return 0
}

// txHdr returns the virtio-net header for an outbound packet with GSO options g whose
// link, network and transport headers are linkLen, netLen and tcpLen bytes long and
// whose payload is payload bytes. Host GSO gives every TCP packet a pseudo-header
// checksum (g.NeedsCsum), so each asks the device to finish it (NEEDS_CSUM from the
// transport header); one with more payload than an MSS is also a TSO segment. Packets
// without GSO carry complete checksums and get flags 0.
func txHdr(g stack.GSO, linkLen, netLen, tcpLen, payload int) unet.VnetHdr {
	if g.Type == stack.GSONone || g.Type == stack.GSOGvisor || !g.NeedsCsum {
		return unet.VnetHdr{}
	}
	start := linkLen + netLen
	h := unet.VnetHdr{Flags: unet.HdrNeedsCsum, CsumStart: uint16(start), CsumOffset: g.CsumOffset}
	if payload > int(g.MSS) && g.MSS > 0 {
		switch g.Type {
		case stack.GSOTCPv4:
			h.GSOType = unet.GSOTCPv4
		case stack.GSOTCPv6:
			h.GSOType = unet.GSOTCPv6
		}
		h.HdrLen = uint16(start + tcpLen)
		h.GSOSize = g.MSS
	}
	return h
}

// putVnetHdr encodes h into b[:unet.VnetHdrLen] (little-endian, as the kernel reads it).
func putVnetHdr(b []byte, h unet.VnetHdr) {
	b[0], b[1] = h.Flags, h.GSOType
	binary.LittleEndian.PutUint16(b[2:], h.HdrLen)
	binary.LittleEndian.PutUint16(b[4:], h.GSOSize)
	binary.LittleEndian.PutUint16(b[6:], h.CsumStart)
	binary.LittleEndian.PutUint16(b[8:], h.CsumOffset)
	binary.LittleEndian.PutUint16(b[10:], h.NumBuffers)
}

// rxChecksumValid reports whether a received frame's header (the first unet.VnetHdrLen
// bytes the kernel returned) says the device vouched for its checksum. Only with receive
// checksum offload negotiated: without it the flags mean nothing.
func rxChecksumValid(hdr []byte, offloads uint32) bool {
	return offloads&unet.OffRxCsum != 0 && hdr[0]&(unet.HdrDataValid|unet.HdrNeedsCsum) != 0
}

// txNotify sends what the stack queued on the channel endpoint.
type txNotify struct{}

func (txNotify) WriteNotify() {
	link.txMu.Lock()
	defer link.txMu.Unlock()
	for {
		link.txBuf = link.txBuf[:0]
		link.txIov = link.txIov[:0]
		var pkts []*stack.PacketBuffer
		for len(pkts) < 64 {
			pkt := link.ch.Read()
			if pkt == nil {
				break
			}
			pkts = append(pkts, pkt)
		}
		if len(pkts) == 0 {
			return
		}
		for _, pkt := range pkts {
			h := txHdr(pkt.GSOOptions, len(pkt.LinkHeader().Slice()), len(pkt.NetworkHeader().Slice()),
				len(pkt.TransportHeader().Slice()), pkt.Data().Size())
			v := pkt.ToView()
			b := v.AsSlice()
			frame := make([]byte, unet.VnetHdrLen+len(b))
			putVnetHdr(frame, h)
			copy(frame[unet.VnetHdrLen:], b)
			v.Release()
			pkt.DecRef()
			link.txBuf = append(link.txBuf, frame)
			link.txIov = append(link.txIov, syscall.Iovec{Base: &frame[0], Len: uint64(len(frame))})
		}
		frameTx(link.txIov)
	}
}

// deliverFrame hands a received frame (a unet.VnetHdr, then the Ethernet frame) to the
// stack.
func deliverFrame(f []byte) {
	if link.ch == nil || len(f) < unet.VnetHdrLen+header.EthernetMinimumSize {
		return
	}
	valid := rxChecksumValid(f, link.offloads)
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(f[unet.VnetHdrLen:])})
	link.ep.rxValid.Store(valid)
	link.ch.InjectInbound(0, pkt)
	link.ep.rxValid.Store(false)
	pkt.DecRef()
}

type netCfg struct {
	addr   netip.Prefix
	gw     netip.Addr
	dns    []netip.Addr
	source string
}

// netConfig reads unigo.ip/gw/dns, or asks DHCP.
func netConfig(cmd map[string]string) (netCfg, error) {
	var c netCfg
	for _, d := range strings.Split(cmd["unigo.dns"], ",") {
		if a, err := netip.ParseAddr(d); err == nil {
			c.dns = append(c.dns, a)
		}
	}
	if v := cmd["unigo.ip"]; v != "" {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return c, fmt.Errorf("unigo.ip=%s: %v", v, err)
		}
		c.addr = p
		c.source = "static"
		if g := cmd["unigo.gw"]; g != "" {
			if c.gw, err = netip.ParseAddr(g); err != nil {
				return c, fmt.Errorf("unigo.gw=%s: %v", g, err)
			}
		}
		return c, nil
	}
	d, err := dhcp()
	if err != nil {
		// QEMU's user network hands out fixed addresses: use them rather than nothing.
		fmt.Fprintf(os.Stderr, "unigo: netsvc: DHCP: %v; assuming QEMU user networking (10.0.2.15/24)\n", err)
		d = netCfg{addr: netip.MustParsePrefix("10.0.2.15/24"), gw: netip.MustParseAddr("10.0.2.2"),
			dns: []netip.Addr{netip.MustParseAddr("10.0.2.3")}, source: "fallback"}
	}
	if len(c.dns) == 0 {
		c.dns = d.dns
	}
	c.addr, c.gw, c.source = d.addr, d.gw, d.source
	return c, nil
}

// writeResolvConf makes sure Go's resolver asks the name servers dns (from unigo.dns or
// DHCP). The root file system is read-only, so the CLI packs them into /etc/resolv.conf
// for --dns, and its default names QEMU user networking's 10.0.2.3, which QEMU's DHCP
// server hands out too: then there is nothing to do. Otherwise (a DHCP server on a tap
// naming others, a prebuilt image run with --dns) the service tries to write the file
// and says so if it cannot.
func writeResolvConf(dns []netip.Addr) {
	if len(dns) == 0 {
		return
	}
	cur, _ := os.ReadFile("/etc/resolv.conf")
	if namesAll(resolvServers(cur), dns) {
		return
	}
	var b strings.Builder
	for _, d := range dns {
		fmt.Fprintf(&b, "nameserver %v\n", d)
	}
	os.MkdirAll("/etc", 0o755)
	if err := os.WriteFile("/etc/resolv.conf", []byte(b.String()), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "unigo: netsvc: name servers %v are not in /etc/resolv.conf, which cannot be changed (%v); "+
			"the resolver asks %v (with unigo run PACKAGE --dns, the CLI packs them)\n", dns, err, resolvServers(cur))
	}
}

// resolvServers returns the nameserver lines of a resolv.conf.
func resolvServers(conf []byte) []netip.Addr {
	var out []netip.Addr
	for _, line := range strings.Split(string(conf), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "nameserver" {
			if a, err := netip.ParseAddr(f[1]); err == nil {
				out = append(out, a)
			}
		}
	}
	return out
}

// namesAll reports whether have lists every address of want, in want's order first.
func namesAll(have, want []netip.Addr) bool {
	if len(have) < len(want) {
		return false
	}
	for i := range want {
		if have[i] != want[i] {
			return false
		}
	}
	return true
}
