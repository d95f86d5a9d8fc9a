package kernel

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/fs"
	"github.com/unigo-os/unigo/kernel/klog"
)

const pid = 1 // the one process; its first thread has TID 1

// sysZero returns 0: the identity calls (getuid...) of the root user.
func sysZero(t *thread, tf *TrapFrame) (uintptr, linux.Errno) { return 0, 0 }

// sysGetpid handles getpid(2).
func sysGetpid(t *thread, tf *TrapFrame) (uintptr, linux.Errno) { return pid, 0 }

// sysGettid handles gettid(2).
func sysGettid(t *thread, tf *TrapFrame) (uintptr, linux.Errno) { return uintptr(t.TID), 0 }

// sysTkill handles tkill(2) as tgkill(2) within this process.
func sysTkill(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f := *tf
	f.RDI, f.RSI, f.RDX = pid, tf.RDI, tf.RSI
	return sysTgkill(t, &f)
}

// sysArchPrctl handles arch_prctl(2): the runtime sets each thread's TLS with it.
func sysArchPrctl(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	switch tf.RDI {
	case linux.ARCH_SET_FS:
		t.FS = uintptr(tf.RSI)
		thisCPU().UserFS = t.FS
		return 0, 0
	case linux.ARCH_GET_FS:
		*(*uint64)(unsafe.Pointer(uintptr(tf.RSI))) = uint64(t.FS)
		return 0, 0
	}
	return 0, linux.EINVAL
}

// sysPrctl handles prctl(2). The runtime's probes (PR_SET_VMA names) must fail cleanly.
func sysPrctl(t *thread, tf *TrapFrame) (uintptr, linux.Errno) { return 0, linux.EINVAL }

// sysSchedYield handles sched_yield(2).
func sysSchedYield(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	yield()
	return 0, 0
}

// affinityTarget returns the thread a sched_*affinity call names: 0 is the caller.
func affinityTarget(t *thread, tid uint64) (*thread, linux.Errno) {
	if tid == 0 || int32(tid) == t.TID {
		return t, 0
	}
	if target := findTID(int32(tid)); target != nil {
		return target, 0
	}
	return nil, linux.ESRCH
}

// onlineMask is the set of CPUs that run threads.
func onlineMask() uint64 {
	var mask uint64
	for i := 0; i < numCPU; i++ {
		mask |= 1 << uint(i)
	}
	return mask
}

// sysSchedGetaffinity handles sched_getaffinity(2): runtime.NumCPU counts these bits.
func sysSchedGetaffinity(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	size := uintptr(tf.RSI)
	if size < 8 || size&7 != 0 {
		return 0, linux.EINVAL
	}
	target, err := affinityTarget(t, tf.RDI)
	if err != 0 {
		return 0, err
	}
	p := uintptr(tf.RDX)
	zeroBytes(p, size)
	*(*uint64)(unsafe.Pointer(p)) = target.Affinity & onlineMask()
	return 8, 0
}

// sysSchedSetaffinity handles sched_setaffinity(2). The scheduler runs a thread only on the
// CPUs of its mask; a thread that leaves its current CPU's set moves at once.
func sysSchedSetaffinity(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	size := uintptr(tf.RSI)
	if size == 0 {
		return 0, linux.EINVAL
	}
	target, err := affinityTarget(t, tf.RDI)
	if err != 0 {
		return 0, err
	}
	var mask uint64
	n := size
	if n > 8 {
		n = 8 // CPUs beyond 63 do not exist here
	}
	copyBytes(uintptr(unsafe.Pointer(&mask)), uintptr(tf.RDX), n)
	mask &= onlineMask()
	if mask == 0 {
		return 0, linux.EINVAL
	}
	schedLock.lock()
	target.Affinity = mask
	if target == t && mask&(1<<thisCPU().ID) == 0 {
		t.State = stRunnable
		schedule() // enqueue puts it on a CPU it may use; releases schedLock
		return 0, 0
	}
	if target != t {
		kickIdleCPU(target)
	}
	schedLock.unlock()
	return 0, 0
}

var utsFields = [6]string{"Linux", "unigo", "6.1.0-unigo", "#1 unigo", "x86_64", "(none)"}

// sysUname handles uname(2). The release looks like Linux 6.1 so feature checks in the
// standard library take their modern paths.
func sysUname(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	p := uintptr(tf.RDI)
	zeroBytes(p, 6*65)
	for i, s := range utsFields {
		copyString(p+uintptr(i)*65, s)
	}
	return 0, 0
}

