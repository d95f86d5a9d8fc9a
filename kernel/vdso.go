package kernel

// The vDSO: a minimal ELF shared object, built in kernel memory at boot and announced with
// AT_SYSINFO_EHDR, whose one symbol __vdso_clock_gettime points at vdsoClockGettime in the
// kernel's text. The Go runtime then reads the clock without a system call (nanotime and
// walltime are on its hot paths). The runtime's parser needs a PT_LOAD, and a PT_DYNAMIC
// with DT_STRTAB, DT_SYMTAB, DT_HASH, and DT_VERDEF/DT_VERSYM naming version LINUX_2.6.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/dev"
)

// Layout of the image (byte offsets).
const (
	vdsoPhdrOff    = 64
	vdsoDynOff     = vdsoPhdrOff + 2*56
	vdsoHashOff    = vdsoDynOff + 6*16
	vdsoSymOff     = vdsoHashOff + 5*4 + 4 // 8-aligned
	vdsoVersymOff  = vdsoSymOff + 2*24
	vdsoVerdefOff  = vdsoVersymOff + 2*2 + 4 // 8-aligned
	vdsoVerdauxOff = vdsoVerdefOff + 20
	vdsoStrOff     = vdsoVerdauxOff + 8
	vdsoStrings    = "\x00__vdso_clock_gettime\x00LINUX_2.6\x00"
	vdsoNameOff    = 1  // "__vdso_clock_gettime" in vdsoStrings
	vdsoVerNameOff = 22 // "LINUX_2.6"
	vdsoSize       = vdsoStrOff + len(vdsoStrings)
)

var (
	vdsoImage [vdsoSize]byte
	// vdsoData holds the clock parameters vdsoClockGettime reads: TSC base, ns multiplier,
	// RTC seconds at boot, Nanotime when the RTC was read.
	vdsoData [4]uint64
)

func vdsoClockGettime()
func addrVDSOClockGettime() uintptr

// buildVDSO fills in vdsoImage and vdsoData and returns the image's address.
func buildVDSO() uintptr {
	tscBase, nsMult, rtcSec, rtcNs := dev.ClockParams()
	vdsoData = [4]uint64{tscBase, nsMult, uint64(rtcSec), uint64(rtcNs)}

	b := vdsoImage[:]
	base := uintptr(unsafe.Pointer(&vdsoImage[0]))
	le := littleEndian{}
	copy(b, "\x7fELF\x02\x01\x01") // 64-bit, little-endian, version 1
	le.PutUint16(b[16:], 3)        // ET_DYN
	le.PutUint16(b[18:], 62)       // EM_X86_64
	le.PutUint32(b[20:], 1)
	le.PutUint64(b[32:], vdsoPhdrOff)
	le.PutUint16(b[52:], 64) // e_ehsize
	le.PutUint16(b[54:], 56) // e_phentsize
	le.PutUint16(b[56:], 2)  // e_phnum

	ph := b[vdsoPhdrOff:]
	le.PutUint32(ph[0:], 1) // PT_LOAD: offset 0 at vaddr 0, so the load offset is the image address
	le.PutUint32(ph[4:], 5) // R+X
	le.PutUint64(ph[32:], uint64(vdsoSize))
	le.PutUint64(ph[40:], uint64(vdsoSize))
	ph = ph[56:]
	le.PutUint32(ph[0:], 2) // PT_DYNAMIC
	le.PutUint64(ph[8:], vdsoDynOff)
	le.PutUint64(ph[16:], vdsoDynOff)

	dyn := b[vdsoDynOff:]
	for i, kv := range [6][2]uint64{
		{4, vdsoHashOff},            // DT_HASH
		{5, vdsoStrOff},             // DT_STRTAB
		{6, vdsoSymOff},             // DT_SYMTAB
		{0x6ffffff0, vdsoVersymOff}, // DT_VERSYM
		{0x6ffffffc, vdsoVerdefOff}, // DT_VERDEF
		{0, 0},                      // DT_NULL
	} {
		le.PutUint64(dyn[16*i:], kv[0])
		le.PutUint64(dyn[16*i+8:], kv[1])
	}

	h := b[vdsoHashOff:]
	for i, v := range [5]uint32{1, 2, 1, 0, 0} { // nbucket, nchain, bucket[0] -> symbol 1, chain ends
		le.PutUint32(h[4*i:], v)
	}

	sym := b[vdsoSymOff+24:]           // symbol 0 stays null
	le.PutUint32(sym[0:], vdsoNameOff) // name: offset in the string table
	sym[4] = 1<<4 | 2                  // STB_GLOBAL, STT_FUNC
	le.PutUint16(sym[6:], 1)           // any section but SHN_UNDEF
	le.PutUint64(sym[8:], uint64(addrVDSOClockGettime()-base))

	// Symbol 1 has version index 2, which the one version definition names LINUX_2.6.
	le.PutUint16(b[vdsoVersymOff+2:], 2)
	vd := b[vdsoVerdefOff:]
	le.PutUint16(vd[0:], 1)         // vd_version
	le.PutUint16(vd[4:], 2)         // vd_ndx
	le.PutUint16(vd[6:], 1)         // vd_cnt
	le.PutUint32(vd[8:], 0x3ae75f6) // vd_hash: the ELF hash of "LINUX_2.6"
	le.PutUint32(vd[12:], 20)       // vd_aux: the Verdaux follows
	le.PutUint32(b[vdsoVerdauxOff:], vdsoVerNameOff)

	copy(b[vdsoStrOff:], vdsoStrings)
	return base
}

// littleEndian writes integers in the ELF's byte order (encoding/binary is not for the
// kernel: it would import half the standard library).
type littleEndian struct{}

func (littleEndian) PutUint16(b []byte, v uint16) { b[0], b[1] = byte(v), byte(v>>8) }

func (littleEndian) PutUint32(b []byte, v uint32) {
	for i := 0; i < 4; i++ {
		b[i] = byte(v >> (8 * i))
	}
}

func (littleEndian) PutUint64(b []byte, v uint64) {
	for i := 0; i < 8; i++ {
		b[i] = byte(v >> (8 * i))
	}
}
