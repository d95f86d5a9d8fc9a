package vmm

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
)

// Network modes accepted by --net.
const (
	NetNone = "none"
	NetUser = "user" // QEMU user-mode networking (slirp): no root, port forwards with -p
	NetTap  = "tap"  // an existing host tap device, --net tap:NAME
)

// Kernel options for the guest's network configuration (docs/cmdline.md).
const (
	IPOption  = "unigo.ip"  // address/prefix, e.g. 10.0.2.15/24; absent: DHCP
	GWOption  = "unigo.gw"  // default gateway
	DNSOption = "unigo.dns" // name servers, comma-separated
)

// Forward is one -p port forward from the host into the guest (user networking).
type Forward struct {
	Proto     string // "tcp" or "udp"
	HostIP    string // "" = every host address
	HostPort  int
	GuestPort int
}

// ParseForward parses a -p spec: [IP:]HOSTPORT:GUESTPORT[/tcp|/udp]. An IPv6 host
// address goes in brackets: [::1]:8080:80.
func ParseForward(spec string) (Forward, error) {
	f := Forward{Proto: "tcp"}
	s := spec
	if i := strings.LastIndex(s, "/"); i >= 0 {
		f.Proto = strings.ToLower(s[i+1:])
		s = s[:i]
		if f.Proto != "tcp" && f.Proto != "udp" {
			return f, fmt.Errorf("bad port forward %q: protocol %q is not tcp or udp", spec, f.Proto)
		}
	}
	var host string
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]:")
		if end < 0 {
			return f, fmt.Errorf("bad port forward %q: want [IPv6]:HOSTPORT:GUESTPORT", spec)
		}
		host, s = s[1:end], s[end+2:]
		if ip, err := netip.ParseAddr(host); err != nil || !ip.Is6() {
			return f, fmt.Errorf("bad port forward %q: %q is not an IPv6 address", spec, host)
		}
	}
	parts := strings.Split(s, ":")
	switch {
	case len(parts) == 3 && host == "":
		host, parts = parts[0], parts[1:]
		if ip, err := netip.ParseAddr(host); err != nil || !ip.Is4() {
			return f, fmt.Errorf("bad port forward %q: %q is not an IPv4 address", spec, host)
		}
	case len(parts) != 2:
		return f, fmt.Errorf("bad port forward %q: want [IP:]HOSTPORT:GUESTPORT[/udp], like 8080:80", spec)
	}
	f.HostIP = host
	var err error
	if f.HostPort, err = parsePort(parts[0]); err != nil {
		return f, fmt.Errorf("bad port forward %q: host port: %v", spec, err)
	}
	if f.GuestPort, err = parsePort(parts[1]); err != nil {
		return f, fmt.Errorf("bad port forward %q: guest port: %v", spec, err)
	}
	return f, nil
}

func parsePort(s string) (int, error) {
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 || s[0] == '+' {
		return 0, fmt.Errorf("%q is not a port number (1-65535)", s)
	}
	return p, nil
}

// String renders f as a -p spec.
func (f Forward) String() string {
	h := ""
	if f.HostIP != "" {
		h = f.HostIP + ":"
		if strings.Contains(f.HostIP, ":") {
			h = "[" + f.HostIP + "]:"
		}
	}
	return fmt.Sprintf("%s%d:%d/%s", h, f.HostPort, f.GuestPort, f.Proto)
}

// hostfwd is QEMU's hostfwd= value for f.
func (f Forward) hostfwd() string {
	return fmt.Sprintf("%s:%s:%d-:%d", f.Proto, f.HostIP, f.HostPort, f.GuestPort)
}

// CheckHostPort reports a clear error if f's host port cannot be bound now (another
// program has it), so that the user hears it before QEMU starts.
func CheckHostPort(f Forward) error {
	addr := net.JoinHostPort(f.HostIP, strconv.Itoa(f.HostPort))
	var err error
	if f.Proto == "udp" {
		var c net.PacketConn
		if c, err = net.ListenPacket("udp", addr); err == nil {
			c.Close()
		}
	} else {
		var l net.Listener
		if l, err = net.Listen("tcp", addr); err == nil {
			l.Close()
		}
	}
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("port forward %s: host port %d/%s is already in use", f, f.HostPort, f.Proto)
		}
		return fmt.Errorf("port forward %s: cannot use host address %s: %v", f, addr, err)
	}
	return nil
}

