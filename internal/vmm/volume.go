package vmm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Volumes: host image files holding ext2 file systems, which the guest mounts read-write
// (or read-only) through virtio-blk. `unigo run -v data.img:/data` gives QEMU
//
//	-drive file=data.img,if=none,id=vol0,format=raw,cache=writeback
//	-device virtio-blk-device,drive=vol0     (virtio-blk-pci on pc and q35)
//
// and the kernel `unigo.vol=/data` (docs/cmdline.md). The kernel numbers block devices in
// the order it finds them, which is the order of the -drive/-device pairs, so the i-th
// unigo.vol option names the i-th volume.

// VolOption is the kernel option naming one volume's mount point: unigo.vol=PATH[:ro],
// PATH percent-encoded as program arguments are.
const VolOption = "unigo.vol"

// MaxVolumes is how many volumes the kernel drives.
const MaxVolumes = 4

// maxGuestPath bounds a volume's mount point (the kernel decodes it into a fixed buffer).
const maxGuestPath = 200

// Volume is one -v HOSTIMG:/guest/path[:ro].
type Volume struct {
	Image    string // the host image file
	Guest    string // the mount point in the guest: absolute and cleaned
	ReadOnly bool
}

// String gives the spec back in -v syntax.
func (v Volume) String() string {
	s := v.Image + ":" + v.Guest
	if v.ReadOnly {
		s += ":ro"
	}
	return s
}

// ParseVolume parses HOSTIMG:/guest/path[:ro|:rw]. It checks only the syntax; CheckVolume
// looks at the image.
func ParseVolume(spec string) (Volume, error) {
	parts := strings.Split(spec, ":")
	var v Volume
	switch len(parts) {
	case 3:
		switch parts[2] {
		case "ro":
			v.ReadOnly = true
		case "rw":
		default:
			return v, fmt.Errorf("volume %q: unknown option %q (want ro or rw)", spec, parts[2])
		}
	case 2:
	default:
		if len(parts) < 2 {
			return v, fmt.Errorf("volume %q: want HOSTIMG:/guest/path[:ro]", spec)
		}
		return v, fmt.Errorf("volume %q: too many colons (want HOSTIMG:/guest/path[:ro]; an image path may not contain ':')", spec)
	}
	v.Image, v.Guest = parts[0], parts[1]
	if v.Image == "" {
		return v, fmt.Errorf("volume %q: empty image path", spec)
	}
	if !strings.HasPrefix(v.Guest, "/") {
		return v, fmt.Errorf("volume %q: guest path %q must be absolute (start with /)", spec, v.Guest)
	}
	v.Guest = path.Clean(v.Guest)
	if v.Guest == "/" {
		return v, fmt.Errorf("volume %q: cannot mount a volume at / (the root is the packed file system)", spec)
	}
	if len(v.Guest) > maxGuestPath {
		return v, fmt.Errorf("volume %q: guest path longer than %d bytes", spec, maxGuestPath)
	}
	return v, nil
}

// CheckVolumes checks a run's volumes against each other and the kernel's own mounts
// (reserved paths such as /dev and /proc, and the tmpfs): at most MaxVolumes, distinct
// images, distinct guest paths, none inside another or inside a reserved path.
func CheckVolumes(vols []Volume, reserved []string) error {
	if len(vols) > MaxVolumes {
		return fmt.Errorf("%d volumes; the kernel drives at most %d", len(vols), MaxVolumes)
	}
	for i, a := range vols {
		for _, r := range reserved {
			if r != "" && (a.Guest == r || strings.HasPrefix(a.Guest, r+"/")) {
				return fmt.Errorf("volume %s: guest path %s lies in %s, which the kernel mounts itself", a, a.Guest, r)
			}
		}
		for _, b := range vols[:i] {
			switch {
			case a.Guest == b.Guest:
				return fmt.Errorf("volumes %s and %s: the same guest path twice", b, a)
			case strings.HasPrefix(a.Guest, b.Guest+"/"), strings.HasPrefix(b.Guest, a.Guest+"/"):
				return fmt.Errorf("volumes %s and %s: one guest path lies inside the other (nested volumes are not supported)", b, a)
			case sameFile(a.Image, b.Image):
				return fmt.Errorf("volumes %s and %s: the same image twice", b, a)
			}
		}
	}
	return nil
}

