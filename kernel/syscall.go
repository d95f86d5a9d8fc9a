package kernel

// The system call table: Linux x86-64 numbers to handlers. Every handler has the same
// signature, decodes its arguments from the trap frame (RDI, RSI, RDX, R10, R8, R9), and
// returns a result or an errno. A number without a handler returns ENOSYS and is reported
// once on the console by name.

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/klog"
)

type sysHandler func(t *thread, tf *TrapFrame) (uintptr, linux.Errno)

// How completely a syscall is implemented.
const (
	supFull    = iota + 1 // Linux semantics for everything the Go runtime and std use
	supPartial            // note says what is missing
	supENOSYS             // deliberately unimplemented: note says why
)

type sysEntry struct {
	name    string
	fn      sysHandler
	support uint8
	note    string
}

// sysTable is statically initialized by the linker (no init code): the first syscall
// arrives before any package initializer has run.
var sysTable = [linux.MaxSyscall + 1]sysEntry{
	linux.SYS_read:              {"read", sysRead, supPartial, "console, eventfd, pipes, files"},
	linux.SYS_write:             {"write", sysWrite, supPartial, "console, eventfd, pipes, files, devices"},
	linux.SYS_open:              {"open", sysOpen, supPartial, "as openat"},
	linux.SYS_stat:              {"stat", sysStat, supFull, ""},
	linux.SYS_lstat:             {"lstat", sysLstat, supFull, ""},
	linux.SYS_close:             {"close", sysClose, supFull, ""},
	linux.SYS_fstat:             {"fstat", sysFstat, supFull, ""},
	linux.SYS_lseek:             {"lseek", sysLseek, supFull, ""},
	linux.SYS_pread64:           {"pread64", sysPread64, supFull, ""},
	linux.SYS_pwrite64:          {"pwrite64", sysPwrite64, supFull, ""},
	linux.SYS_access:            {"access", sysAccess, supFull, ""},
	linux.SYS_mmap:              {"mmap", sysMmap, supPartial, "files are copied in; MAP_SHARED kept in step by copying (mmap_file.go)"},
	linux.SYS_mprotect:          {"mprotect", sysMprotect, supFull, ""},
	linux.SYS_munmap:            {"munmap", sysMunmap, supFull, ""},
	linux.SYS_msync:             {"msync", sysMsync, supFull, ""},
	linux.SYS_rt_sigaction:      {"rt_sigaction", sysRtSigaction, supFull, ""},
	linux.SYS_rt_sigprocmask:    {"rt_sigprocmask", sysRtSigprocmask, supFull, ""},
	linux.SYS_rt_sigreturn:      {"rt_sigreturn", sysRtSigreturn, supFull, ""},
	linux.SYS_ioctl:             {"ioctl", sysIoctl, supPartial, "ENOTTY for everything"},
	linux.SYS_readv:             {"readv", sysReadv, supPartial, "as read"},
	linux.SYS_writev:            {"writev", sysWritev, supPartial, "as write"},
	linux.SYS_sched_yield:       {"sched_yield", sysSchedYield, supFull, ""},
	linux.SYS_madvise:           {"madvise", sysMadvise, supPartial, "DONTNEED/FREE discard; other advice accepted as a hint"},
	linux.SYS_nanosleep:         {"nanosleep", sysNanosleep, supFull, ""},
	linux.SYS_getpid:            {"getpid", sysGetpid, supFull, ""},
	linux.SYS_socket:            {"socket", sysSocket, supFull, "AF_UNIX; AF_INET/AF_INET6 TCP and UDP through the netstack service"},
	linux.SYS_connect:           {"connect", sysConnect, supFull, ""},
	linux.SYS_accept:            {"accept", sysAccept, supFull, ""},
	linux.SYS_sendto:            {"sendto", sysSendto, supFull, ""},
	linux.SYS_recvfrom:          {"recvfrom", sysRecvfrom, supFull, ""},
	linux.SYS_sendmsg:           {"sendmsg", sysSendmsg, supPartial, "no control messages (SCM_RIGHTS): EOPNOTSUPP"},
	linux.SYS_recvmsg:           {"recvmsg", sysRecvmsg, supPartial, "never delivers control messages"},
	linux.SYS_shutdown:          {"shutdown", sysShutdown, supFull, ""},
	linux.SYS_bind:              {"bind", sysBind, supPartial, "unix path names live in the socket table, not the file system"},
	linux.SYS_listen:            {"listen", sysListen, supFull, ""},
	linux.SYS_getsockname:       {"getsockname", sysGetsockname, supFull, ""},
	linux.SYS_getpeername:       {"getpeername", sysGetpeername, supFull, ""},
	linux.SYS_socketpair:        {"socketpair", sysSocketpair, supFull, ""},
	linux.SYS_setsockopt:        {"setsockopt", sysSetsockopt, supPartial, "stored and read back; only SO_* that our sockets compute have effect"},
	linux.SYS_getsockopt:        {"getsockopt", sysGetsockopt, supPartial, "as setsockopt"},
	linux.SYS_accept4:           {"accept4", sysAccept4, supFull, ""},
	linux.SYS_clone:             {"clone", sysClone, supPartial, "threads only (CLONE_VM|CLONE_THREAD|CLONE_SIGHAND)"},
	linux.SYS_exit:              {"exit", sysExit, supFull, ""},
	linux.SYS_uname:             {"uname", sysUname, supFull, ""},
	linux.SYS_dup:               {"dup", sysDup, supFull, ""},
	linux.SYS_dup2:              {"dup2", sysDup2, supFull, ""},
	linux.SYS_fcntl:             {"fcntl", sysFcntl, supPartial, "F_GETFL/F_SETFL/F_GETFD/F_SETFD/F_DUPFD(_CLOEXEC); locks always granted (one process)"},
	linux.SYS_flock:             {"flock", sysFlock, supPartial, "always granted: one process, no conflicts"},
	linux.SYS_fsync:             {"fsync", sysFsync, supFull, "nothing to flush: tmpfs and the tar root"},
	linux.SYS_fdatasync:         {"fdatasync", sysFsync, supFull, "as fsync"},
	linux.SYS_truncate:          {"truncate", sysTruncate, supFull, ""},
	linux.SYS_ftruncate:         {"ftruncate", sysFtruncate, supFull, ""},
	linux.SYS_rename:            {"rename", sysRename, supFull, ""},
	linux.SYS_mkdir:             {"mkdir", sysMkdir, supFull, ""},
	linux.SYS_rmdir:             {"rmdir", sysRmdir, supFull, ""},
	linux.SYS_creat:             {"creat", sysCreat, supFull, ""},
	linux.SYS_link:              {"link", sysLink, supFull, ""},
	linux.SYS_unlink:            {"unlink", sysUnlink, supFull, ""},
	linux.SYS_symlink:           {"symlink", sysSymlink, supFull, ""},
	linux.SYS_readlink:          {"readlink", sysReadlink, supFull, ""},
	linux.SYS_chmod:             {"chmod", sysChmod, supFull, ""},
	linux.SYS_fchmod:            {"fchmod", sysFchmod, supFull, ""},
	linux.SYS_chown:             {"chown", sysChown, supFull, ""},
	linux.SYS_fchown:            {"fchown", sysFchown, supFull, ""},
	linux.SYS_lchown:            {"lchown", sysLchown, supFull, ""},
	linux.SYS_mknod:             {"mknod", sysMknod, supPartial, "as mknodat"},
	linux.SYS_umask:             {"umask", sysUmask, supFull, ""},
	linux.SYS_statfs:            {"statfs", sysStatfs, supFull, ""},
	linux.SYS_fstatfs:           {"fstatfs", sysFstatfs, supFull, ""},
	linux.SYS_sync:              {"sync", sysSync, supFull, ""},
	linux.SYS_getcwd:            {"getcwd", sysGetcwd, supFull, ""},
	linux.SYS_chdir:             {"chdir", sysChdir, supFull, ""},
	linux.SYS_fchdir:            {"fchdir", sysFchdir, supFull, ""},
	linux.SYS_gettimeofday:      {"gettimeofday", sysGettimeofday, supFull, ""},
	linux.SYS_getuid:            {"getuid", sysZero, supFull, "root"},
	linux.SYS_getgid:            {"getgid", sysZero, supFull, "root"},
	linux.SYS_geteuid:           {"geteuid", sysZero, supFull, "root"},
	linux.SYS_getegid:           {"getegid", sysZero, supFull, "root"},
	linux.SYS_getppid:           {"getppid", sysZero, supFull, "no parent"},
	linux.SYS_getgroups:         {"getgroups", sysZero, supFull, "root has no supplementary groups"},
	linux.SYS_setgroups:         {"setgroups", sysSetgroups, supPartial, "only the empty list or [0]: there are no other users"},
	linux.SYS_getresuid:         {"getresuid", sysGetres, supFull, "root"},
	linux.SYS_getresgid:         {"getresgid", sysGetres, supFull, "root"},
	linux.SYS_sigaltstack:       {"sigaltstack", sysSigaltstack, supFull, ""},
	linux.SYS_arch_prctl:        {"arch_prctl", sysArchPrctl, supPartial, "ARCH_SET_FS/ARCH_GET_FS"},
	linux.SYS_prctl:             {"prctl", sysPrctl, supPartial, "EINVAL for everything"},
	linux.SYS_gettid:            {"gettid", sysGettid, supFull, ""},
	linux.SYS_tkill:             {"tkill", sysTkill, supFull, ""},
	linux.SYS_futex:             {"futex", sysFutex, supPartial, "WAIT/WAKE/BITSET/REQUEUE/CMP_REQUEUE, private and shared alike; no PI or WAKE_OP"},
	linux.SYS_sched_getaffinity: {"sched_getaffinity", sysSchedGetaffinity, supFull, ""},
	linux.SYS_sched_setaffinity: {"sched_setaffinity", sysSchedSetaffinity, supFull, ""},
	linux.SYS_getcpu:            {"getcpu", sysGetcpu, supFull, ""},
	linux.SYS_clock_gettime:     {"clock_gettime", sysClockGettime, supFull, ""},
	linux.SYS_clock_getres:      {"clock_getres", sysClockGetres, supFull, ""},
	linux.SYS_clock_nanosleep:   {"clock_nanosleep", sysClockNanosleep, supFull, ""},
	linux.SYS_exit_group:        {"exit_group", sysExitGroup, supFull, ""},
	linux.SYS_epoll_wait:        {"epoll_wait", sysEpollWait, supFull, ""},
	linux.SYS_epoll_ctl:         {"epoll_ctl", sysEpollCtl, supFull, ""},
	linux.SYS_tgkill:            {"tgkill", sysTgkill, supFull, ""},
	linux.SYS_kill:              {"kill", sysKill, supFull, "one process: pid 1, 0 and -1 name it, others ESRCH"},
	linux.SYS_wait4:             {"wait4", sysWait4, supFull, "no children, ever: ECHILD"},
	linux.SYS_waitid:            {"waitid", sysWait4, supFull, "no children, ever: ECHILD"},
	linux.SYS_getdents64:        {"getdents64", sysGetdents64, supFull, ""},
	linux.SYS_openat:            {"openat", sysOpenat, supPartial, "no O_PATH, O_TMPFILE; O_CREAT through a dangling symlink gives ENOENT"},
	linux.SYS_mkdirat:           {"mkdirat", sysMkdirat, supFull, ""},
	linux.SYS_mknodat:           {"mknodat", sysMknodat, supPartial, "FIFOs, sockets, regular files; device nodes are EPERM"},
	linux.SYS_fchownat:          {"fchownat", sysFchownat, supFull, ""},
	linux.SYS_unlinkat:          {"unlinkat", sysUnlinkat, supFull, ""},
	linux.SYS_renameat:          {"renameat", sysRenameat, supFull, ""},
	linux.SYS_linkat:            {"linkat", sysLinkat, supFull, ""},
	linux.SYS_symlinkat:         {"symlinkat", sysSymlinkat, supFull, ""},
	linux.SYS_fchmodat:          {"fchmodat", sysFchmodat, supFull, ""},
	linux.SYS_utimensat:         {"utimensat", sysUtimensat, supFull, ""},
	linux.SYS_dup3:              {"dup3", sysDup3, supFull, ""},
	linux.SYS_syncfs:            {"syncfs", sysSyncfs, supFull, ""},
	linux.SYS_fadvise64:         {"fadvise64", sysFadvise64, supFull, ""},
	linux.SYS_renameat2:         {"renameat2", sysRenameat2, supPartial, "NOREPLACE and EXCHANGE; no WHITEOUT"},
	linux.SYS_fchmodat2:         {"fchmodat2", sysFchmodat2, supFull, ""},
	linux.SYS_copy_file_range:   {"copy_file_range", sysCopyFileRange, supPartial, "within one mount; EXDEV across (callers fall back)"},
	linux.SYS_readlinkat:        {"readlinkat", sysReadlinkat, supFull, ""},
	linux.SYS_newfstatat:        {"newfstatat", sysNewfstatat, supFull, ""},
	linux.SYS_faccessat:         {"faccessat", sysFaccessat, supFull, ""},
	linux.SYS_statx:             {"statx", sysStatx, supFull, ""},
	linux.SYS_faccessat2:        {"faccessat2", sysFaccessat2, supFull, ""},
	linux.SYS_epoll_pwait:       {"epoll_pwait", sysEpollPwait, supFull, ""},
	linux.SYS_eventfd2:          {"eventfd2", sysEventfd2, supFull, ""},
	linux.SYS_epoll_create1:     {"epoll_create1", sysEpollCreate1, supFull, ""},
	linux.SYS_pipe2:             {"pipe2", sysPipe2, supFull, ""},
	linux.SYS_prlimit64:         {"prlimit64", sysPrlimit64, supFull, ""},
	linux.SYS_getrandom:         {"getrandom", sysGetrandom, supFull, ""},
	linux.SYS_sysinfo:           {"sysinfo", sysSysinfo, supFull, ""},
	linux.SYS_rseq:              {"rseq", nil, supENOSYS, "no restartable sequences; glibc-free Go never asks"},
	linux.SYS_clone3:            {"clone3", nil, supENOSYS, "callers fall back to clone"},
	linux.SYS_io_uring_setup:    {"io_uring_setup", nil, supENOSYS, "not planned"},
	linux.SYS_sendfile:          {"sendfile", sysNetEINVAL, supPartial, "EINVAL: callers fall back to read and write"},
	linux.SYS_splice:            {"splice", sysNetEINVAL, supPartial, "EINVAL: callers (net's TCPConn.ReadFrom) fall back to read and write"},
}