// Net is the guest's network.
type Net struct {
	Mode     string // NetNone ("" too), NetUser or NetTap
	Tap      string // NetTap: the host tap device
	Forwards []Forward
	IP       string   // static address/prefix; "" = DHCP
	GW       string   // static gateway
	DNS      []string // name servers
}

// ParseNetMode parses --net: none, user or tap:NAME.
func ParseNetMode(s string) (mode, tap string, err error) {
	switch {
	case s == NetNone || s == NetUser:
		return s, "", nil
	case strings.HasPrefix(s, NetTap+":") && len(s) > len(NetTap)+1:
		name := s[len(NetTap)+1:]
		if len(name) > 15 || strings.ContainsAny(name, ",/ \t=") {
			return "", "", fmt.Errorf("bad tap device name %q", name)
		}
		return NetTap, name, nil
	}
	return "", "", fmt.Errorf("unknown network %q (want none, user or tap:NAME)", s)
}

// Check validates n as a whole.
func (n Net) Check() error {
	if len(n.Forwards) > 0 && n.Mode != NetUser {
		return fmt.Errorf("-p port forwards need user networking (--net user), not --net %s", n.Mode)
	}
	seen := map[string]bool{}
	for _, f := range n.Forwards {
		k := fmt.Sprintf("%s/%d", f.Proto, f.HostPort)
		if seen[k] {
			return fmt.Errorf("host port %d/%s is forwarded twice", f.HostPort, f.Proto)
		}
		seen[k] = true
	}
	if (n.Mode == NetNone || n.Mode == "") && (n.IP != "" || n.GW != "" || len(n.DNS) > 0) {
		return errors.New("--ip, --gw and --dns need a network (--net user or tap:NAME)")
	}
	if n.IP != "" {
		if _, err := netip.ParsePrefix(n.IP); err != nil {
			return fmt.Errorf("--ip %q is not ADDRESS/PREFIX, like 192.168.100.2/24", n.IP)
		}
	}
	if n.GW != "" {
		if _, err := netip.ParseAddr(n.GW); err != nil {
			return fmt.Errorf("--gw %q is not an IP address", n.GW)
		}
		if n.IP == "" {
			return errors.New("--gw needs --ip (without --ip the guest uses DHCP)")
		}
	}
	for _, d := range n.DNS {
		if _, err := netip.ParseAddr(d); err != nil {
			return fmt.Errorf("--dns %q is not an IP address", d)
		}
	}
	return nil
}

// KernelOptions returns the kernel options that carry n's static configuration.
func (n Net) KernelOptions() []string {
	var o []string
	if n.IP != "" {
		o = append(o, IPOption+"="+n.IP)
	}
	if n.GW != "" {
		o = append(o, GWOption+"="+n.GW)
	}
	if len(n.DNS) > 0 {
		o = append(o, DNSOption+"="+strings.Join(n.DNS, ","))
	}
	return o
}

// qemuArgs returns the -netdev and -device arguments for n on machine.
func (n Net) qemuArgs(machine string) []string {
	var netdev string
	switch n.Mode {
	case NetUser:
		netdev = "user,id=n0"
		for _, f := range n.Forwards {
			netdev += ",hostfwd=" + f.hostfwd()
		}
	case NetTap:
		// vnet_hdr=on: frames cross the tap with a virtio-net header, so QEMU offers the
		// guest checksum offload and TSO (QEMU probes for it anyway; this makes a host
		// without IFF_VNET_HDR an error instead of a quietly slower link).
		netdev = "tap,id=n0,ifname=" + n.Tap + ",script=no,downscript=no,vnet_hdr=on"
	default:
		return nil
	}
	dev := "virtio-net-pci,netdev=n0"
	if machine == MachineMicrovm {
		dev = "virtio-net-device,netdev=n0"
	}
	return []string{"-netdev", netdev, "-device", dev}
}