var rlimits = [16][2]uint64{
	linux.RLIMIT_STACK:  {8 << 20, linux.RLIM_INFINITY},
	linux.RLIMIT_NOFILE: {1024, maxFDs},
	linux.RLIMIT_CPU:    {linux.RLIM_INFINITY, linux.RLIM_INFINITY},
	linux.RLIMIT_FSIZE:  {linux.RLIM_INFINITY, linux.RLIM_INFINITY},
	linux.RLIMIT_DATA:   {linux.RLIM_INFINITY, linux.RLIM_INFINITY},
	linux.RLIMIT_CORE:   {0, linux.RLIM_INFINITY},
	linux.RLIMIT_AS:     {linux.RLIM_INFINITY, linux.RLIM_INFINITY},
}

// sysPrlimit64 handles prlimit64(2) for this process.
func sysPrlimit64(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if tf.RDI != 0 && tf.RDI != pid {
		return 0, linux.ESRCH
	}
	r := tf.RSI
	if r >= uint64(len(rlimits)) {
		return 0, linux.EINVAL
	}
	if tf.R10 != 0 {
		*(*[2]uint64)(unsafe.Pointer(uintptr(tf.R10))) = rlimits[r]
	}
	if tf.RDX != 0 {
		nl := *(*[2]uint64)(unsafe.Pointer(uintptr(tf.RDX)))
		if nl[0] > nl[1] || nl[1] > rlimits[r][1] {
			return 0, linux.EPERM
		}
		rlimits[r] = nl
	}
	return 0, 0
}

// sysGetrandom handles getrandom(2) from virtio-rng when there is one, else from the CPU's
// RDRAND or the host-seeded generator (fillRandom, devices.go).
func sysGetrandom(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	n := uintptr(tf.RSI)
	if n > 1<<25 {
		n = 1 << 25
	}
	return fillRandom(uintptr(tf.RDI), n)
}

// sysSysinfo handles sysinfo(2).
func sysSysinfo(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	p := uintptr(tf.RDI)
	zeroBytes(p, 112)
	*(*int64)(unsafe.Pointer(p)) = dev.Nanotime() / 1e9             // uptime
	*(*uint64)(unsafe.Pointer(p + 32)) = frames.TotalPages() * 4096 // totalram
	*(*uint64)(unsafe.Pointer(p + 40)) = frames.FreePages() * 4096  // freeram
	*(*uint16)(unsafe.Pointer(p + 80)) = uint16(liveThreads)        // procs
	*(*uint32)(unsafe.Pointer(p + 104)) = 1                         // mem_unit
	return 0, 0
}

// sysExitGroup handles exit_group(2): the program is done; so is the machine.
func sysExitGroup(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	// As a Linux VM's shutdown would: stores into shared file mappings reach their files,
	// files unlinked while open are freed, and the volumes write back their caches and
	// are marked cleanly unmounted.
	writeBackAll()
	fs.Shutdown(fsEnv())
	if straceOn {
		// The call does not return: its trace line ends in "= ?", as strace(1)'s does.
		traceCall(t, "exit_group", &traceArgs{tf.RDI, tf.RSI, tf.RDX, tf.R10})
		klog.Str(" = ?\n")
	}
	exitProcess(int(tf.RDI & 0xff))
	return 0, 0
}

// sysSetgroups handles setgroups(2): root may set its supplementary groups, and the only
// group there is is 0.
func sysSetgroups(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	n := tf.RDI
	if n > 65536 {
		return 0, linux.EINVAL
	}
	for i := uint64(0); i < n; i++ {
		if *(*uint32)(unsafe.Pointer(uintptr(tf.RSI + 4*i))) != 0 {
			return 0, linux.EINVAL
		}
	}
	return 0, 0
}

// sysGetres handles getresuid(2) and getresgid(2): real, effective and saved IDs are all 0.
func sysGetres(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	for _, p := range [3]uint64{tf.RDI, tf.RSI, tf.RDX} {
		*(*uint32)(unsafe.Pointer(uintptr(p))) = 0
	}
	return 0, 0
}

// sysGetcpu handles getcpu(2): the CPU and NUMA node (always 0) the caller runs on.
func sysGetcpu(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if tf.RDI != 0 {
		*(*uint32)(unsafe.Pointer(uintptr(tf.RDI))) = uint32(thisCPU().ID)
	}
	if tf.RSI != 0 {
		*(*uint32)(unsafe.Pointer(uintptr(tf.RSI))) = 0
	}
	return 0, 0
}

// sysWait4 handles wait4(2) and waitid(2): the one process never has children (there is
// no fork and no exec), so there is never anything to wait for: ECHILD, as Linux answers
// a process without children.
func sysWait4(t *thread, tf *TrapFrame) (uintptr, linux.Errno) { return 0, linux.ECHILD }
