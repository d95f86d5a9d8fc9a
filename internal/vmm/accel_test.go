package vmm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeHost points ResolveAccel at a fake /dev/kvm and /proc/cpuinfo.
func fakeHost(t *testing.T, kvm bool, flags string) {
	dir := t.TempDir()
	oldKVM, oldInfo := kvmDevice, cpuinfo
	t.Cleanup(func() { kvmDevice, cpuinfo = oldKVM, oldInfo })
	kvmDevice = filepath.Join(dir, "kvm")
	cpuinfo = filepath.Join(dir, "cpuinfo")
	if kvm {
		if err := os.WriteFile(kvmDevice, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	info := "processor\t: 0\nflags\t\t: " + flags + "\n\nprocessor\t: 1\nflags\t\t: " + flags + "\n"
	if err := os.WriteFile(cpuinfo, []byte(info), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestResolveAccel(t *testing.T) {
	cases := []struct {
		kvm        bool
		flags      string
		want       string
		gotAccel   string
		reasonPart string
		wantErr    bool
	}{
		{true, "fpu vmx sse", "auto", "kvm", "usable", false},
		{true, "fpu svm sse", "auto", "kvm", "usable", false},
		{true, "fpu sse vmxx", "auto", "tcg", "no vmx/svm in", false},
		{false, "fpu vmx", "auto", "tcg", "no ", false},
		{false, "fpu vmx", "tcg", "tcg", "requested", false},
		{true, "vmx", "kvm", "kvm", "requested", false},
		{false, "vmx", "kvm", "", "", true},
		{true, "sse", "kvm", "", "", true},
		{true, "vmx", "hvf", "", "", true},
	}
	for _, c := range cases {
		fakeHost(t, c.kvm, c.flags)
		accel, reason, err := ResolveAccel(c.want)
		if c.wantErr {
			if err == nil {
				t.Errorf("kvm=%v flags=%q want=%s: got %s, want error", c.kvm, c.flags, c.want, accel)
			}
			continue
		}
		if err != nil || accel != c.gotAccel || !strings.Contains(reason, c.reasonPart) {
			t.Errorf("kvm=%v flags=%q want=%s: got %s (%s), %v; want %s (%s...)",
				c.kvm, c.flags, c.want, accel, reason, err, c.gotAccel, c.reasonPart)
		}
	}
}
