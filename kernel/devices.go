package kernel

// Devices behind the I/O APIC: finding the virtio devices, routing their interrupts, and
// the sleep/wake glue between them and kernel threads (package virtio never blocks).
//
// Discovery, at boot after LAPICInit (probeDevices):
//   - microvm: each `virtio_mmio.device=<size>@<base>:<irq>` token QEMU appended to the
//     command line (-M microvm,acpi=off) names one virtio-mmio register block.
//   - pc, q35: every function on PCI bus 0 (configuration mechanism #1) with a virtio
//     vendor/device ID. On microvm the scan finds an empty bus.
//
// Both keep QEMU's order of -device arguments, which numbers the block devices: disk i is
// volume i (blk.go), mounted where the i-th unigo.vol option says.
//
// Interrupts: a virtio-pci function with an MSI-X capability gets vectors from
// vecMSIFirst..vecDeviceLast, one per virtqueue plus one for configuration changes (or one
// shared when the table or the pool is short), delivered to the boot CPU. Everything else
// signals a GSI: GSI n is routed (edge, active high; see dev/ioapic.go for why) to vector
// vecDeviceFirst+n on the boot CPU. trap (trap.go) sends the EOI and calls
// deviceInterrupt with the kernel lock held, which services the device (and queue) the
// MSI-X vector names, or acknowledges the devices on that GSI, and wakes the threads
// waiting for what completed.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/arch/amd64"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/klog"
	"github.com/unigo-os/unigo/kernel/mm"
	"github.com/unigo-os/unigo/kernel/virtio"
)

// Device interrupt vectors: one per I/O APIC input, then the MSI-X pool. The 8259s
// (masked) sit at 0x20-0x2F and the LAPIC timer at 0x20, so devices start at 0x30; the
// IPIs are at 0xF0 and up.
const (
	vecDeviceFirst = 0x30
	vecMSIFirst    = 0x50 // 32 GSIs before it; QEMU's I/O APIC has 24
	vecDeviceLast  = 0x6F
	maxMSIVectors  = vecDeviceLast - vecMSIFirst + 1
)

// waitDevice: the thread waits for a device event; WaitKey is one of the dk* keys.
const waitDevice = waitPipe + 1

// Wait keys for waitDevice.
const (
	dkRng   = 1 // entropy request completed
	dkNetRx = 2 // a frame arrived
	dkNetTx = 3 // transmit buffers came back
	// dkBlkDone+i and dkVolLock+i: blk.go
)

const (
	maxMMIODevices = 32
	rngTimeout     = 2_000_000_000 // ns: a silent entropy device is given up after this
)

// devices is written only by probeDevices and deviceInterrupt.
var devices struct {
	mmio     [maxMMIODevices]virtio.Transport
	nmmio    int
	pci      [maxMMIODevices]virtio.Transport
	npci     int
	irqs     uint64 // device interrupts taken
	rngFail  bool   // the entropy device stopped answering: use the CPU's sources
	verbose  bool   // unigo.stats: list the devices at boot
	routed   uint32 // bitmap of GSIs routed
	bootAPIC uint32
	nmsi     int // MSI-X vectors handed out, from vecMSIFirst
	msi      [maxMSIVectors]struct {
		pci   uint32 // the function (dev.PCIAddr)
		entry uint16 // its MSI-X table entry
	}
}

// dmaFrames hands virtio zeroed frames from the kernel's allocator.
type dmaFrames struct{}

func (dmaFrames) AllocPage() (uint64, bool) { return frames.AllocZeroed(mm.Identity{}) }

// probeDevices sets up the I/O APIC and every virtio device it finds.
//
// Preconditions:
//   - LAPICInit has run; interrupts disabled
func probeDevices() {
	_, devices.verbose = cmdlineOption("unigo.stats")
	dev.IOAPICInit()
	devices.bootAPIC = dev.LAPICID()
	s := unsafe.String(&cmdline[0], cmdlineLen)
	for len(s) > 0 {
		var tok string
		tok, s = nextToken(s)
		const key = "virtio_mmio.device="
		if len(tok) > len(key) && tok[:len(key)] == key {
			probeMMIO(tok[len(key):])
		}
	}
	probePCI()
	if devices.verbose {
		klog.Str("unigo: random source: ")
		klog.Str(randomSource())
		klog.Str("\n")
	}
	switch v, _ := cmdlineOption("unigo.selftest"); v {
	case "net":
		selftestNet()
	case "blk":
		selftestBlk()
	}
}

