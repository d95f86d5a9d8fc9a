// wait4(2) and waitid(2) options, from include/uapi/linux/wait.h.

package linux

// Options, include/uapi/linux/wait.h.
const (
	WNOHANG    = 0x1
	WUNTRACED  = 0x2
	WSTOPPED   = 0x2
	WEXITED    = 0x4
	WCONTINUED = 0x8
	WNOWAIT    = 0x1000000
	// __WNOTHREAD, __WALL and __WCLONE in the header; the underscores would unexport them.
	WNOTHREAD = 0x20000000
	WALL      = 0x40000000
	WCLONE    = 0x80000000
)

// waitid(2) id types, include/uapi/linux/wait.h.
const (
	P_ALL   = 0x0
	P_PID   = 0x1
	P_PGID  = 0x2
	P_PIDFD = 0x3
)
