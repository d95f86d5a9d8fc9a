package vmm

import (
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseForwardAcceptsDockerStyleSpecs(t *testing.T) {
	cases := []struct {
		spec string
		want Forward
	}{
		{"8080:80", Forward{"tcp", "", 8080, 80}},
		{"8080:80/tcp", Forward{"tcp", "", 8080, 80}},
		{"5353:53/udp", Forward{"udp", "", 5353, 53}},
		{"127.0.0.1:8080:80", Forward{"tcp", "127.0.0.1", 8080, 80}},
		{"127.0.0.1:5353:53/UDP", Forward{"udp", "127.0.0.1", 5353, 53}},
		{"[::1]:8080:80", Forward{"tcp", "::1", 8080, 80}},
	}
	for _, c := range cases {
		got, err := ParseForward(c.spec)
		if err != nil || got != c.want {
			t.Errorf("ParseForward(%q) = %+v, %v; want %+v", c.spec, got, err, c.want)
		}
	}
}

func TestParseForwardRejectsBadSpecs(t *testing.T) {
	for _, spec := range []string{"", "8080", "8080:", ":80", "0:80", "8080:65536", "x:80", "8080:80/sctp",
		"1.2.3:80:80", "::1:80:80", "[1.2.3.4]:80:80", "a:b:c:d", "+80:80", "80:80:80"} {
		if f, err := ParseForward(spec); err == nil {
			t.Errorf("ParseForward(%q) = %+v, want an error", spec, f)
		}
	}
}

func TestCommandAddsUserNetworkAndKernelOptions(t *testing.T) {
	for _, m := range Machines {
		cfg := Config{Machine: m, Accel: AccelTCG, MemBytes: 128 * MiB, CPUs: 1, Image: "x.img", Cmdline: "unigo.seed=0 -- arg=x",
			Net: Net{Mode: NetUser, Forwards: []Forward{{"tcp", "", 8080, 80}, {"udp", "127.0.0.1", 5353, 53}},
				IP: "10.0.2.15/24", GW: "10.0.2.2", DNS: []string{"10.0.2.3", "1.1.1.1"}}}
		argv, err := Command(cfg)
		if err != nil {
			t.Fatal(err)
		}
		line := strings.Join(argv, " ")
		dev := "virtio-net-pci,netdev=n0"
		if m == MachineMicrovm {
			dev = "virtio-net-device,netdev=n0"
		}
		for _, want := range []string{"-netdev user,id=n0,hostfwd=tcp::8080-:80,hostfwd=udp:127.0.0.1:5353-:53", "-device " + dev,
			"arg=x unigo.ip=10.0.2.15/24 unigo.gw=10.0.2.2 unigo.dns=10.0.2.3,1.1.1.1"} {
			if !strings.Contains(line, want) {
				t.Errorf("%s: command line lacks %q:\n%s", m, want, line)
			}
		}
	}
	argv, _ := Command(Config{Machine: MachinePC, Accel: AccelTCG, MemBytes: 128 * MiB, CPUs: 1, Image: "x", Cmdline: "c",
		Net: Net{Mode: NetTap, Tap: "tap0"}})
	if !slices.Contains(argv, "tap,id=n0,ifname=tap0,script=no,downscript=no,vnet_hdr=on") {
		t.Errorf("tap: %q", argv)
	}
	argv, _ = Command(Config{Machine: MachinePC, Accel: AccelTCG, MemBytes: 128 * MiB, CPUs: 1, Image: "x", Cmdline: "c"})
	if slices.Contains(argv, "-netdev") {
		t.Errorf("no network asked for, but: %q", argv)
	}
}

func TestNetCheckRejectsInconsistentConfigs(t *testing.T) {
	for _, n := range []Net{
		{Mode: NetTap, Tap: "t", Forwards: []Forward{{"tcp", "", 1, 1}}},
		{Mode: NetUser, Forwards: []Forward{{"tcp", "", 1, 1}, {"tcp", "", 1, 2}}},
		{Mode: NetNone, IP: "10.0.0.2/24"},
		{Mode: NetUser, IP: "10.0.0.2"},
		{Mode: NetUser, GW: "10.0.0.1"},
		{Mode: NetUser, IP: "10.0.0.2/24", GW: "gateway"},
		{Mode: NetUser, DNS: []string{"dns.example"}},
	} {
		if err := n.Check(); err == nil {
			t.Errorf("Check(%+v) = nil, want an error", n)
		}
	}
}

func TestCheckHostPortReportsAPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	err = CheckHostPort(Forward{"tcp", "127.0.0.1", port, 80})
	if err == nil || !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Errorf("CheckHostPort of a bound port: %v, want 'already in use' naming port %d", err, port)
	}
	l.Close()
	if err := CheckHostPort(Forward{"tcp", "127.0.0.1", port, 80}); err != nil {
		t.Errorf("CheckHostPort of a free port: %v", err)
	}
}
