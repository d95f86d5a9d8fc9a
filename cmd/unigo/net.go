package main

import (
	"archive/tar"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/unigo-os/unigo/internal/build"
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

// resolvConfPath is where Go's resolver reads its name servers.
const resolvConfPath = "/etc/resolv.conf"

// withDNS makes the root archive's default /etc/resolv.conf name the --dns servers: the
// root is read-only in the guest, so this is where they must be for net.LookupHost and
// net.Dial("tcp", "name:port"). Without --dns the default (QEMU user networking's
// 10.0.2.3, which its DHCP server also hands out) stays. A --files tree that has its
// own /etc/resolv.conf still wins.
func withDNS(defaults []build.DefaultFile, dns []string) []build.DefaultFile {
	if len(dns) == 0 {
		return defaults
	}
	f := build.DefaultFile{Path: resolvConfPath, Data: resolvConf(dns)}
	out := make([]build.DefaultFile, 0, len(defaults)+1)
	for _, d := range defaults {
		if d.Path != resolvConfPath {
			out = append(out, d)
		}
	}
	return append(out, f)
}

// resolvConf is the /etc/resolv.conf that names dns.
func resolvConf(dns []string) []byte {
	var b strings.Builder
	b.WriteString("# unigo run --dns\n")
	for _, d := range dns {
		fmt.Fprintf(&b, "nameserver %s\n", d)
	}
	return []byte(b.String())
}

// dnsRoot gives a prebuilt image run with --dns a root archive whose /etc/resolv.conf
// names the servers: a copy of root (the archive `unigo build` packed beside the image,
// with the default resolv.conf) in a temporary directory that done removes. Without
// --dns it returns root itself. The run's --dns wins over a resolv.conf the build's
// --files gave.
func dnsRoot(root string, dns []string) (archive string, done func(), err error) {
	if len(dns) == 0 {
		return root, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "unigo-dns-")
	if err != nil {
		return "", nil, err
	}
	done = func() { os.RemoveAll(dir) }
	out := filepath.Join(dir, "root.tar")
	if err := replaceInTar(root, out, strings.TrimPrefix(resolvConfPath, "/"), resolvConf(dns)); err != nil {
		done()
		return "", nil, fmt.Errorf("--dns: rewriting the image's root archive %s: %v", root, err)
	}
	return out, done, nil
}

// replaceInTar copies the archive src to dst with the regular file name (no leading
// slash) holding data: in its place if src has it, else appended (with its directory).
func replaceInTar(src, dst, name string, data []byte) error {
	dir := filepath.Dir(name) + "/"
	haveDir, done := false, false
	file := func(mt time.Time) *tar.Header {
		return &tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(data)),
			ModTime: mt.Truncate(time.Second), Format: tar.FormatUSTAR}
	}
	writeFile := func(tw *tar.Writer, mt time.Time) error {
		if err := tw.WriteHeader(file(mt)); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	entry := func(tw *tar.Writer, hdr *tar.Header, body io.Reader) error {
		haveDir = haveDir || hdr.Name == dir
		if strings.TrimPrefix(hdr.Name, "/") == name && hdr.Typeflag == tar.TypeReg {
			done = true
			return writeFile(tw, hdr.ModTime)
		}
		return copyEntry(tw, hdr, body)
	}
	tail := func(tw *tar.Writer) error {
		if done {
			return nil
		}
		now := time.Now()
		if !haveDir {
			d := &tar.Header{Name: dir, Typeflag: tar.TypeDir, Mode: 0o755, ModTime: now.Truncate(time.Second), Format: tar.FormatUSTAR}
			if err := tw.WriteHeader(d); err != nil {
				return err
			}
		}
		return writeFile(tw, now)
	}
	return copyTar(src, dst, entry, tail)
}