func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// ext2 superblock: 1024 bytes from the start of the image; s_magic is at offset 56.
const (
	ext2MagicOffset = 1024 + 56
	ext2Magic       = 0xEF53
)

// CheckVolume checks v's image before QEMU sees it: a regular file that holds an ext2
// file system, which we can write unless v is read-only.
func CheckVolume(v Volume) error {
	create := fmt.Sprintf("create it with `unigo volume create --size 1G %s`", v.Image)
	fi, err := os.Stat(v.Image)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("volume %s: no such file; %s", v.Image, create)
	}
	if err != nil {
		return fmt.Errorf("volume %s: %v", v.Image, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("volume %s: not a regular file (a volume is an image file holding an ext2 file system)", v.Image)
	}
	flag := os.O_RDWR
	if v.ReadOnly {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(v.Image, flag, 0)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) && !v.ReadOnly {
			return fmt.Errorf("volume %s: cannot open it for writing (%v); add :ro to mount it read-only", v.Image, err)
		}
		return fmt.Errorf("volume %s: %v", v.Image, err)
	}
	defer f.Close()
	var b [2]byte
	if _, err := f.ReadAt(b[:], ext2MagicOffset); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("volume %s: not an ext2 file system (%d bytes, too small for a superblock); %s", v.Image, fi.Size(), create)
		}
		return fmt.Errorf("volume %s: %v", v.Image, err)
	}
	if m := binary.LittleEndian.Uint16(b[:]); m != ext2Magic {
		return fmt.Errorf("volume %s: not an ext2 file system (bad magic %#04x at byte %d, want %#04x); %s",
			v.Image, m, ext2MagicOffset, ext2Magic, create)
	}
	return nil
}

// VolumeOptions returns the kernel options for vols, in order.
func VolumeOptions(vols []Volume) []string {
	var o []string
	for _, v := range vols {
		s := VolOption + "=" + escape(v.Guest)
		if v.ReadOnly {
			s += ":ro"
		}
		o = append(o, s)
	}
	return o
}

// volumeArgs returns QEMU's -drive and -device arguments for vols. The cache is
// writeback (the host's page cache; the guest's FLUSH makes writes durable) and QEMU's
// image locking stays on, so a second VM on the same image fails to start.
func volumeArgs(machine string, vols []Volume) []string {
	dev := "virtio-blk-pci"
	if machine == MachineMicrovm {
		dev = "virtio-blk-device"
	}
	var a []string
	for i, v := range vols {
		id := "vol" + strconv.Itoa(i)
		drive := "file=" + strings.ReplaceAll(v.Image, ",", ",,") + ",if=none,id=" + id + ",format=raw,cache=writeback"
		if v.ReadOnly {
			drive += ",readonly=on"
		}
		a = append(a, "-drive", drive, "-device", dev+",drive="+id)
	}
	return a
}

// qemuLockError matches QEMU's refusal to open an image another process has locked:
//
//	qemu-system-x86_64: -drive file=data.img,...: Failed to get "write" lock
//	Is another process using the image [data.img]?
var (
	qemuLockError = regexp.MustCompile(`Failed to get (shared )?"[a-z ]+" lock`)
	qemuLockImage = regexp.MustCompile(`Is another process using the image \[(.*)\]\?`)
)

// explainLockFailure turns QEMU's image-lock error into a message about the volume, or
// returns "" if stderr is about something else.
func explainLockFailure(stderr string) string {
	if !qemuLockError.MatchString(stderr) {
		return ""
	}
	img := "a volume image"
	if m := qemuLockImage.FindStringSubmatch(stderr); m != nil {
		img = "volume " + m[1]
	}
	return img + " is in use by another VM (another unigo run?); QEMU locks images so that two VMs never write one file system at once"
}
