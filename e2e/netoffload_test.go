package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tapCount reads a tap's frame and byte counters for dir: "rx" is what QEMU wrote into
// the tap (from the guest), "tx" what the host handed QEMU (to the guest).
func tapCount(t *testing.T, name, dir string) (frames, bytes int64) {
	read := func(f string) int64 {
		b, err := os.ReadFile(filepath.Join("/sys/class/net", name, "statistics", f))
		if err != nil {
			t.Fatalf("tap stats: %v", err)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil {
			t.Fatalf("tap stats %s: %v", f, err)
		}
		return n
	}
	return read(dir + "_packets"), read(dir + "_bytes")
}

// offloadLine matches the service's report of what the virtio-net device agreed to
// (printed with UNIGO_NETDEBUG=1).
var offloadLine = regexp.MustCompile(`unigo: netsvc: offloads: ([a-z0-9 -]+)`)

// offloads returns the offload list the guest printed, waiting for it a little.
func offloads(t *testing.T, v *vm) string {
	t.Helper()
	for i := 0; i < 50; i++ {
		if m := offloadLine.FindStringSubmatch(v.out.String()); m != nil {
			return m[1]
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the guest never reported its offloads; console:\n%s", v.out.String())
	return ""
}

// TestNetTapOffloads boots the inet server on a tap (QEMU's tap netdev with vnet_hdr=on
// offers checksum offload and TSO both ways) and checks that the driver took the
// offloads, then moves 10 MiB each way twice with SHA-256 checked: TCP segments of up to
// 32 KiB leave the guest with partial checksums for the device (the host's tap) to
// finish and split, segments of up to 64 KiB from the host arrive over merged receive
// buffers, and frames the host vouches for skip netstack's checksum.
func TestNetTapOffloads(t *testing.T) {
	requireQEMU(t)
	tn := newTap(t, 0)
	img := buildInetImage(t)
	qemuSlots.acquire(2)
	defer qemuSlots.release(2)
	v := startVM(t, "run", "--timeout", "180s", "--net", "tap:"+tn.name, "--ip", tn.guestIP+"/24",
		"--gw", tn.hostIP, "-e", "UNIGO_NETDEBUG=1", img, "--", "serve", ":8080")
	base := fmt.Sprintf("http://%s:8080", tn.guestIP)
	waitHTTP(t, v, base+"/hello?i=ready", "hello ready from unigo")
	fail := func(format string, a ...any) {
		t.Helper()
		t.Fatalf("%s; console:\n%s", fmt.Sprintf(format, a...), v.out.String())
	}
	f0, b0 := tapCount(t, tn.name, "rx")
	tf0, tb0 := tapCount(t, tn.name, "tx")
	for i := 0; i < 2; i++ {
		bigTransfers(t, base, fail)
	}
	// With TSO, QEMU hands the host's tap whole segments of up to 32 KiB (the host
	// kernel splits them only if it has to forward them). Frames of at most 1,514
	// bytes would need bytes/1514 writes or more; with TSO the 2 x 10 MiB down take a
	// few hundred, and the acknowledgements of the uploads a few thousand more.
	f1, b1 := tapCount(t, tn.name, "rx")
	t.Logf("the guest wrote %d frames, %d bytes (%d bytes on average) into the tap", f1-f0, b1-b0, (b1-b0)/max(f1-f0, 1))
	if b1-b0 < 20<<20 || f1-f0 >= (b1-b0)/1514 {
		t.Errorf("guest to host: %d bytes in %d frames; want 20 MiB or more in fewer than %d frames (TSO segments)",
			b1-b0, f1-f0, (b1-b0)/1514)
	}
	// The same the other way with the guest's TSO (GUEST_TSO4/6): the host's TCP hands
	// the tap segments of up to 64 KiB, which reach the guest over merged buffers.
	tf1, tb1 := tapCount(t, tn.name, "tx")
	t.Logf("the host handed the guest %d frames, %d bytes (%d bytes on average)", tf1-tf0, tb1-tb0, (tb1-tb0)/max(tf1-tf0, 1))
	if tb1-tb0 < 20<<20 || tf1-tf0 >= (tb1-tb0)/1514 {
		t.Errorf("host to guest: %d bytes in %d frames; want 20 MiB or more in fewer than %d frames (TSO segments)",
			tb1-tb0, tf1-tf0, (tb1-tb0)/1514)
	}
	got := offloads(t, v)
	t.Logf("offloads on the tap: %s", got)
	if want := "tx-csum rx-csum tso4 tso6 mrg-rxbuf rx-tso4 rx-tso6"; got != want {
		t.Errorf("offloads on the tap: %q, want %q", got, want)
	}
	wantNoCrash(t, v)
}

// TestNetUserOffloads does the same over QEMU's user network (`-p`), whose slirp
// backend has no vnet header: QEMU offers no offload, the driver takes none, and the
// transfers work as before. (QEMU offers MRG_RXBUF there, which the driver declines
// without receive TSO.)
func TestNetUserOffloads(t *testing.T) {
	requireQEMU(t)
	img := buildInetImage(t)
	hp := freePort(t)
	qemuSlots.acquire(2)
	defer qemuSlots.release(2)
	v := startVM(t, "run", "--timeout", "180s", "-p", fmt.Sprintf("127.0.0.1:%d:8080", hp),
		"-e", "UNIGO_NETDEBUG=1", img, "--", "serve", ":8080")
	base := fmt.Sprintf("http://127.0.0.1:%d", hp)
	waitHTTP(t, v, base+"/hello?i=ready", "hello ready from unigo")
	fail := func(format string, a ...any) {
		t.Helper()
		t.Fatalf("%s; console:\n%s", fmt.Sprintf(format, a...), v.out.String())
	}
	for i := 0; i < 2; i++ {
		bigTransfers(t, base, fail)
	}
	got := offloads(t, v)
	t.Logf("offloads on user networking: %s", got)
	if got != "none" {
		t.Errorf("offloads on user networking: %q, want %q", got, "none")
	}
	wantNoCrash(t, v)
}
