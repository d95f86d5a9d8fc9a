package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/unigo-os/unigo/internal/vmm"
)

// netFlags are run's and test's network flags: -p, --net, --ip, --gw, --dns.
type netFlags struct {
	forwards forwardsFlag
	mode     string // --net; "" = user networking when -p is given, else none
	ip, gw   string
	dns      dnsFlag
}

func addNetFlags(fs *flag.FlagSet, n *netFlags) {
	fs.Var(&n.forwards, "p", "forward a host port into the guest: `[IP:]HOSTPORT:GUESTPORT[/udp]` (repeatable; implies --net user)")
	fs.StringVar(&n.mode, "net", "", "guest `network`: none, user (QEMU user networking) or tap:NAME (default: user with -p, else none)")
	fs.StringVar(&n.ip, "ip", "", "static guest address `CIDR`, like 192.168.100.2/24 (default: DHCP)")
	fs.StringVar(&n.gw, "gw", "", "static default gateway `IP` (with --ip)")
	fs.Var(&n.dns, "dns", "name server `IP` for the guest (repeatable)")
}

// forwardsFlag collects -p specs, parsed as they come so a bad one is named at once.
type forwardsFlag []vmm.Forward

func (f *forwardsFlag) String() string {
	var s []string
	for _, x := range *f {
		s = append(s, x.String())
	}
	return strings.Join(s, " ")
}

func (f *forwardsFlag) Set(v string) error {
	x, err := vmm.ParseForward(v)
	if err != nil {
		return err
	}
	*f = append(*f, x)
	return nil
}

type dnsFlag []string

func (d *dnsFlag) String() string { return strings.Join(*d, ",") }

func (d *dnsFlag) Set(v string) error {
	*d = append(*d, strings.Split(v, ",")...)
	return nil
}

// resolve turns the flags into the VM's network, checking that every forwarded host
// port is free now: QEMU would otherwise fail late, or not at all for UDP.
func (n *netFlags) resolve() (vmm.Net, error) {
	var cfg vmm.Net
	mode := n.mode
	if mode == "" {
		mode = vmm.NetNone
		if len(n.forwards) > 0 || n.ip != "" || len(n.dns) > 0 {
			mode = vmm.NetUser
		}
	}
	m, tap, err := vmm.ParseNetMode(mode)
	if err != nil {
		return cfg, usagef("--net: %v", err)
	}
	cfg = vmm.Net{Mode: m, Tap: tap, Forwards: n.forwards, IP: n.ip, GW: n.gw, DNS: n.dns}
	if err := cfg.Check(); err != nil {
		return cfg, usagef("%v", err)
	}
	for _, f := range cfg.Forwards {
		if err := vmm.CheckHostPort(f); err != nil {
			return cfg, fmt.Errorf("%v (choose another host port: -p OTHER:%d)", err, f.GuestPort)
		}
	}
	return cfg, nil
}
