package kernel

// Bring-up: from kmain on the boot stack to the first application thread.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/arch/amd64"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/klog"
	"github.com/unigo-os/unigo/kernel/mm"
)

const (
	bootStackSize  = 65536
	startInfoMagic = 0x336ec578
	e820RAM        = 1
	userStackSize  = 1 << 20
)

func addrBootStack() uintptr

func bootStackLo() uintptr { return addrBootStack() }

var (
	cmdline    [8192]byte
	cmdlineLen int

	// The initrd (qemu -initrd): boot module 0, the root file system's tar archive.
	initrdBase, initrdSize uint64
)

// kmain brings the machine up and never returns.
//
// It runs before the Go runtime is initialized and on the boot stack described by kernelG.
//
//go:nosplit
func kmain(startInfo uintptr) {
	klog.Init()
	c := initPerCPU(0, bootStackLo(), bootStackLo()+bootStackSize)
	amd64.Wrmsr(amd64.MSR_GS_BASE, uint64(c.Self))
	mm.UseGSForCPU() // the frame allocator may read the CPU number from GS from now on
	initLockRanks()
	lockKernel()
	setupCPU(0)
	setupFPU()
	readStartInfo(startInfo)
	setupMemory()
	dev.PICDisable()
	dev.ClockInit()
	dev.LAPICInit(vecTimer, vecSpurious)
	c.LAPICID = dev.LAPICID()
	c.Online = 1
	probeDevices() // devices.go: I/O APIC, virtio (before seedRandom: virtio-rng seeds it)
	seedRandom()
	_, straceOn = cmdlineOption("unigo.strace")
	_, statsOn = cmdlineOption("unigo.stats")
	_, noNetstack = cmdlineOption("unigo.nonet")
	initFiles()
	mountRoot()
	mountVolumes() // blk.go: unigo.vol, ext2 on the virtio-blk disks
	initialCwd()   // unigo.cwd, once every file system is there
	if v, ok := cmdlineOption("unigo.selftest"); ok && v == "poison-frames" {
		selftestPoisonFrames()
	}
	// The other CPUs start before the program, which counts them (sched_getaffinity) once.
	if v, ok := cmdlineOption("unigo.cpus"); ok {
		if n := atoi(v); n > 1 {
			startAPs(n)
		}
	}
	startProgram()
	if v, ok := cmdlineOption("unigo.selftest"); ok && v == "kernel-fault" {
		selftestKernelFault()
	} else if ok && v == "lock-order" {
		selftestLockOrder()
	} else if ok && v == "kstack-guard" {
		klog.Str("unigo: selftest: touching a kernel stack's guard page on purpose\n")
		klog.Hex(readU64(kstackBase(1) - 8)) // just below the first thread's stack
	}
	if statsOn {
		klog.Str("unigo: stats: kernel ready after ")
		klog.Dec(dev.Nanotime() / 1000)
		klog.Str(" us since clock start (")
		klog.Dec(int64(dev.TSCFrequency() / 1e6))
		klog.Str(" MHz TSC, ")
		klog.Str(dev.ClockSource())
		klog.Str(")\n")
	}
	unlockKernel()
	idleLoop()
}

// readStartInfo copies the command line and feeds the e820 map to the frame allocator.
func readStartInfo(p uintptr) {
	if *(*uint32)(unsafe.Pointer(p)) != startInfoMagic {
		bug("hvm_start_info: bad magic (not booted through PVH?)")
	}
	version := *(*uint32)(unsafe.Pointer(p + 4))
	if cl := *(*uint64)(unsafe.Pointer(p + 24)); cl != 0 {
		for cmdlineLen < len(cmdline)-1 {
			c := *(*byte)(unsafe.Pointer(uintptr(cl) + uintptr(cmdlineLen)))
			if c == 0 {
				break
			}
			cmdline[cmdlineLen] = c
			cmdlineLen++
		}
	}
	// Module 0 is the initrd. hvm_start_info: nr_modules u32 at 12, modlist_paddr u64 at
	// 16; each hvm_modlist_entry is {paddr, size, cmdline_paddr, reserved u64}. QEMU puts
	// the list in low memory and the module at the top of RAM below 4 GiB.
	if nr := *(*uint32)(unsafe.Pointer(p + 12)); nr > 0 {
		mod := uintptr(*(*uint64)(unsafe.Pointer(p + 16)))
		initrdBase = *(*uint64)(unsafe.Pointer(mod))
		initrdSize = *(*uint64)(unsafe.Pointer(mod + 8))
	}
	if version < 1 {
		bug("hvm_start_info: version 0 has no memory map")
	}
	mmap := uintptr(*(*uint64)(unsafe.Pointer(p + 40)))
	n := *(*uint32)(unsafe.Pointer(p + 48))
	for i := uintptr(0); i < uintptr(n); i++ {
		e := mmap + i*24
		base := *(*uint64)(unsafe.Pointer(e))
		size := *(*uint64)(unsafe.Pointer(e + 8))
		typ := *(*uint32)(unsafe.Pointer(e + 16))
		if typ != e820RAM {
			continue
		}
		frames.AddRange(base, size)
		if base+size > ramTop {
			ramTop = base + size
		}
	}
}

