package fs

import "github.com/unigo-os/unigo/kernel/fs/ext2"

// resetExt2ForTest forgets volume vol's mount, so each test mounts a fresh image.
func resetExt2ForTest(vol int) { ext2.ResetForTest(vol) }