var enosysReported [linux.MaxSyscall + 1]bool

// noKernelLock lists the syscalls that run without the kernel lock: they touch only the
// calling thread, the clocks, the futex buckets (each under its own lock) and the
// scheduler (under schedLock). They are the Go runtime's traffic between its threads.
var noKernelLock = [linux.MaxSyscall + 1]bool{
	linux.SYS_futex:             true,
	linux.SYS_sched_yield:       true,
	linux.SYS_nanosleep:         true,
	linux.SYS_clock_nanosleep:   true,
	linux.SYS_clock_gettime:     true,
	linux.SYS_clock_getres:      true,
	linux.SYS_gettimeofday:      true,
	linux.SYS_getpid:            true,
	linux.SYS_gettid:            true,
	linux.SYS_sched_getaffinity: true,
}

// doSyscall dispatches the system call in tf.RAX and stores the result in tf.RAX. It takes
// the kernel lock around the handler unless the call is in noKernelLock (and strace is
// off: its output would interleave).
func doSyscall(t *thread, tf *TrapFrame) {
	nr := tf.RAX
	count(statSyscalls)
	var e *sysEntry
	if nr < uint64(len(sysTable)) {
		e = &sysTable[nr]
	} else {
		e = netSyscallEntry(nr) // the netstack service's private calls (sys_netsvc.go)
	}
	locked := straceOn || nr >= uint64(len(noKernelLock)) || !noKernelLock[nr]
	if locked {
		lockKernel()
	}
	if e == nil || e.fn == nil {
		if !locked {
			lockKernel()
		}
		reportENOSYS(nr)
		unlockKernel()
		tf.RAX = uint64(linux.ENOSYS.Ret())
		return
	}
	args := traceArgs{tf.RDI, tf.RSI, tf.RDX, tf.R10} // the handler may change the frame
	r, errno := e.fn(t, tf)
	if locked {
		checkNoVolumeLocks(t)
		if straceOn {
			traceCall(t, e.name, &args)
			traceResult(uint64(r), errno)
		}
		unlockKernel()
	}
	if nr == linux.SYS_rt_sigreturn {
		return // the handler restored the whole frame, RAX included
	}
	if errno == linux.ERESTARTSYS {
		t.Restart = nr + 1 // leaveKernel restarts it or makes it EINTR
	}
	if errno != 0 {
		tf.RAX = uint64(errno.Ret())
		return
	}
	tf.RAX = uint64(r)
}

