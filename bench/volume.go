package main

import (
	"os"
	"path/filepath"

	"github.com/unigo-os/unigo/internal/build"
	"github.com/unigo-os/unigo/internal/volume"
)

// The volume workload (issue 4): the files guest on a fresh ext2 volume at
// /data on both sides. Each run gets a new image from volume.Create, the code
// behind `unigo volume create` (sparse: only the metadata is written), so no
// run sees another's files or a warm host page cache of its blocks. QEMU
// attaches it as virtio-blk with cache=writeback on both sides (vm.go:
// volumeArgs). unigo mounts it through unigo.vol=/data (main.go); Linux's
// /init loads the block modules this file packs and mounts /dev/vda as ext2
// (bench/guest: mountVolumeLinux).

// volumeGuest is the guest path of the volume on both sides.
const volumeGuest = "/data"

// freshVolume creates a new volume image of size bytes in the cache and
// returns its path and a function that removes it.
func (s *suite) freshVolume(size int64) (string, func(), error) {
	dir, err := os.MkdirTemp(s.cache, "vol-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	img := filepath.Join(dir, "data.img")
	if err := volume.Create(img, size, volume.Options{Label: "bench"}); err != nil {
		cleanup()
		return "", nil, err
	}
	return img, cleanup, nil
}

// buildVolumeBoot writes what the two sides boot for the volume workload,
// around the default guest build: for unigo the root archive with the mount
// point /data (as `unigo run -v` packs it; the image is the default
// guest.img), for Linux an initramfs with /init (initBin) and the modules
// volumeModules need, in load order, from k's package.
func (s *suite) buildVolumeBoot(k *linuxKernel, initBin string) (unigoRoot, initrd string, err error) {
	dir := filepath.Join(s.cache, "build")
	unigoRoot = filepath.Join(dir, "guest-vol.root.tar")
	initrd = filepath.Join(dir, "initramfs-vol.cpio.gz")
	if err := build.PackRoot(unigoRoot, build.RootOptions{Dirs: []string{volumeGuest}}); err != nil {
		return "", "", err
	}
	tree, err := readModuleTree(k.Modules)
	if err != nil {
		return "", "", err
	}
	mods, order, err := tree.resolve(volumeModules)
	if err != nil {
		return "", "", err
	}
	s.logf("volume initramfs: modules %v (built in: %v)", order, builtinOf(tree, volumeModules))
	b, err := os.ReadFile(initBin)
	if err != nil {
		return "", "", err
	}
	cpio, err := initramfs(b, mods...)
	if err != nil {
		return "", "", err
	}
	return unigoRoot, initrd, os.WriteFile(initrd, cpio, 0o644)
}

// builtinOf returns the names in want that t's kernel has built in.
func builtinOf(t *moduleTree, want []string) []string {
	var b []string
	for _, m := range want {
		if t.builtin[m] {
			b = append(b, m)
		}
	}
	return b
}
