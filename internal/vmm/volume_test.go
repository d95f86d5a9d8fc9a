package vmm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommandGivesEachVolumeADriveAndDeviceInOrder(t *testing.T) {
	vols := []Volume{{Image: "data.img", Guest: "/data"}, {Image: "/x/a,b.img", Guest: "/srv/my files", ReadOnly: true}}
	for _, c := range []struct {
		machine, dev string
	}{{"microvm", "virtio-blk-device"}, {"q35", "virtio-blk-pci"}, {"pc", "virtio-blk-pci"}} {
		argv, err := Command(Config{Machine: c.machine, Accel: "tcg", MemBytes: 256 * MiB, CPUs: 1, Image: "k.img",
			Cmdline: "unigo.seed=00 -- arg=hello", Volumes: vols})
		if err != nil {
			t.Fatal(err)
		}
		got := ShellQuote(argv)
		want := "-drive file=data.img,if=none,id=vol0,format=raw,cache=writeback -device " + c.dev + ",drive=vol0 " +
			"-drive file=/x/a,,b.img,if=none,id=vol1,format=raw,cache=writeback,readonly=on -device " + c.dev + ",drive=vol1"
		if !strings.Contains(got, want) {
			t.Errorf("%s: QEMU args\n got %s\nwant them to contain %s", c.machine, got, want)
		}
		if !strings.Contains(got, "-append 'unigo.seed=00 -- arg=hello unigo.vol=/data unigo.vol=/srv/my%20files:ro'") {
			t.Errorf("%s: kernel command line lacks the volume options in order: %s", c.machine, got)
		}
	}
}

func TestVolumeOptionsDecodeAsTheKernelSeesThem(t *testing.T) {
	line := "unigo.seed=00 -- arg=x " + strings.Join(VolumeOptions([]Volume{{Guest: "/a%b"}, {Guest: "/c", ReadOnly: true}}), " ")
	c, err := DecodeCmdline(line)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Kernel) != 3 || c.Kernel[1] != "unigo.vol=/a%25b" || c.Kernel[2] != "unigo.vol=/c:ro" {
		t.Errorf("kernel options %q", c.Kernel)
	}
}

func TestCommandRefusesMoreThanFourVolumes(t *testing.T) {
	cfg := Config{Machine: "microvm", Accel: "tcg", MemBytes: 64 * MiB, CPUs: 1, Image: "k", Volumes: make([]Volume, 5)}
	if _, err := Command(cfg); err == nil {
		t.Error("five volumes accepted")
	}
}

func TestParseVolume(t *testing.T) {
	for spec, want := range map[string]Volume{
		"d.img:/data":       {Image: "d.img", Guest: "/data"},
		"d.img:/data/:ro":   {Image: "d.img", Guest: "/data", ReadOnly: true},
		"d.img:/a/../b:rw":  {Image: "d.img", Guest: "/b"},
		"/abs/d.img:/x/y/z": {Image: "/abs/d.img", Guest: "/x/y/z"},
	} {
		got, err := ParseVolume(spec)
		if err != nil || got != want {
			t.Errorf("ParseVolume(%q) = %+v, %v; want %+v", spec, got, err, want)
		}
	}
	for _, bad := range []string{"d.img", "d.img:x", "d.img:/", "d.img:/x:ro:rw", "d.img:/x:sync", ":/x", "d.img:/" + strings.Repeat("a", 200)} {
		if v, err := ParseVolume(bad); err == nil {
			t.Errorf("ParseVolume(%q) = %+v, want an error", bad, v)
		}
	}
}

func TestCheckVolumeWantsAnExt2Image(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.img")
	b := make([]byte, 2048)
	b[1080], b[1081] = 0x53, 0xEF
	os.WriteFile(good, b, 0o644)
	if err := CheckVolume(Volume{Image: good, Guest: "/d"}); err != nil {
		t.Errorf("ext2 image: %v", err)
	}
	zeros := filepath.Join(dir, "zeros.img")
	os.WriteFile(zeros, make([]byte, 2048), 0o644)
	for img, want := range map[string]string{
		filepath.Join(dir, "none.img"): "no such file; create it with `unigo volume create --size 1G ",
		dir:                            "not a regular file",
		zeros:                          "bad magic 0x0000 at byte 1080",
	} {
		err := CheckVolume(Volume{Image: img, Guest: "/d"})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "volume "+img+":") {
			t.Errorf("CheckVolume(%s) = %v; want it to name the image and say %q", img, err, want)
		}
	}
}

func TestQEMUImageLockErrorNamesTheVolume(t *testing.T) {
	for _, stderr := range []string{
		"qemu-system-x86_64: -device virtio-blk-device,drive=vol0: Failed to get \"write\" lock\nIs another process using the image [data.img]?\n",
		"qemu-system-x86_64: -device virtio-blk-pci,drive=vol0: Failed to get shared \"write\" lock\nIs another process using the image [data.img]?\n",
	} {
		got := explainLockFailure(stderr)
		if !strings.HasPrefix(got, "volume data.img is in use by another VM") {
			t.Errorf("explainLockFailure(%q) = %q", stderr, got)
		}
	}
	if got := explainLockFailure("qemu-system-x86_64: -kernel x: No such file\n"); got != "" {
		t.Errorf("an unrelated error explained as %q", got)
	}
}
