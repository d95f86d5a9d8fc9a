package volume

import (
	"os"
	"syscall"
)

// diskUsage is the space a file takes on disk.
func diskUsage(st os.FileInfo) int64 { return st.Sys().(*syscall.Stat_t).Blocks * 512 }