// probeMMIO sets up the device a virtio_mmio.device value <size>@<base>:<irq> describes.
func probeMMIO(v string) {
	base, irq, ok := parseMMIODevice(v)
	if !ok || base < dev.MMIOWindowBase || base > dev.MMIOWindowEnd-0x1FF {
		deviceMsg("virtio-mmio", "cannot use ", v, "")
		return
	}
	if devices.nmmio == len(devices.mmio) {
		return
	}
	t := &devices.mmio[devices.nmmio]
	switch virtio.ProbeMMIO(t, uintptr(base), uint32(irq)) {
	case virtio.ProbeOK:
		devices.nmmio++
		startDevice(t, "virtio-mmio", base)
	case virtio.ProbeLegacy:
		deviceMsg("virtio-mmio", "legacy (version 1) device ignored at ", v,
			"; run QEMU with -global virtio-mmio.force-legacy=false")
	case virtio.ProbeNotVirtio:
		deviceMsg("virtio-mmio", "no virtio device at ", v, "")
	}
}

// parseMMIODevice decodes <size>[K|M]@<base>:<irq>[:<id>] (the Linux virtio_mmio module's
// syntax, which QEMU and Firecracker write).
func parseMMIODevice(v string) (base, irq uint64, ok bool) {
	at, colon := -1, -1
	for i := 0; i < len(v); i++ {
		if v[i] == '@' && at < 0 {
			at = i
		}
		if v[i] == ':' && at >= 0 && colon < 0 {
			colon = i
		}
	}
	if at < 0 || colon < 0 {
		return 0, 0, false
	}
	rest := v[colon+1:]
	for i := 0; i < len(rest); i++ {
		if rest[i] == ':' {
			rest = rest[:i]
			break
		}
	}
	base, ok1 := parseUint(v[at+1 : colon])
	irq, ok2 := parseUint(rest)
	return base, irq, ok1 && ok2
}

