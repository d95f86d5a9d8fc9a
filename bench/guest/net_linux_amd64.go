//go:build benchnet

package main

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// linuxModules are the virtio network drivers of Debian's cloud kernel
// (built as modules there), in dependency order. The suite packs them flat
// into the network initramfs as /lib/modules/<name>.ko (bench/prepare.go).
var linuxModules = []string{"virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev",
	"virtio_pci", "virtio_mmio", "failover", "net_failover", "virtio_net"}

// Guest address and gateway on QEMU's user network, as unigo gets them
// through unigo.ip and unigo.gw (bench/vm.go).
var (
	guestIP = [4]byte{10, 0, 2, 15}
	guestGW = [4]byte{10, 0, 2, 2}
)

const guestPrefix = 24

// netUpLinux loads the virtio modules with finit_module, then over netlink
// brings lo and the first other interface up, gives it 10.0.2.15/24 and adds
// a default route via 10.0.2.2.
func netUpLinux() error {
	for _, m := range linuxModules {
		f, err := os.Open("/lib/modules/" + m + ".ko")
		if os.IsNotExist(err) {
			continue // not a module in this kernel
		}
		if err != nil {
			return err
		}
		err = unix.FinitModule(int(f.Fd()), "", 0)
		f.Close()
		if err != nil && err != unix.EEXIST {
			return fmt.Errorf("finit_module %s: %v", m, err)
		}
	}
	var eth *net.Interface
	for deadline := time.Now().Add(5 * time.Second); eth == nil; {
		ifs, err := net.Interfaces()
		if err != nil {
			return err
		}
		for i := range ifs {
			if ifs[i].Flags&net.FlagLoopback == 0 {
				eth = &ifs[i]
				break
			}
		}
		if eth == nil {
			if time.Now().After(deadline) {
				return fmt.Errorf("no network interface after loading %s", strings.Join(linuxModules, ", "))
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	nl, err := newNetlink()
	if err != nil {
		return err
	}
	defer syscall.Close(nl.fd)
	for _, idx := range []int{1, eth.Index} { // lo is ifindex 1
		if err := nl.linkUp(idx); err != nil {
			return fmt.Errorf("link %d up: %v", idx, err)
		}
	}
	if err := nl.addAddr(eth.Index, guestIP, guestPrefix); err != nil {
		return fmt.Errorf("address on %s: %v", eth.Name, err)
	}
	if err := nl.addDefaultRoute(eth.Index, guestGW); err != nil {
		return fmt.Errorf("default route: %v", err)
	}
	return nil
}

type netlink struct {
	fd  int
	seq uint32
}

func newNetlink() (*netlink, error) {
	fd, err := syscall.Socket(syscall.AF_NETLINK, syscall.SOCK_RAW|syscall.SOCK_CLOEXEC, syscall.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("netlink socket: %v", err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrNetlink{Family: syscall.AF_NETLINK}); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("netlink bind: %v", err)
	}
	return &netlink{fd: fd}, nil
}

// rtattr appends a route attribute to b.
func rtattr(b []byte, typ uint16, data []byte) []byte {
	var h [4]byte
	binary.LittleEndian.PutUint16(h[0:], uint16(4+len(data)))
	binary.LittleEndian.PutUint16(h[2:], typ)
	b = append(b, h[:]...)
	b = append(b, data...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// do sends one request (body after the nlmsghdr) with NLM_F_ACK and waits
// for its acknowledgement.
func (n *netlink) do(typ uint16, flags uint16, body []byte) error {
	n.seq++
	msg := make([]byte, syscall.NLMSG_HDRLEN, syscall.NLMSG_HDRLEN+len(body))
	msg = append(msg, body...)
	binary.LittleEndian.PutUint32(msg[0:], uint32(len(msg)))
	binary.LittleEndian.PutUint16(msg[4:], typ)
	binary.LittleEndian.PutUint16(msg[6:], flags|syscall.NLM_F_REQUEST|syscall.NLM_F_ACK)
	binary.LittleEndian.PutUint32(msg[8:], n.seq)
	if err := syscall.Sendto(n.fd, msg, 0, &syscall.SockaddrNetlink{Family: syscall.AF_NETLINK}); err != nil {
		return err
	}
	buf := make([]byte, 8192)
	for {
		k, _, err := syscall.Recvfrom(n.fd, buf, 0)
		if err != nil {
			return err
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:k])
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if m.Header.Seq != n.seq || m.Header.Type != syscall.NLMSG_ERROR {
				continue
			}
			if len(m.Data) < 4 {
				return fmt.Errorf("short netlink error message")
			}
			if code := int32(binary.LittleEndian.Uint32(m.Data)); code != 0 {
				return syscall.Errno(-code)
			}
			return nil
		}
	}
}

func (n *netlink) linkUp(index int) error {
	// struct ifinfomsg: family, pad, type, index, flags, change
	b := make([]byte, syscall.SizeofIfInfomsg)
	b[0] = syscall.AF_UNSPEC
	binary.LittleEndian.PutUint32(b[4:], uint32(index))
	binary.LittleEndian.PutUint32(b[8:], syscall.IFF_UP)
	binary.LittleEndian.PutUint32(b[12:], syscall.IFF_UP)
	return n.do(syscall.RTM_NEWLINK, 0, b)
}

func (n *netlink) addAddr(index int, ip [4]byte, prefix int) error {
	// struct ifaddrmsg: family, prefixlen, flags, scope, index
	b := make([]byte, syscall.SizeofIfAddrmsg)
	b[0] = syscall.AF_INET
	b[1] = byte(prefix)
	b[3] = syscall.RT_SCOPE_UNIVERSE
	binary.LittleEndian.PutUint32(b[4:], uint32(index))
	b = rtattr(b, syscall.IFA_LOCAL, ip[:])
	b = rtattr(b, syscall.IFA_ADDRESS, ip[:])
	return n.do(syscall.RTM_NEWADDR, syscall.NLM_F_CREATE|syscall.NLM_F_EXCL, b)
}

func (n *netlink) addDefaultRoute(index int, gw [4]byte) error {
	// struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags
	b := make([]byte, syscall.SizeofRtMsg)
	b[0] = syscall.AF_INET
	b[4] = syscall.RT_TABLE_MAIN
	b[5] = syscall.RTPROT_BOOT
	b[6] = syscall.RT_SCOPE_UNIVERSE
	b[7] = syscall.RTN_UNICAST
	var oif [4]byte
	binary.LittleEndian.PutUint32(oif[:], uint32(index))
	b = rtattr(b, syscall.RTA_GATEWAY, gw[:])
	b = rtattr(b, syscall.RTA_OIF, oif[:])
	return n.do(syscall.RTM_NEWROUTE, syscall.NLM_F_CREATE|syscall.NLM_F_EXCL, b)
}
