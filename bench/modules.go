package main

import (
	"bufio"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Kernel modules for the Linux VM's initramfs, taken from the unpacked Debian
// package (lib/modules/<version>). The package ships no modules.dep (depmod runs
// at install time), so dependencies come from each .ko's own .modinfo section
// ("depends=a,b"), and modules.builtin says what needs no loading at all: in
// Debian's 6.1 cloud kernel ext4 (which serves ext2: CONFIG_EXT4_USE_FOR_EXT2)
// is built in, while virtio and virtio_blk are modules.

// volumeModules are what the Linux side of the volume workload asks for: the
// virtio transports (mmio for microvm, pci for pc and q35), the block driver and
// the file system that mounts ext2. Their dependencies are added by loadOrder.
var volumeModules = []string{"virtio_mmio", "virtio_pci", "virtio_blk", "ext4"}

// modName is a module's name as the kernel spells it: file names may use '-'
// where the module name has '_' (virtio-rng.ko is virtio_rng).
func modName(file string) string {
	for _, z := range []string{".ko.xz", ".ko.zst", ".ko.gz", ".ko"} {
		if strings.HasSuffix(file, z) {
			file = strings.TrimSuffix(file, z)
			break
		}
	}
	return strings.ReplaceAll(filepath.Base(file), "-", "_")
}

// loadOrder returns the modules to load for want, each after its
// dependencies, leaving out built-in ones.
//
//   - deps maps every loadable module to its dependencies (.modinfo depends=).
//   - builtin holds the modules built into the kernel.
//
// A wanted module or dependency that is neither loadable nor built in, or a
// dependency cycle, is an error.
func loadOrder(want []string, deps map[string][]string, builtin map[string]bool) ([]string, error) {
	var order []string
	state := map[string]int{} // 0 unseen, 1 on the path, 2 placed
	var visit func(m string, path []string) error
	visit = func(m string, path []string) error {
		m = strings.ReplaceAll(m, "-", "_")
		switch {
		case state[m] == 2 || builtin[m]:
			return nil
		case state[m] == 1:
			return fmt.Errorf("module dependency cycle: %s -> %s", strings.Join(path, " -> "), m)
		}
		d, ok := deps[m]
		if !ok {
			if len(path) == 0 {
				return fmt.Errorf("module %s: neither built in nor in the package's module tree", m)
			}
			return fmt.Errorf("module %s (needed by %s): neither built in nor in the package's module tree", m, path[len(path)-1])
		}
		state[m] = 1
		for _, x := range d {
			if err := visit(x, append(path, m)); err != nil {
				return err
			}
		}
		state[m] = 2
		order = append(order, m)
		return nil
	}
	for _, m := range want {
		if err := visit(m, nil); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// parseModinfo returns the depends= list of a .modinfo section (NUL-separated
// key=value strings).
func parseModinfo(b []byte) []string {
	for _, kv := range strings.Split(string(b), "\x00") {
		if v, ok := strings.CutPrefix(kv, "depends="); ok {
			if v == "" {
				return []string{}
			}
			var d []string
			for _, x := range strings.Split(v, ",") {
				d = append(d, strings.ReplaceAll(x, "-", "_"))
			}
			return d
		}
	}
	return []string{}
}

// moduleTree is the module files of an unpacked kernel package.
type moduleTree struct {
	files   map[string]string // module name -> path of its .ko (or compressed .ko)
	builtin map[string]bool
}

// readModuleTree indexes dir (lib/modules/<version>): the files under kernel/ and
// the names in modules.builtin.
func readModuleTree(dir string) (*moduleTree, error) {
	t := &moduleTree{files: map[string]string{}, builtin: map[string]bool{}}
	err := filepath.WalkDir(filepath.Join(dir, "kernel"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(d.Name(), ".ko") {
			t.files[modName(d.Name())] = p
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(dir, "modules.builtin"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			t.builtin[modName(l)] = true
		}
	}
	return t, sc.Err()
}

// resolve returns want and their dependencies in load order as cpio entries
// /lib/modules/<name>.ko, plus /lib/modules/order listing the names one a line
// in that order (the guest's /init loads exactly those: bench/guest,
// loadModulesLinux). Compressed modules are refused.
func (t *moduleTree) resolve(want []string) ([]cpioEntry, []string, error) {
	deps := map[string][]string{}
	var read func(m string) error
	read = func(m string) error {
		if _, done := deps[m]; done || t.builtin[m] {
			return nil
		}
		p, ok := t.files[m]
		if !ok {
			return nil // loadOrder names it
		}
		if !strings.HasSuffix(p, ".ko") {
			return fmt.Errorf("module %s is compressed (%s): not supported", m, filepath.Base(p))
		}
		f, err := elf.Open(p)
		if err != nil {
			return fmt.Errorf("module %s: %v", m, err)
		}
		defer f.Close()
		sec := f.Section(".modinfo")
		if sec == nil {
			return fmt.Errorf("module %s: no .modinfo section", m)
		}
		b, err := sec.Data()
		if err != nil {
			return fmt.Errorf("module %s: %v", m, err)
		}
		deps[m] = parseModinfo(b)
		for _, d := range deps[m] {
			if err := read(d); err != nil {
				return err
			}
		}
		return nil
	}
	for _, m := range want {
		if err := read(m); err != nil {
			return nil, nil, err
		}
	}
	order, err := loadOrder(want, deps, t.builtin)
	if err != nil {
		return nil, nil, err
	}
	entries := []cpioEntry{{name: "lib", mode: cpioDir | 0755}, {name: "lib/modules", mode: cpioDir | 0755}}
	for _, m := range order {
		b, err := os.ReadFile(t.files[m])
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, cpioEntry{name: "lib/modules/" + m + ".ko", mode: cpioReg | 0644, data: b})
	}
	entries = append(entries, cpioEntry{name: "lib/modules/order", mode: cpioReg | 0644, data: []byte(strings.Join(order, "\n") + "\n")})
	return entries, order, nil
}
