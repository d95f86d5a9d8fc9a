package e2e

import "testing"

// TestMmapFileKeepsSharedMappingsInStep maps files on the tmpfs: contents and offsets,
// pwrite/growth/truncate seen through an earlier MAP_SHARED mapping, MAP_PRIVATE stores
// kept private, MAP_SHARED stores reaching the file by msync and munmap, and Linux's
// errnos. The same program passes on Linux.
func TestMmapFileKeepsSharedMappingsInStep(t *testing.T) {
	r := runProg(t, opts{}, "mmapfile", nil)
	wantPass(t, r, "mmapfile")
}
