package kernel

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/arch/amd64"
)

// Segment selectors. Everything runs in ring 0; the data selector only matters for SS.
const (
	selCode = 0x08
	selData = 0x10
	selTSS  = 0x18
)

// IST stack numbers (1-based, as in the TSS) and their sizes.
const (
	istIntr  = 1 // interrupts and most exceptions
	istFault = 2 // page faults: a demand fault taken by kernel code nests on this one
	istFatal = 3 // double fault, NMI, machine check: always usable
	numIST   = 3
	istSize  = 16 << 10
)

var (
	gdt  [maxCPUs][5]uint64 // per CPU: null, code, data, TSS (two slots)
	tss  [maxCPUs][26]uint32
	idt  [256][2]uint64     // shared by all CPUs
	desc [maxCPUs][2]uint64 // scratch pseudo-descriptors for LGDT/LIDT

	// The boot CPU's IST stacks; the other CPUs' are mapped when they start (kstack.go).
	bootIST [numIST][istSize + 16]byte
)

// istTop returns the top of CPU id's IST stack k (0-based), 16-byte aligned.
func istTop(id, k int) uintptr {
	if id == 0 {
		return (uintptr(unsafe.Pointer(&bootIST[k][0])) + istSize) &^ 15
	}
	return cpuISTStack(id, k) + istSize
}

// setupCPU loads CPU id's GDT and TSS, the IDT (built by the boot CPU) and enables SYSCALL.
func setupCPU(id int) {
	g := &gdt[id]
	g[0] = 0
	g[1] = 0x00af9a000000ffff // 64-bit code, present, DPL 0
	g[2] = 0x00cf92000000ffff // data, writable
	t := &tss[id]
	tssBase := uint64(uintptr(unsafe.Pointer(t)))
	limit := uint64(unsafe.Sizeof(*t) - 1)
	g[3] = limit&0xffff | (tssBase&0xffffff)<<16 | 0x89<<40 | (tssBase>>24&0xff)<<56 // available 64-bit TSS
	g[4] = tssBase >> 32

	for i := 0; i < numIST; i++ {
		top := uint64(istTop(id, i))
		// IST n lives at byte offset 36 + 8*(n-1) in the TSS: 32-bit words 9+2(n-1) and up.
		w := 9 + 2*i
		t[w] = uint32(top)
		t[w+1] = uint32(top >> 32)
	}
	t[25] = uint32(unsafe.Sizeof(*t)) << 16 // I/O map base beyond the limit: no bitmap

	loadDesc(id, uintptr(unsafe.Pointer(g)), uint16(unsafe.Sizeof(*g)-1), true)
	amd64.Ltr(selTSS)
	if id == 0 {
		buildIDT()
	}
	loadDesc(id, uintptr(unsafe.Pointer(&idt)), uint16(unsafe.Sizeof(idt)-1), false)

	// SYSCALL: CS = selCode, SS = selCode+8; RFLAGS bits set in FMASK are cleared on entry.
	amd64.Wrmsr(amd64.MSR_STAR, uint64(selCode)<<32)
	amd64.Wrmsr(amd64.MSR_LSTAR, uint64(addrSyscallEntry()))
	amd64.Wrmsr(amd64.MSR_FMASK, amd64.RFLAGS_IF|amd64.RFLAGS_TF|amd64.RFLAGS_DF|amd64.RFLAGS_AC)
}

// buildIDT points every vector at its stub, on the IST stack the vector needs.
func buildIDT() {
	stubs := uint64(addrVectorStubs())
	for v := 0; v < 256; v++ {
		ist := uint64(istIntr)
		switch v {
		case 14:
			ist = istFault
		case 2, 8, 18:
			ist = istFatal
		}
		h := stubs + uint64(v)*8
		idt[v][0] = h&0xffff | selCode<<16 | ist<<32 | 0x8E<<40 | (h>>16&0xffff)<<48 // interrupt gate
		idt[v][1] = h >> 32
	}
}

// loadDesc builds a pseudo-descriptor (16-bit limit, 64-bit base) and loads the GDT or IDT.
func loadDesc(id int, base uintptr, limit uint16, isGDT bool) {
	d := &desc[id]
	d[0] = uint64(limit) | uint64(base)<<16
	d[1] = uint64(base) >> 48
	p := uintptr(unsafe.Pointer(d))
	if isGDT {
		amd64.Lgdt(p)
	} else {
		amd64.Lidt(p)
	}
}
