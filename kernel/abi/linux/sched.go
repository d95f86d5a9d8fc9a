// Clone flags and scheduling policies, from include/uapi/linux/sched.h.

package linux

// clone(2)/clone3(2) flags, include/uapi/linux/sched.h.
const (
	CSIGNAL              = 0x000000ff
	CLONE_VM             = 0x100
	CLONE_FS             = 0x200
	CLONE_FILES          = 0x400
	CLONE_SIGHAND        = 0x800
	CLONE_PIDFD          = 0x1000
	CLONE_PTRACE         = 0x2000
	CLONE_VFORK          = 0x4000
	CLONE_PARENT         = 0x8000
	CLONE_THREAD         = 0x10000
	CLONE_NEWNS          = 0x20000
	CLONE_SYSVSEM        = 0x40000
	CLONE_SETTLS         = 0x80000
	CLONE_PARENT_SETTID  = 0x100000
	CLONE_CHILD_CLEARTID = 0x200000
	CLONE_DETACHED       = 0x400000
	CLONE_UNTRACED       = 0x800000
	CLONE_CHILD_SETTID   = 0x1000000
	CLONE_NEWCGROUP      = 0x2000000
	CLONE_NEWUTS         = 0x4000000
	CLONE_NEWIPC         = 0x8000000
	CLONE_NEWUSER        = 0x10000000
	CLONE_NEWPID         = 0x20000000
	CLONE_NEWNET         = 0x40000000
	CLONE_IO             = 0x80000000
)

// clone3(2)-only flags (bits above 32), include/uapi/linux/sched.h.
const (
	CLONE_CLEAR_SIGHAND = 0x100000000
	CLONE_INTO_CGROUP   = 0x200000000
	CLONE_NEWTIME       = 0x80
)

// struct clone_args sizes by version, include/uapi/linux/sched.h.
const (
	CLONE_ARGS_SIZE_VER0 = 0x40
	CLONE_ARGS_SIZE_VER1 = 0x50
	CLONE_ARGS_SIZE_VER2 = 0x58
)

// Scheduling policies, include/uapi/linux/sched.h.
const (
	SCHED_NORMAL        = 0x0
	SCHED_FIFO          = 0x1
	SCHED_RR            = 0x2
	SCHED_BATCH         = 0x3
	SCHED_IDLE          = 0x5
	SCHED_DEADLINE      = 0x6
	SCHED_EXT           = 0x7
	SCHED_RESET_ON_FORK = 0x40000000
)

// CloneArgs mirrors struct clone_args (include/uapi/linux/sched.h), the
// CLONE_ARGS_SIZE_VER2 (88-byte) version. Pointer fields are user addresses.
type CloneArgs struct {
	Flags      uint64 // CLONE_* (no CSIGNAL bits)
	Pidfd      uint64 // int *, for CLONE_PIDFD
	ChildTid   uint64 // pid_t *, for CLONE_CHILD_SETTID/CLEARTID
	ParentTid  uint64 // pid_t *, for CLONE_PARENT_SETTID
	ExitSignal uint64 // the signal sent to the parent on exit
	Stack      uint64 // lowest address of the child's stack
	StackSize  uint64
	TLS        uint64 // for CLONE_SETTLS: the new FS base on x86-64
	SetTid     uint64 // pid_t *
	SetTidSize uint64
	Cgroup     uint64 // for CLONE_INTO_CGROUP
}
