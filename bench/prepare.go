package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// linuxKernel is the Linux side's kernel, from Debian's package.
type linuxKernel struct {
	Package   string // e.g. linux-image-6.1.0-56-cloud-amd64
	Version   string // the package version
	BzImage   string // path of the packaged vmlinuz
	Modules   string // the package's lib/modules/<version> directory
	Vmlinux   string // path of the extracted ELF, or "" if extraction failed
	Boot      string // the file QEMU boots (-kernel)
	BootNote  string // how it boots
	ExtractMs float64
}

// prepareLinuxKernel downloads linux-image-cloud-amd64 with apt-get, follows
// the metapackage to the real image package, unpacks it with dpkg-deb -x
// into the cache, and extracts an uncompressed vmlinux from the bzImage (it
// boots through its PVH note on microvm, the fastest configuration here). If
// extraction fails the bzImage is booted instead (it needs about 80 MiB).
func (s *suite) prepareLinuxKernel() (*linuxKernel, error) {
	dl := filepath.Join(s.cache, "deb")
	if err := os.MkdirAll(dl, 0o777); err != nil {
		return nil, err
	}
	os.Chmod(dl, 0o777) // let apt's sandbox user write there
	meta := "linux-image-cloud-amd64"
	metaDeb, err := s.aptDownload(dl, meta)
	if err != nil {
		return nil, err
	}
	dep, err := exec.Command("dpkg-deb", "-f", metaDeb, "Depends").Output()
	if err != nil {
		return nil, fmt.Errorf("dpkg-deb -f %s: %v", metaDeb, err)
	}
	m := regexp.MustCompile(`linux-image-[0-9][^ ,(]*-cloud-amd64`).FindString(string(dep))
	if m == "" {
		return nil, fmt.Errorf("%s depends on %q: no linux-image-*-cloud-amd64", meta, dep)
	}
	deb, err := s.aptDownload(dl, m)
	if err != nil {
		return nil, err
	}
	ver, _ := exec.Command("dpkg-deb", "-f", deb, "Version").Output()
	k := &linuxKernel{Package: m, Version: strings.TrimSpace(string(ver))}
	root := filepath.Join(s.cache, m)
	k.BzImage = filepath.Join(root, "boot", "vmlinuz-"+strings.TrimPrefix(m, "linux-image-"))
	k.Modules = filepath.Join(root, "lib", "modules", strings.TrimPrefix(m, "linux-image-"))
	if _, err := os.Stat(k.BzImage); err != nil {
		if out, err := exec.Command("dpkg-deb", "-x", deb, root).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("dpkg-deb -x: %v: %s", err, out)
		}
	}
	if _, err := os.Stat(k.BzImage); err != nil {
		return nil, fmt.Errorf("%s has no %s", deb, k.BzImage)
	}
	vml := filepath.Join(root, "vmlinux")
	if _, err := os.Stat(vml); err != nil {
		bz, err := os.ReadFile(k.BzImage)
		if err != nil {
			return nil, err
		}
		v, err := extractVmlinux(bz)
		if err != nil {
			s.logf("extract-vmlinux: %v: booting the bzImage instead", err)
		} else if err := os.WriteFile(vml, v, 0o644); err != nil {
			return nil, err
		}
	}
	if _, err := os.Stat(vml); err == nil {
		k.Vmlinux, k.Boot = vml, vml
		k.BootNote = "uncompressed vmlinux (extracted from the package's bzImage), PVH entry"
	} else {
		k.Boot = k.BzImage
		k.BootNote = "the package's bzImage (extraction failed), Linux boot protocol"
	}
	return k, nil
}

// aptDownload runs apt-get download pkg in dir (once: a .deb already there is
// reused) and returns the .deb's path. With no package lists yet (a fresh
// machine) it runs apt-get update once and tries again.
func (s *suite) aptDownload(dir, pkg string) (string, error) {
	find := func() string {
		m, _ := filepath.Glob(filepath.Join(dir, pkg+"_*.deb"))
		if len(m) > 0 {
			return m[len(m)-1]
		}
		return ""
	}
	if f := find(); f != "" {
		return f, nil
	}
	for try := 0; try < 2; try++ {
		s.logf("apt-get download %s", pkg)
		cmd := exec.Command("apt-get", "download", "-q", pkg)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if f := find(); err == nil && f != "" {
			return f, nil
		}
		if try == 0 {
			s.logf("apt-get download failed (%v); running apt-get update", err)
			if o, err := exec.Command("apt-get", "update", "-q").CombinedOutput(); err != nil {
				return "", fmt.Errorf("apt-get update: %v: %s", err, tail(string(o), 5))
			}
			continue
		}
		return "", fmt.Errorf("apt-get download %s: %v: %s", pkg, err, tail(string(out), 5))
	}
	return "", errors.New("unreachable")
}