func reportENOSYS(nr uint64) {
	if nr < uint64(len(enosysReported)) {
		if enosysReported[nr] {
			return
		}
		enosysReported[nr] = true
	}
	klog.Str("unigo: unimplemented syscall ")
	if nr < uint64(len(linux.SyscallNames)) && linux.SyscallNames[nr] != "" {
		klog.Str(linux.SyscallNames[nr])
	} else {
		klog.Str("?")
	}
	klog.Str(" (")
	klog.Dec(int64(nr))
	klog.Str(")\n")
}

// straceOn is set by the kernel option unigo.strace: every syscall is printed.
var straceOn bool

// traceArgs are the first four arguments of a traced call, as it was entered.
type traceArgs [4]uint64

// A trace line is printed whole when the call returns, under the kernel lock (strace takes
// it for every call), so that a call that sleeps, or writes to the console, cannot split
// its line with another thread's or with its own output. A call that never returns
// (exit_group) prints its line itself, ending in " = ?".
func traceCall(t *thread, name string, a *traceArgs) {
	klog.Str("[")
	klog.Dec(int64(t.TID))
	klog.Str("] ")
	klog.Str(name)
	klog.Str("(")
	for i := range a {
		if i > 0 {
			klog.Str(", ")
		}
		klog.Hex(a[i])
	}
	klog.Str(")")
}

func traceResult(r uint64, errno linux.Errno) {
	klog.Str(" = ")
	if errno != 0 {
		klog.Str(errno.Name())
	} else {
		klog.Hex(r)
	}
	klog.Str("\n")
}
