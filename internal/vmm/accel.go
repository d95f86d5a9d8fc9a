package vmm

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Host files consulted by ResolveAccel; variables so tests can point them
// elsewhere.
var (
	kvmDevice = "/dev/kvm"
	cpuinfo   = "/proc/cpuinfo"
)

// ResolveAccel turns --accel into AccelKVM or AccelTCG and says why.
//
// auto picks KVM only if /dev/kvm opens read-write and /proc/cpuinfo lists
// vmx or svm; otherwise TCG. An explicit kvm that cannot work is an error
// here rather than a QEMU failure later.
func ResolveAccel(want string) (accel, reason string, err error) {
	switch want {
	case AccelTCG:
		return AccelTCG, "requested", nil
	case AccelKVM, AccelAuto:
	default:
		return "", "", fmt.Errorf("unknown accelerator %q (want auto, kvm or tcg)", want)
	}
	why := kvmUnavailable()
	if why == "" {
		if want == AccelAuto {
			return AccelKVM, "/dev/kvm usable", nil
		}
		return AccelKVM, "requested", nil
	}
	if want == AccelKVM {
		return "", "", fmt.Errorf("--accel kvm: %s", why)
	}
	return AccelTCG, why, nil
}

// kvmUnavailable returns "" if KVM looks usable, else the reason it is not.
func kvmUnavailable() string {
	f, err := os.OpenFile(kvmDevice, os.O_RDWR, 0)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return "no " + kvmDevice
		case errors.Is(err, fs.ErrPermission):
			return "cannot open " + kvmDevice + " read-write: permission denied"
		}
		return "cannot open " + kvmDevice + ": " + err.Error()
	}
	f.Close()
	ok, err := cpuHasVirt(cpuinfo)
	if err != nil {
		return "cannot read " + cpuinfo + ": " + err.Error()
	}
	if !ok {
		return "no vmx/svm in " + cpuinfo
	}
	return ""
}

// cpuHasVirt reports whether a "flags" line of the cpuinfo file lists vmx
// (Intel VT-x) or svm (AMD-V).
func cpuHasVirt(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || strings.TrimSpace(key) != "flags" {
			continue
		}
		for _, fl := range strings.Fields(val) {
			if fl == "vmx" || fl == "svm" {
				return true, nil
			}
		}
	}
	return false, sc.Err()
}