// buildGuests builds the guest program twice from the same source: as a
// unigo image with the unigo CLI, and as a static Linux binary packed as
// /init into a gzip'd newc initramfs.
func (s *suite) buildGuests() (unigoImg, initBin, initrd string, err error) {
	dir := filepath.Join(s.cache, "build")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", "", err
	}
	unigoImg = filepath.Join(dir, "guest.img")
	initBin = filepath.Join(dir, "init")
	initrd = filepath.Join(dir, "initramfs.cpio.gz")
	run := s.goRun
	s.logf("building the guest: unigo image (go run ./cmd/unigo build) and Linux /init (CGO_ENABLED=0)")
	if err := run(nil, "run", "./cmd/unigo", "build", "-o", unigoImg, "./bench/guest"); err != nil {
		return "", "", "", err
	}
	if err := run([]string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64"}, "build", "-o", initBin, "./bench/guest"); err != nil {
		return "", "", "", err
	}
	b, err := os.ReadFile(initBin)
	if err != nil {
		return "", "", "", err
	}
	cpio, err := initramfs(b)
	if err != nil {
		return "", "", "", err
	}
	return unigoImg, initBin, initrd, os.WriteFile(initrd, cpio, 0o644)
}

// goRun runs the go command in the module root with env added, and returns
// its output with the error.
func (s *suite) goRun(env []string, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = s.root
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return nil
}

// netModules are the kernel modules the network initramfs carries, in the
// order bench/guest (net_linux_amd64.go) loads them.
var netModules = []string{"virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev",
	"virtio_pci", "virtio_mmio", "failover", "net_failover", "virtio_net"}

// buildNetGuests builds the network build of the guest (-tags benchnet,
// which adds httpd and with it net/http, so `unigo build` links the
// netstack service): the unigo image, and the Linux /init packed with the
// virtio modules from k's package as /lib/modules/<name>.ko. The modules
// must be uncompressed .ko files (Debian's 6.1 cloud kernel ships them so);
// compressed ones are refused, and httpd then fails on Linux alone.
func (s *suite) buildNetGuests(k *linuxKernel) (unigoImg, initrd string, err error) {
	dir := filepath.Join(s.cache, "build")
	unigoImg = filepath.Join(dir, "guest-net.img")
	initBin := filepath.Join(dir, "init-net")
	initrd = filepath.Join(dir, "initramfs-net.cpio.gz")
	run := s.goRun
	s.logf("building the network guest (-tags benchnet): unigo image and Linux /init with the virtio modules")
	if err := run([]string{"GOFLAGS=-tags=benchnet"}, "run", "./cmd/unigo", "build", "-o", unigoImg, "./bench/guest"); err != nil {
		return "", "", err
	}
	if err := run([]string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64"}, "build", "-tags", "benchnet", "-o", initBin, "./bench/guest"); err != nil {
		return "", "", err
	}
	found := map[string]string{}
	filepath.WalkDir(filepath.Join(k.Modules, "kernel"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			found[d.Name()] = p
		}
		return nil
	})
	entries := []cpioEntry{{name: "lib", mode: cpioDir | 0755}, {name: "lib/modules", mode: cpioDir | 0755}}
	for _, m := range netModules {
		p, ok := found[m+".ko"]
		if !ok {
			for _, z := range []string{".ko.xz", ".ko.zst", ".ko.gz"} {
				if _, c := found[m+z]; c {
					s.logf("module %s is compressed (%s): not supported, httpd will fail on Linux", m, z)
				}
			}
			continue // built in, or absent
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return "", "", err
		}
		entries = append(entries, cpioEntry{name: "lib/modules/" + m + ".ko", mode: cpioReg | 0644, data: b})
	}
	b, err := os.ReadFile(initBin)
	if err != nil {
		return "", "", err
	}
	cpio, err := initramfs(b, entries...)
	if err != nil {
		return "", "", err
	}
	return unigoImg, initrd, os.WriteFile(initrd, cpio, 0o644)
}

// moduleRoot is the directory of the unigo module's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run the suite inside the unigo module (go run ./bench)")
	}
	return filepath.Dir(gomod), nil
}

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return st.Size()
}