// setupMemory builds the kernel's page table (identity map of RAM and the MMIO window),
// switches to it and opens the application's mmap window above it.
func setupMemory() {
	frames.Reserve(0, 1<<20) // real-mode area, start info, firmware
	frames.Reserve(1<<20, uint64(addrImageEnd())-(1<<20))
	frames.Reserve(initrdBase, initrdSize) // the root file system is read in place
	if !frames.Init(mm.Identity{}) {
		outOfMemory("frame allocator: RAM beyond the image is too small", 0)
	}
	pm := mm.Identity{}
	pt, ok := mm.NewPageTable(&frames, pm)
	if !ok || !mm.IdentityMap(pt, 0, ramTop, mm.Writable|mm.Global, &frames, pm) ||
		!mm.IdentityMap(pt, 0xFE000000, 1<<32, mm.Writable|mm.Global|mm.CacheDisable|mm.WriteThrough|mm.NoExec, &frames, pm) {
		outOfMemory("kernel page tables", 0)
	}
	amd64.WriteCR3(pt.Root)
	lo := (ramTop + (1<<30 - 1)) &^ (1<<30 - 1)
	if lo < 1<<32 {
		lo = 1 << 32
	}
	space.Init(pt, lo, userTop, true) // the kernel stacks lie above (kstack.go)
}

// seedRandom gives the software generator the host's seed, for CPUs without RDRAND. With
// neither (a plain `qemu -kernel` on a CPU model without RDRAND), it falls back to timing
// jitter between port reads, and says so: that is weaker than real entropy.
func seedRandom() {
	if v, ok := cmdlineOption("unigo.seed"); ok {
		if seed, ok := dev.ParseSeed(v); ok {
			dev.SeedRandom(seed)
			return
		}
	}
	if dev.HaveRDRAND() {
		return
	}
	if seedFromDevice() {
		return
	}
	var seed [32]byte
	for i := 0; i < 4096; i++ {
		t := amd64.Rdtsc()
		amd64.Inb(0x80) // an I/O exit: its duration varies with the host's load
		d := amd64.Rdtsc() - t
		j := i % 32
		seed[j] = seed[j]<<3 | seed[j]>>5
		seed[j] ^= byte(d) ^ byte(d>>8) ^ byte(t>>16)
	}
	dev.SeedRandom(seed)
	klog.Str("unigo: no RDRAND and no unigo.seed: random numbers seeded from timer jitter only\n")
}

// cmdlineOption returns the value of key=value among the kernel options.
func cmdlineOption(key string) (string, bool) {
	s := unsafe.String(&cmdline[0], cmdlineLen)
	for len(s) > 0 {
		var tok string
		tok, s = nextToken(s)
		if len(tok) > len(key) && tok[:len(key)] == key && tok[len(key)] == '=' {
			return tok[len(key)+1:], true
		}
		if tok == key { // a bare flag: unigo.stats
			return "", true
		}
	}
	return "", false
}