// parseUint decodes decimal or 0x-prefixed hexadecimal.
func parseUint(s string) (uint64, bool) {
	if len(s) == 0 {
		return 0, false
	}
	var v uint64
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		for _, c := range []byte(s[2:]) {
			d, ok := hexVal(c)
			if !ok || v>>60 != 0 {
				return 0, false
			}
			v = v<<4 | uint64(d)
		}
		return v, true
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' || v > (1<<63)/10 {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// probePCI scans bus 0 for virtio functions.
func probePCI() {
	for d := uint32(0); d < 32; d++ {
		for fn := uint32(0); fn < 8; fn++ {
			a := dev.MakePCIAddr(0, d, fn)
			vendor := dev.PCIRead16(a, dev.PCIVendorID)
			if vendor == 0xFFFF {
				if fn == 0 {
					break
				}
				continue
			}
			typ := virtio.PCIDeviceType(vendor, dev.PCIRead16(a, dev.PCIDeviceID), dev.PCIRead16(a, dev.PCISubsystemID))
			if typ != 0 && devices.npci < len(devices.pci) {
				t := &devices.pci[devices.npci]
				switch virtio.ProbePCI(t, a, typ) {
				case virtio.ProbeOK:
					devices.npci++
					startDevice(t, "virtio-pci", uint64(a))
				case virtio.ProbeBAROutside:
					deviceMsg("virtio-pci", "a BAR lies outside the identity-mapped MMIO window; device ignored", "", "")
				default:
					deviceMsg("virtio-pci", "no modern virtio capabilities, ignored", "", "")
				}
			}
			if fn == 0 && dev.PCIRead8(a, dev.PCIHeaderType)&0x80 == 0 {
				break
			}
		}
	}
}

// startDevice drives t by its type and routes its interrupt.
func startDevice(t *virtio.Transport, bus string, where uint64) {
	var name, err string
	nq := uint16(1) // virtqueues the driver uses
	if t.DeviceID == virtio.DeviceNet {
		nq = 2
	}
	msix, why := 0, ""
	switch t.DeviceID {
	case virtio.DeviceRNG, virtio.DeviceNet, virtio.DeviceBlock:
		msix, why = startMSIX(t, nq)
	}
	switch t.DeviceID {
	case virtio.DeviceRNG:
		name = "rng"
		err = virtio.RngInit(t, dmaFrames{})
	case virtio.DeviceNet:
		name = "net"
		err = virtio.NetInit(t, dmaFrames{})
	case virtio.DeviceBlock:
		name = "blk"
		_, err = virtio.BlkInit(t, dmaFrames{})
	default:
		if devices.verbose {
			klog.Str("unigo: ")
			klog.Str(bus)
			klog.Str(": device type ")
			klog.Dec(int64(t.DeviceID))
			klog.Str(" not driven\n")
		}
		return
	}
	if err != "" {
		if msix > 0 {
			virtio.PCIDisableMSIX(t)
		}
		deviceMsg(bus, name, ": ", err)
		return
	}
	if msix > 0 && !virtio.PCIMSIXCheck(t, nq) {
		virtio.PCIUseINTx(t.PCI)
		virtio.PCIDisableMSIX(t)
		msix, why = 0, "msi-x vectors dropped"
	}
	if msix == 0 {
		if t.IRQ >= 32 || !dev.IOAPICRoute(t.IRQ, uint8(vecDeviceFirst+t.IRQ), devices.bootAPIC) {
			deviceMsg(bus, name, ": interrupt line out of range", "")
			return
		}
		devices.routed |= 1 << t.IRQ
	}
	if devices.verbose {
		klog.Str("unigo: virtio-")
		klog.Str(name)
		klog.Str(" on ")
		klog.Str(bus)
		klog.Str(" ")
		if t.Kind == virtio.KindPCI {
			a := dev.PCIAddr(t.PCI)
			klog.Dec(int64(a.Bus()))
			klog.Str(":")
			klog.Dec(int64(a.Device()))
			klog.Str(".")
			klog.Dec(int64(a.Function()))
		} else {
			klog.Hex(where)
		}
		if msix > 0 {
			first := vecMSIFirst + devices.nmsi - msix
			klog.Str(" msi-x ")
			klog.Dec(int64(msix))
			if msix == 1 {
				klog.Str(" vector ")
			} else {
				klog.Str(" vectors ")
			}
			klog.Hex(uint64(first))
			if msix > 1 {
				klog.Str("-")
				klog.Hex(uint64(first + msix - 1))
			}
		} else {
			klog.Str(" intx gsi ")
			klog.Dec(int64(t.IRQ))
			if why != "" {
				klog.Str(" (")
				klog.Str(why)
				klog.Str(")")
			}
		}
		if t.DeviceID == virtio.DeviceNet {
			klog.Str(" features ")
			klog.Hex(virtio.NetFeatures())
		}
		if t.DeviceID == virtio.DeviceBlock {
			d := virtio.BlkDisks() - 1
			klog.Str(" volume ")
			klog.Dec(int64(d))
			klog.Str(", ")
			klog.Dec(int64(virtio.BlkCapacity(d)))
			klog.Str(" sectors, features ")
			klog.Hex(virtio.BlkFeatures(d))
		}
		klog.Str("\n")
	}
}

// startMSIX gives PCI device t (with nq virtqueues) MSI-X vectors from the pool and
// switches it to MSI-X, before its driver initializes it. It returns how many vectors it
// took (0: t stays on INTx) and, if none, why not.
func startMSIX(t *virtio.Transport, nq uint16) (int, string) {
	if t.Kind != virtio.KindPCI {
		return 0, ""
	}
	if t.MSIXCap == 0 {
		return 0, "no msi-x"
	}
	if t.MSIXSize == 0 {
		return 0, "msi-x table outside the mmio window"
	}
	n := virtio.MSIXVectorsFor(nq, t.MSIXSize)
	free := maxMSIVectors - devices.nmsi
	if int(n) > free {
		n = 1
	}
	if free == 0 {
		return 0, "msi-x vectors exhausted"
	}
	first := vecMSIFirst + devices.nmsi
	if !virtio.PCIEnableMSIX(t, n, nq, uint8(first), devices.bootAPIC) {
		return 0, "msi-x refused"
	}
	for e := 0; e < int(n); e++ {
		devices.msi[devices.nmsi].pci = t.PCI
		devices.msi[devices.nmsi].entry = uint16(e)
		devices.nmsi++
	}
	return int(n), ""
}

func deviceMsg(bus, a, b, c string) {
	klog.Str("unigo: ")
	klog.Str(bus)
	klog.Str(": ")
	klog.Str(a)
	klog.Str(b)
	klog.Str(c)
	klog.Str("\n")
}

// deviceInterrupt handles vectors vecDeviceFirst..vecDeviceLast. The caller holds the
// kernel lock and has sent the EOI.
func deviceInterrupt(vector uint64) {
	devices.irqs++
	var ev uint32
	if vector >= vecMSIFirst {
		i := int(vector - vecMSIFirst)
		if i >= devices.nmsi {
			return
		}
		ev = virtio.MSIXInterrupt(devices.msi[i].pci, devices.msi[i].entry)
	} else {
		ev = virtio.Interrupt(uint32(vector - vecDeviceFirst))
	}
	if ev&virtio.EvRng != 0 {
		wakeDevice(dkRng)
	}
	if ev&virtio.EvNetRx != 0 {
		wakeDevice(dkNetRx)
		netCtlChanged() // the netstack service drains the receive ring
	}
	if ev&virtio.EvNetTx != 0 {
		wakeDevice(dkNetTx)
	}
	for i := 0; i < virtio.BlkMaxDisks; i++ {
		if ev&(virtio.EvBlk0<<i) != 0 {
			wakeDevice(dkBlkDone + uintptr(i))
		}
	}
}

// wakeDevice wakes every thread waiting for key.
func wakeDevice(key uintptr) { wakeWaiting(1<<waitDevice, key, false) }

// waitDeviceEvent sleeps until a device event for key may have happened, the deadline
// (monotonic ns, 0 = none) passes, or a signal arrives, and says which (wakeNormal,
// wakeTimeout, wakeSignal). Callers re-check their condition in a loop: a wakeup is a hint.
// Before the first thread exists (boot, on the idle thread, before the other CPUs start)
// it halts the CPU until the next interrupt instead of blocking and handles the interrupt
// (kernelTrap records it) under the kernel lock it keeps.
func waitDeviceEvent(key uintptr, deadline int64) uint32 {
	if thisCPU().Current != 0 {
		return block(waitDevice, key, deadline)
	}
	if deadline != 0 {
		d := deadline - dev.Nanotime()
		if d <= 0 {
			return wakeTimeout
		}
		// No thread exists yet, so nobody else wants the timer. The scheduler's record of
		// what the timer is set for is left alone: if this one-shot outlives the wait,
		// it fires once more, and the timer interrupt finds nothing to do.
		dev.LAPICTimerOneShot(d)
	}
	amd64.Hlt() // STI; HLT; CLI: the interrupt cannot slip in between check and halt
	runPendingIRQs(thisCPU())
	if deadline != 0 && dev.Nanotime() >= deadline {
		return wakeTimeout
	}
	return wakeNormal
}

// virtioRandom fills n bytes at p (kernel or application memory) from the entropy device.
// It returns how many bytes it filled: less than n if a signal interrupted it (got 0:
// EINTR) or the device is absent or failed (the caller falls back to the CPU's sources).
func virtioRandom(p, n uintptr) (uintptr, linux.Errno) {
	got := uintptr(0)
	for got < n && virtio.RngPresent() && !devices.rngFail {
		dst := unsafe.Slice((*byte)(unsafe.Pointer(p+got)), n-got)
		if k := virtio.RngTake(dst); k > 0 {
			got += uintptr(k)
			continue
		}
		if !virtio.RngStart() {
			if virtio.RngTake(dst[:0]) == 0 && !virtio.RngBusy() {
				break // the device is gone
			}
			continue
		}
		deadline := dev.Nanotime() + rngTimeout
		for virtio.RngBusy() {
			why := waitDeviceEvent(dkRng, deadline)
			if why == wakeSignal {
				if got == 0 {
					return 0, linux.ERESTARTSYS
				}
				return got, 0
			}
			if why == wakeTimeout && virtio.RngBusy() {
				klog.Str("unigo: virtio-rng did not answer; using the CPU's random sources\n")
				devices.rngFail = true
				break
			}
		}
	}
	return got, 0
}

// haveVirtioRandom reports whether getrandom is served by the entropy device.
func haveVirtioRandom() bool { return virtio.RngPresent() && !devices.rngFail }

// seedFromDevice seeds the software generator (AT_RANDOM and the fallback path) from the
// entropy device, for CPUs without RDRAND. It reports whether it could.
func seedFromDevice() bool {
	if !haveVirtioRandom() {
		return false
	}
	var seed [32]byte
	if n, _ := virtioRandom(uintptr(unsafe.Pointer(&seed[0])), 32); n != 32 {
		return false
	}
	dev.SeedRandom(seed)
	klog.Str("unigo: random source: virtio-rng (host entropy; the CPU has no RDRAND)\n")
	return true
}

// fillRandom fills n bytes at p for getrandom(2): from the entropy device when there is
// one, else (or for what it could not supply) from RDRAND or the seeded generator.
func fillRandom(p, n uintptr) (uintptr, linux.Errno) {
	got, err := virtioRandom(p, n)
	if err != 0 || got == n {
		return got, err
	}
	if got > 0 && got < n && haveVirtioRandom() {
		return got, 0 // interrupted by a signal: a short read, as Linux gives
	}
	if !dev.FillRandom(unsafe.Pointer(p+got), n-got) {
		if got > 0 {
			return got, 0
		}
		return 0, linux.EAGAIN
	}
	return n, 0
}

// netWaitRx sleeps until a frame is waiting or the deadline passes; it reports whether
// one is. For kernel code (the link endpoint's service and the self-test).
func netWaitRx(deadline int64) bool {
	for !virtio.NetRxReady() {
		if waitDeviceEvent(dkNetRx, deadline) != wakeNormal && !virtio.NetRxReady() {
			return false
		}
	}
	return true
}

// randomSource names where getrandom's bytes come from, for unigo.stats.
func randomSource() string {
	if haveVirtioRandom() {
		return "virtio-rng"
	}
	return dev.RandomSource()
}
