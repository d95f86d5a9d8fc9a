package e2e

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tapNet is a host tap device with an address on a /24 of its own: the host is .1, the
// guest .2.
type tapNet struct {
	name    string
	hostIP  string // 192.168.N.1
	guestIP string // 192.168.N.2
	ifindex int
}

// newTap creates a tap device and its /24 for one test and deletes it when the test
// ends; mtu > 0 sets its MTU and a long transmit queue. It skips the test unless it runs as root with /dev/net/tun and ip(8). The name
// and subnet are random and checked against the host's addresses, so parallel runs do
// not collide.
func newTap(t *testing.T, mtu int) *tapNet {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a tap device needs root (creating it, and unigo run --net tap:NAME): run the e2e tests as root")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Skipf("no /dev/net/tun (%v): the host cannot make tap devices", err)
	}
	ipCmd, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("ip(8) is not on PATH (Debian: apt-get install iproute2)")
	}
	ip := func(args ...string) error {
		out, err := exec.Command(ipCmd, args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	for try := 0; try < 20; try++ {
		n := 100 + rand.IntN(150)
		if subnetInUse(fmt.Sprintf("192.168.%d.", n)) {
			continue
		}
		tn := &tapNet{
			name:    fmt.Sprintf("unigotap%d", rand.IntN(100000)),
			hostIP:  fmt.Sprintf("192.168.%d.1", n),
			guestIP: fmt.Sprintf("192.168.%d.2", n),
		}
		if err := ip("tuntap", "add", "dev", tn.name, "mode", "tap"); err != nil {
			t.Logf("%v (trying another name)", err)
			continue
		}
		t.Cleanup(func() {
			if err := ip("link", "del", tn.name); err != nil {
				t.Errorf("removing the tap: %v", err)
			}
		})
		setup := [][]string{{"addr", "add", tn.hostIP + "/24", "dev", tn.name}, {"link", "set", tn.name, "up"}}
		if mtu > 0 { // for frames written from the host: jumbo ones, and a long queue
			setup = append(setup, []string{"link", "set", tn.name, "mtu", fmt.Sprint(mtu), "txqueuelen", "10000"})
		}
		for _, a := range setup {
			if err := ip(a...); err != nil {
				t.Fatal(err)
			}
		}
		ifc, err := net.InterfaceByName(tn.name)
		if err != nil {
			t.Fatal(err)
		}
		tn.ifindex = ifc.Index
		t.Logf("tap %s: host %s/24, guest %s", tn.name, tn.hostIP, tn.guestIP)
		return tn
	}
	t.Fatal("no free tap name and 192.168.N.0/24 subnet after 20 tries")
	return nil
}

// subnetInUse reports whether some host interface has an address starting with prefix.
func subnetInUse(prefix string) bool {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return true
	}
	for _, a := range addrs {
		if strings.HasPrefix(a.String(), prefix) {
			return true
		}
	}
	return false
}

// tapStats reads the tap's counters: frames the host handed to QEMU (tx) and dropped.
func tapStats(t *testing.T, name string) (tx, txDropped int64) {
	read := func(f string) int64 {
		b, err := os.ReadFile(filepath.Join("/sys/class/net", name, "statistics", f))
		if err != nil {
			t.Logf("tap stats: %v", err)
			return -1
		}
		var n int64
		fmt.Sscan(strings.TrimSpace(string(b)), &n)
		return n
	}
	return read("tx_packets"), read("tx_dropped")
}

// guestMAC returns the guest's Ethernet address from the host's neighbour table.
func guestMAC(t *testing.T, tn *tapNet) net.HardwareAddr {
	f, err := os.Open("/proc/net/arp")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fl := strings.Fields(sc.Text())
		if len(fl) >= 6 && fl[0] == tn.guestIP && fl[5] == tn.name {
			if mac, err := net.ParseMAC(fl[3]); err == nil && fl[3] != "00:00:00:00:00:00" {
				return mac
			}
		}
	}
	t.Fatalf("no neighbour entry for %s on %s", tn.guestIP, tn.name)
	return nil
}

// waitHTTP polls url until it answers 200 with a body starting with want, or fails
// the test after 90 s or when the VM ends.
func waitHTTP(t *testing.T, v *vm, url, want string) time.Duration {
	t.Helper()
	quick := &http.Client{Timeout: 500 * time.Millisecond}
	for {
		if time.Since(v.start) > 90*time.Second {
			t.Fatalf("no HTTP answer from %s within 90 s; console:\n%s", url, v.out.String())
		}
		select {
		case err := <-v.done:
			v.done <- err
			t.Fatalf("the VM ended before answering (%v); console:\n%s", err, v.out.String())
		default:
		}
		resp, err := quick.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && strings.HasPrefix(string(b), want) {
				return time.Since(v.start)
			}
			t.Fatalf("GET %s: status %d body %q, want 200 %q...", url, resp.StatusCode, b, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// buildImage builds a package into an image in the test's temporary directory.
func buildImage(t *testing.T, pkg string) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), filepath.Base(pkg)+".img")
	r := unigo(t, opts{noVM: true}, "build", "-o", img, pkg)
	if r.code != 0 {
		r.dump(t)
		t.Fatalf("unigo build %s failed", pkg)
	}
	return img
}

