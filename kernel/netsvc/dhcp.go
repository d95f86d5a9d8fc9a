package netsvc

// A minimal DHCPv4 client (RFC 2131: DISCOVER, OFFER, REQUEST, ACK), speaking raw frames
// to the device before the Ethernet NIC carries traffic. gVisor has no DHCP client. Good
// enough for QEMU's user network and ordinary servers; no renewal (leases from QEMU last
// a day).

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"net/netip"
	"syscall"
	"time"
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/unet"
)

const (
	dhcpDiscover = 1
	dhcpOffer    = 2
	dhcpRequest  = 3
	dhcpAck      = 5
	dhcpNak      = 6
)

func dhcp() (netCfg, error) {
	xid := rand.Uint32()
	var c netCfg
	for attempt := 0; attempt < 3; attempt++ {
		if err := sendDHCP(xid, dhcpDiscover, netip.Addr{}, netip.Addr{}); err != nil {
			return c, err
		}
		offer, server, ok := waitDHCP(xid, dhcpOffer, time.Second)
		if !ok {
			continue
		}
		if err := sendDHCP(xid, dhcpRequest, offer.addr.Addr(), server); err != nil {
			return c, err
		}
		ack, _, ok := waitDHCP(xid, dhcpAck, time.Second)
		if ok {
			ack.source = "dhcp"
			return ack, nil
		}
	}
	return c, errors.New("no answer")
}

func sendDHCP(xid uint32, typ byte, want, server netip.Addr) error {
	b := make([]byte, unet.VnetHdrLen, unet.VnetHdrLen+342) // flags 0: a complete frame
	// Ethernet
	b = append(b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	b = append(b, link.mac[:]...)
	b = append(b, 0x08, 0x00)
	ip := len(b)
	b = append(b, 0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255)
	udp := len(b)
	b = append(b, 0, 68, 0, 67, 0, 0, 0, 0)
	bootp := len(b)
	b = append(b, 1, 1, 6, 0)
	b = binary.BigEndian.AppendUint32(b, xid)
	b = append(b, 0, 0, 0x80, 0) // secs; flags: broadcast
	b = append(b, make([]byte, 16)...)
	b = append(b, link.mac[:]...)
	b = append(b, make([]byte, 10+64+128)...)
	b = append(b, 99, 130, 83, 99)
	b = append(b, 53, 1, typ)
	if want.IsValid() {
		a := want.As4()
		b = append(b, 50, 4, a[0], a[1], a[2], a[3])
	}
	if server.IsValid() {
		a := server.As4()
		b = append(b, 54, 4, a[0], a[1], a[2], a[3])
	}
	b = append(b, 55, 3, 1, 3, 6, 255)
	for len(b)-bootp < 300 {
		b = append(b, 0)
	}
	binary.BigEndian.PutUint16(b[udp+4:], uint16(len(b)-udp))
	binary.BigEndian.PutUint16(b[ip+2:], uint16(len(b)-ip))
	binary.BigEndian.PutUint16(b[ip+10:], ipChecksum(b[ip:udp]))
	_, err := frameTx([]syscall.Iovec{{Base: &b[0], Len: uint64(len(b))}})
	return err
}

func ipChecksum(h []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(h); i += 2 {
		s += uint32(h[i])<<8 | uint32(h[i+1])
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

// waitDHCP waits for a reply of type want to xid; it returns the configuration and the
// server identifier.
func waitDHCP(xid uint32, want byte, timeout time.Duration) (netCfg, netip.Addr, bool) {
	buf := make([]byte, unet.VnetHdrLen+unet.MaxFrame)
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		n, err := frameRx(buf)
		if err != nil {
			time.Sleep(500 * time.Microsecond)
			continue
		}
		if n < unet.VnetHdrLen {
			continue
		}
		if c, srv, typ, ok := parseDHCP(buf[unet.VnetHdrLen:n], xid); ok {
			if typ == want {
				return c, srv, true
			}
			if typ == dhcpNak {
				return c, srv, false
			}
		}
	}
	return netCfg{}, netip.Addr{}, false
}

func parseDHCP(f []byte, xid uint32) (c netCfg, server netip.Addr, typ byte, ok bool) {
	if len(f) < 14+20+8+240 || binary.BigEndian.Uint16(f[12:]) != 0x0800 {
		return
	}
	ip := f[14:]
	ihl := int(ip[0]&15) * 4
	if ip[0]>>4 != 4 || ip[9] != 17 || len(ip) < ihl+8+240 {
		return
	}
	udp := ip[ihl:]
	if binary.BigEndian.Uint16(udp[2:]) != 68 {
		return
	}
	p := udp[8:]
	if p[0] != 2 || binary.BigEndian.Uint32(p[4:]) != xid || [4]byte(p[236:240]) != [4]byte{99, 130, 83, 99} {
		return
	}
	yi := netip.AddrFrom4([4]byte(p[16:20]))
	bits := 24
	opts := p[240:]
	for len(opts) > 0 {
		o := opts[0]
		if o == 255 {
			break
		}
		if o == 0 {
			opts = opts[1:]
			continue
		}
		if len(opts) < 2 || len(opts) < 2+int(opts[1]) {
			break
		}
		v := opts[2 : 2+opts[1]]
		switch {
		case o == 53 && len(v) == 1:
			typ = v[0]
		case o == 1 && len(v) == 4:
			m := binary.BigEndian.Uint32(v)
			bits = 0
			for m&(1<<31) != 0 {
				bits++
				m <<= 1
			}
		case o == 3 && len(v) >= 4:
			c.gw = netip.AddrFrom4([4]byte(v[:4]))
		case o == 6:
			for i := 0; i+4 <= len(v); i += 4 {
				c.dns = append(c.dns, netip.AddrFrom4([4]byte(v[i:i+4])))
			}
		case o == 54 && len(v) == 4:
			server = netip.AddrFrom4([4]byte(v))
		}
		opts = opts[2+len(v):]
	}
	c.addr = netip.PrefixFrom(yi, bits)
	return c, server, typ, typ != 0
}

var _ = unsafe.Sizeof(0)