// nextToken splits the command line s at its first space.
func nextToken(s string) (tok, rest string) {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// startProgram builds the Linux process stack (argc, argv, envp, auxv) and makes the first
// thread, which enters the Go runtime at _rt0_amd64_linux as if exec had just returned.
func startProgram() {
	lockSpace()
	base, err := space.Mmap(env(), 0, userStackSize, mm.ProtRead|mm.ProtWrite, false)
	top := base + userStackSize
	populated := err == 0 && mm.Populate(&space, env(), top-64<<10, 64<<10, mm.Write) == mm.Mapped
	unlockSpace()
	if !populated {
		outOfMemory("initial stack", top)
	}
	sp := buildStack(uintptr(top))

	var tf TrapFrame
	tf.RIP = uint64(addrRuntimeEntry())
	tf.RSP = uint64(sp)
	tf.CS = selCode
	tf.SS = selData
	tf.RFLAGS = 0x202 // IF
	i, ok := allocThread()
	if !ok || i != 1 {
		outOfMemory("first thread's kernel stack", 0)
	}
	t := initThread(i, &tf, 0)
	t.TID = pid // before it can run: the other CPUs are up and do not wait for the kernel lock
	programStarted = true
	startThread(i)
}

// buildStack lays out strings and vectors below top and returns the new stack pointer.
func buildStack(top uintptr) uintptr {
	p := top
	push := func(s string) uintptr {
		p -= uintptr(len(s)) + 1
		copyString(p, s)
		*(*byte)(unsafe.Pointer(p + uintptr(len(s)))) = 0
		return p
	}
	// Random bytes for AT_RANDOM (the runtime seeds its hash functions from them).
	p -= 16
	random := p
	if !dev.FillRandom(unsafe.Pointer(random), 16) {
		bug("buildStack: no entropy source")
	}
	platform := push("x86_64")
	execfn := push("/app")

	// Program strings from the command line, decoded in place on the stack.
	var argv, envp [256]uintptr
	argc, envc := 0, 0
	s := unsafe.String(&cmdline[0], cmdlineLen)
	inProgram := false
	for len(s) > 0 {
		var tok string
		tok, s = nextToken(s)
		switch {
		case tok == "--":
			inProgram = true
		case inProgram && len(tok) >= 4 && tok[:4] == "arg=" && argc < len(argv):
			argv[argc] = pushUnescaped(&p, tok[4:])
			argc++
		case inProgram && len(tok) >= 4 && tok[:4] == "env=" && envc < len(envp):
			envp[envc] = pushUnescaped(&p, tok[4:])
			envc++
		}
	}
	if argc == 0 {
		argv[0] = execfn
		argc = 1
	}

	auxv := [...]uintptr{
		linux.AT_SYSINFO_EHDR, buildVDSO(),
		linux.AT_PAGESZ, 4096,
		linux.AT_CLKTCK, 100,
		linux.AT_RANDOM, random,
		linux.AT_PLATFORM, platform,
		linux.AT_EXECFN, execfn,
		linux.AT_UID, 0, linux.AT_EUID, 0, linux.AT_GID, 0, linux.AT_EGID, 0,
		linux.AT_SECURE, 0,
		linux.AT_NULL, 0,
	}
	words := 1 + argc + 1 + envc + 1 + len(auxv)
	p = (p - uintptr(words)*8) &^ 15
	w := (*[1 << 16]uintptr)(unsafe.Pointer(p))
	i := 0
	w[i] = uintptr(argc)
	i++
	for j := 0; j < argc; j++ {
		w[i] = argv[j]
		i++
	}
	w[i] = 0
	i++
	for j := 0; j < envc; j++ {
		w[i] = envp[j]
		i++
	}
	w[i] = 0
	i++
	for _, v := range auxv {
		w[i] = v
		i++
	}
	return p
}

// pushUnescaped copies a percent-encoded command-line value below *p, decoded and
// NUL-terminated (docs/cmdline.md), and returns its address.
func pushUnescaped(p *uintptr, v string) uintptr {
	n := 0
	for i := 0; i < len(v); i++ {
		if v[i] == '%' && i+2 < len(v) {
			i += 2
		}
		n++
	}
	*p -= uintptr(n) + 1
	dst := *p
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '%' && i+2 < len(v) {
			c = unhex(v[i+1])<<4 | unhex(v[i+2])
			i += 2
		}
		*(*byte)(unsafe.Pointer(dst)) = c
		dst++
	}
	*(*byte)(unsafe.Pointer(dst)) = 0
	return *p
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}

// selftestKernelFault touches page 0 from kernel code, so that tests can check the kernel
// fault report (kernel option unigo.selftest=kernel-fault).
//
//go:noinline
func selftestKernelFault() {
	klog.Str("unigo: selftest: faulting in the kernel on purpose\n")
	klog.Hex(readU64(8))
}

// selftestPoisonFrames fills up to 32 MiB of free frames with a pattern and frees them
// again (kernel option unigo.selftest=poison-frames), so that what is allocated next
// (the other CPUs' stacks, the program's first threads) comes with stale bytes, as it
// does on a machine that has run for a while: code that relies on fresh frames reading
// zero fails at boot instead of once in a while.
func selftestPoisonFrames() {
	var chain uintptr // the taken frames, linked through their first word
	n := 0
	for ; n < 8192; n++ {
		pa, ok := frames.Alloc(mm.Identity{})
		if !ok {
			break
		}
		p := uintptr(pa)
		for off := uintptr(8); off < mm.PageSize; off += 8 {
			*(*uint64)(unsafe.Pointer(p + off)) = 0xa5a5a5a5a5a5a5a5
		}
		*(*uintptr)(unsafe.Pointer(p)) = chain
		chain = p
	}
	for chain != 0 {
		next := *(*uintptr)(unsafe.Pointer(chain))
		*(*uint64)(unsafe.Pointer(chain)) = 0xa5a5a5a5a5a5a5a5
		frames.Free(uint64(chain), mm.Identity{})
		chain = next
	}
	klog.Str("unigo: selftest: ")
	klog.Dec(int64(n))
	klog.Str(" free frames poisoned\n")
}

// selftestLockOrder takes the scheduler lock and then the kernel lock, against the lock
// order, so that tests can check that the order check stops the machine (kernel option
// unigo.selftest=lock-order). The caller holds the kernel lock: let go of it first.
func selftestLockOrder() {
	klog.Str("unigo: selftest: taking the kernel lock under the scheduler lock on purpose\n")
	unlockKernel()
	schedLock.lock()
	lockKernel()
}

// atoi parses a small decimal number; -1 if s is not one.
func atoi(s string) int {
	if s == "" || len(s) > 6 {
		return -1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}