// TestNetTapServesHTTP is issue 3's tap example: examples/httpd on
// `--net tap:NAME --ip 192.168.N.2/24 --gw 192.168.N.1`, fetched from the host at the
// guest's own address, with bodies checked; the tap is removed afterwards.
func TestNetTapServesHTTP(t *testing.T) {
	requireQEMU(t)
	t.Parallel()
	tn := newTap(t, 0)
	img := buildImage(t, "./examples/httpd")
	qemuSlots.acquire(1)
	defer qemuSlots.release(1)
	v := startVM(t, "run", "--timeout", "120s", "--net", "tap:"+tn.name, "--ip", tn.guestIP+"/24",
		"--gw", tn.hostIP, img)
	base := fmt.Sprintf("http://%s:8080", tn.guestIP)
	ready := waitHTTP(t, v, base+"/ready", "hello from unigo httpd: GET /ready")
	t.Logf("QEMU start to the first HTTP 200 over the tap: %v", ready.Round(time.Millisecond))
	hc := &http.Client{Timeout: 10 * time.Second}
	for i := 0; i < 50; i++ {
		path := fmt.Sprintf("/tap/%d", i)
		resp, err := hc.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v; console:\n%s", path, err, v.out.String())
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := "hello from unigo httpd: GET " + path + "\n"; err != nil || resp.StatusCode != 200 || string(b) != want {
			t.Fatalf("GET %s: status %d body %q err %v, want %q", path, resp.StatusCode, b, err, want)
		}
	}
	curlGet(t, base+"/curl", "hello from unigo httpd: GET /curl\n")
	if mac := guestMAC(t, tn); len(mac) != 6 {
		t.Errorf("guest MAC %v", mac)
	}
	wantNoCrash(t, v)
}

// wantNoCrash checks that the VM still runs and its console shows no panic or fault.
func wantNoCrash(t *testing.T, v *vm) {
	t.Helper()
	select {
	case err := <-v.done:
		v.done <- err
		t.Fatalf("the VM ended (%v); console:\n%s", err, v.out.String())
	default:
	}
	out := v.out.String()
	for _, bad := range []string{"panic:", "fatal error:", "kernel fault", "unigo-exit=", "SIGSEGV"} {
		if strings.Contains(out, bad) {
			t.Fatalf("console shows %q; console:\n%s", bad, out)
		}
	}
}

// TestNetTapKeepaliveProbesFollowGosSettings dials from the guest to a server on the host
// side of a tap with a keepalive of 1 s (net.KeepAliveConfig) and keeps it idle:
// a packet socket on the tap must see the guest's keepalive probes about once a second
// (Go sets TCP_KEEPIDLE and TCP_KEEPINTVL; netstack's own default idle is 2 hours).
func TestNetTapKeepaliveProbesFollowGosSettings(t *testing.T) {
	requireQEMU(t)
	t.Parallel()
	tn := newTap(t, 0)
	img := buildInetImage(t)
	ln, err := net.Listen("tcp4", tn.hostIP+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	fd, err := syscall.Socket(syscall.AF_PACKET, syscall.SOCK_RAW, int(htons(syscall.ETH_P_IP)))
	if err != nil {
		t.Fatalf("packet socket: %v", err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrLinklayer{Protocol: htons(syscall.ETH_P_IP), Ifindex: tn.ifindex}); err != nil {
		t.Fatal(err)
	}
	tv := syscall.NsecToTimeval(int64(200 * time.Millisecond))
	syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv)

	qemuSlots.acquire(1)
	defer qemuSlots.release(1)
	v := startVM(t, "run", "--timeout", "120s", "--net", "tap:"+tn.name, "--ip", tn.guestIP+"/24",
		"--gw", tn.hostIP, img, "--", "keepalive", fmt.Sprintf("%s:%d", tn.hostIP, port))
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(90 * time.Second))
	c, err := ln.Accept()
	if err != nil {
		t.Fatalf("accept: %v; console:\n%s", err, v.out.String())
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the guest's hello: %v", err)
	}
	guestPort := c.RemoteAddr().(*net.TCPAddr).Port
	// Count the guest's empty segments on this connection while it is idle for 5 s.
	const idle = 5 * time.Second
	probes := 0
	buf := make([]byte, 2048)
	for end := time.Now().Add(idle); time.Now().Before(end); {
		n, _, err := syscall.Recvfrom(fd, buf, 0)
		if err != nil {
			continue
		}
		f := buf[:n]
		if len(f) < 14+20+20 || f[14]>>4 != 4 || f[14+9] != 6 || [4]byte(f[14+12:14+16]) != ip4Bytes(tn.guestIP) {
			continue
		}
		ihl := int(f[14]&15) * 4
		tcp := f[14+ihl:]
		total := int(binary.BigEndian.Uint16(f[14+2:]))
		payload := total - ihl - int(tcp[12]>>4)*4
		if int(binary.BigEndian.Uint16(tcp[0:])) == guestPort && int(binary.BigEndian.Uint16(tcp[2:])) == port &&
			payload <= 1 && tcp[13] == 0x10 {
			probes++
		}
	}
	c.Close()
	t.Logf("guest said %q; %d keepalive probes in %v of idleness", strings.TrimSpace(line), probes, idle)
	if probes < 3 {
		t.Errorf("%d keepalive probes from the guest in %v, want about one a second", probes, idle)
	}
	select {
	case err := <-v.done:
		v.done <- err
	case <-time.After(30 * time.Second):
		t.Fatalf("the guest did not finish after the server closed; console:\n%s", v.out.String())
	}
	out := v.out.String()
	if !strings.Contains(out, "keepalive: ok") || !strings.Contains(out, "PASS inet") {
		t.Errorf("guest: want keepalive: ok and PASS inet; console:\n%s", out)
	}
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }
