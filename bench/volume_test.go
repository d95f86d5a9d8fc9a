package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/unigo-os/unigo/internal/vmm"
)

// debianVirtioDeps is the dependency graph of the virtio modules in Debian's
// 6.1 cloud kernel (their .modinfo depends= lines).
var debianVirtioDeps = map[string][]string{
	"virtio_ring":           {},
	"virtio":                {"virtio_ring"},
	"virtio_mmio":           {"virtio", "virtio_ring"},
	"virtio_pci_modern_dev": {},
	"virtio_pci_legacy_dev": {},
	"virtio_pci":            {"virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio"},
	"virtio_blk":            {"virtio", "virtio_ring"},
	"failover":              {},
	"net_failover":          {"failover"},
	"virtio_net":            {"net_failover", "virtio", "virtio_ring"},
}

func TestLoadOrderPutsDependenciesFirst(t *testing.T) {
	got, err := loadOrder(volumeModules, debianVirtioDeps, map[string]bool{"ext4": true})
	if err != nil {
		t.Fatal(err)
	}
	want := "virtio_ring virtio virtio_mmio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("loadOrder(volumeModules) = %s, want %s", g, want)
	}
	// The network initramfs's hand-written order is one valid order too.
	got, err = loadOrder([]string{"virtio_mmio", "virtio_pci", "virtio_net"}, debianVirtioDeps, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range netModules {
		if !slices.Contains(got, m) {
			t.Errorf("loadOrder for virtio_net lacks %s (netModules has it): %v", m, got)
		}
	}
	for i, m := range got {
		for _, d := range debianVirtioDeps[m] {
			if j := slices.Index(got, d); j > i {
				t.Errorf("%s at %d before its dependency %s at %d", m, i, d, j)
			}
		}
	}
}

func TestLoadOrderLoadsAModularFileSystem(t *testing.T) {
	// A kernel with ext4 as a module (not Debian's 6.1 cloud kernel).
	deps := map[string][]string{"ext4": {"mbcache", "jbd2", "crc16"}, "jbd2": {}, "mbcache": {}, "crc16": {}, "virtio_blk": {}}
	got, err := loadOrder([]string{"virtio_blk", "ext4"}, deps, nil)
	if g := strings.Join(got, " "); err != nil || g != "virtio_blk mbcache jbd2 crc16 ext4" {
		t.Errorf("loadOrder = %q, %v", g, err)
	}
}

func TestLoadOrderErrors(t *testing.T) {
	if _, err := loadOrder([]string{"virtio_blk"}, map[string][]string{"virtio_blk": {"virtio"}}, nil); err == nil || !strings.Contains(err.Error(), "virtio (needed by virtio_blk)") {
		t.Errorf("missing dependency: err %v", err)
	}
	if _, err := loadOrder([]string{"ext4"}, nil, nil); err == nil || !strings.Contains(err.Error(), "module ext4") {
		t.Errorf("missing module: err %v", err)
	}
	cyc := map[string][]string{"a": {"b"}, "b": {"a"}}
	if _, err := loadOrder([]string{"a"}, cyc, nil); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("cycle: err %v", err)
	}
}

func TestParseModinfo(t *testing.T) {
	b := []byte("license=GPL\x00depends=virtio,virtio-ring\x00intree=Y\x00")
	if got := parseModinfo(b); strings.Join(got, " ") != "virtio virtio_ring" {
		t.Errorf("parseModinfo = %q", got)
	}
	if got := parseModinfo([]byte("depends=\x00")); len(got) != 0 || got == nil {
		t.Errorf("empty depends = %#v, want an empty non-nil list", got)
	}
	if modName("kernel/drivers/char/hw_random/virtio-rng.ko") != "virtio_rng" || modName("ext4.ko.xz") != "ext4" {
		t.Error("modName does not normalise file names")
	}
}

// TestVolumeModulesFromPackage resolves volumeModules against the unpacked
// Debian package, when the suite has cached it.
func TestVolumeModulesFromPackage(t *testing.T) {
	home, _ := os.UserCacheDir()
	dirs, _ := filepath.Glob(filepath.Join(home, "unigo-bench", "linux-image-*", "lib", "modules", "*"))
	if len(dirs) == 0 {
		t.Skip("no cached kernel package (go run ./bench unpacks one)")
	}
	tree, err := readModuleTree(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	ents, order, err := tree.resolve(volumeModules)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(order, "virtio_blk") || !(slices.Contains(order, "ext4") || tree.builtin["ext4"]) {
		t.Errorf("order %v (ext4 built in: %v)", order, tree.builtin["ext4"])
	}
	last := ents[len(ents)-1]
	if last.name != "lib/modules/order" || string(last.data) != strings.Join(order, "\n")+"\n" {
		t.Errorf("last entry %s = %q", last.name, last.data)
	}
	if len(ents) != len(order)+3 {
		t.Errorf("%d entries for %d modules", len(ents), len(order))
	}
}

// TestVolumeArgsMatchUnigoRun checks that the suite gives QEMU the disk the
// way `unigo run -v` does, on every machine.
func TestVolumeArgsMatchUnigoRun(t *testing.T) {
	for _, m := range vmm.Machines {
		s := &suite{machine: m}
		_, got := s.volumeArgs("unigo", "/x/data,1.img")
		argv, err := vmm.Command(vmm.Config{Machine: m, Accel: vmm.AccelTCG, MemBytes: 128 * vmm.MiB, CPUs: 1, Image: "g.img",
			Volumes: []vmm.Volume{{Image: "/x/data,1.img", Guest: volumeGuest}}})
		if err != nil {
			t.Fatal(err)
		}
		want := func(flag string, a []string) string {
			for i := range a[:len(a)-1] {
				if a[i] == flag && (flag != "-device" || strings.Contains(a[i+1], "blk")) {
					return a[i+1]
				}
			}
			return ""
		}
		for _, f := range []string{"-drive", "-device"} {
			if g, w := want(f, got), want(f, argv); g != w || g == "" {
				t.Errorf("%s: %s %q, unigo run gives %q", m, f, g, w)
			}
		}
		if mg, mw := s.deviceMachine("unigo"), want("-M", argv); mg != mw {
			t.Errorf("%s: unigo machine %q, unigo run gives %q", m, mg, mw)
		}
	}
}

func TestVolumeRows(t *testing.T) {
	samples := map[string]map[string][]float64{
		"unigo": {"volume_seq_write": {40, 50, 60}, "volume_seq_read": {200}, "volume_fsync_4k": {900, 1000, 1100}, "files_seq_write": {600}},
		"linux": {"volume_seq_write": {50}, "volume_seq_read": {100}, "volume_fsync_4k": {500}, "files_seq_write": {100}},
	}
	r := &Results{Conditions: Conditions{Runs: 3}, Figures: derive(collect(samples)),
		Sizes: Sizes{UnigoImage: 4 << 20, FilesGrowth: &FilesGrowth{PayloadMiB: 8, SmallFiles: 1000,
			Base: 10 << 20, Random: 10<<20 + 8<<20 + 8*1024, Small: 10<<20 + 9<<20}}}
	var keys []string
	for _, f := range r.Figures {
		keys = append(keys, f.Key)
	}
	if g := strings.Join(keys, " "); g != "files_seq_write volume_seq_write volume_seq_read volume_fsync_4k" {
		t.Fatalf("rows %s", g)
	}
	md := r.Markdown()
	for _, want := range []string{
		"| volume (fresh 256 MiB ext2 image on virtio-blk at /data, cache=writeback): sequential write of 32 MiB in 1 MiB writes + fsync (MiB/s) | 50.0 (40.0–60.0) | 50.0 | 1.00× |",
		"(ops/s) | 1000 (900–1100) | 500 | 2.00× |",
		"(MiB/s), 1 runs | 200 | 100 | 2.00× |",
		"| image size growth per MiB of --files (ELF + root tar; unigo only), 8 MiB of random bytes in one file | 1049600 B (1.001 MiB) | — | — |",
		"the same 8 MiB in 1000 files | 1179648 B (1.125 MiB) | — | — |",
		"files (tmpfs at /tmp on both sides, memory only)",
		"cache=writeback",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "not a volume yet") || strings.Contains(md, "no persistent volumes yet") {
		t.Errorf("markdown still says unigo has no volumes:\n%s", md)
	}
}

func TestWritePayloads(t *testing.T) {
	random, small, err := writePayloads(filepath.Join(t.TempDir(), "p"), 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	size := func(dir string) (n int64, files int) {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			fi, _ := e.Info()
			n += fi.Size()
			files++
		}
		return
	}
	if n, f := size(random); n != 1<<20 || f != 1 {
		t.Errorf("random: %d bytes in %d files", n, f)
	}
	if n, f := size(small); n != 1<<20 || f != 7 {
		t.Errorf("small: %d bytes in %d files", n, f)
	}
}
