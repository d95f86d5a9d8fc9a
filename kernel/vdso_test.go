package kernel

import (
	"bytes"
	"debug/elf"
	"testing"
)

// TestVDSOImageIsAnELFTheRuntimeCanUse parses the vDSO image with debug/elf and checks what
// the Go runtime's parser relies on: ET_DYN, a PT_LOAD at offset 0, a PT_DYNAMIC, and the
// symbol __vdso_clock_gettime at version LINUX_2.6 pointing at vdsoClockGettime.
func TestVDSOImageIsAnELFTheRuntimeCanUse(t *testing.T) {
	base := buildVDSO()
	f, err := elf.NewFile(bytes.NewReader(vdsoImage[:]))
	if err != nil {
		t.Fatalf("not an ELF: %v", err)
	}
	if f.Type != elf.ET_DYN || f.Machine != elf.EM_X86_64 || f.Class != elf.ELFCLASS64 {
		t.Errorf("type %v machine %v class %v", f.Type, f.Machine, f.Class)
	}
	var load, dyn bool
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_LOAD:
			load = p.Off == 0 && p.Vaddr == 0 && p.Memsz == uint64(vdsoSize)
		case elf.PT_DYNAMIC:
			dyn = p.Off == vdsoDynOff
		}
	}
	if !load || !dyn {
		t.Errorf("PT_LOAD ok %v, PT_DYNAMIC ok %v", load, dyn)
	}
	// The runtime reads the dynamic table through the program headers (there are no
	// section headers), so the test does the same.
	le := func(off, n int) uint64 {
		var v uint64
		for i := n - 1; i >= 0; i-- {
			v = v<<8 | uint64(vdsoImage[off+i])
		}
		return v
	}
	tags := map[uint64]uint64{}
	for off := vdsoDynOff; ; off += 16 {
		tag := le(off, 8)
		if tag == 0 {
			break
		}
		tags[tag] = le(off+8, 8)
	}
	symtab, strtab, hash := int(tags[6]), int(tags[5]), int(tags[4])
	versym, verdef := int(tags[0x6ffffff0]), int(tags[0x6ffffffc])
	if symtab == 0 || strtab == 0 || hash == 0 || versym == 0 || verdef == 0 {
		t.Fatalf("dynamic table lacks an entry: %#v", tags)
	}
	str := func(off int) string {
		end := bytes.IndexByte(vdsoImage[strtab+off:], 0)
		return string(vdsoImage[strtab+off : strtab+off+end])
	}
	// DT_HASH with one bucket: bucket[0] is the first symbol of the chain.
	sym := int(le(hash+8, 4))
	if sym != 1 {
		t.Fatalf("hash bucket points at symbol %d, want 1", sym)
	}
	so := symtab + 24*sym
	if name := str(int(le(so, 4))); name != "__vdso_clock_gettime" {
		t.Errorf("symbol name %q", name)
	}
	if info := vdsoImage[so+4]; info != 0x12 {
		t.Errorf("st_info %#x, want STB_GLOBAL|STT_FUNC", info)
	}
	if got, want := uintptr(le(so+8, 8))+base, addrVDSOClockGettime(); got != want {
		t.Errorf("symbol resolves to %#x, want vdsoClockGettime at %#x", got, want)
	}
	ndx := le(versym+2*sym, 2)
	if le(verdef+4, 2) != ndx || le(verdef+8, 4) != 0x3ae75f6 {
		t.Errorf("version index %d, verdef ndx %d hash %#x", ndx, le(verdef+4, 2), le(verdef+8, 4))
	}
	if v := str(int(le(verdef+int(le(verdef+12, 4)), 4))); v != "LINUX_2.6" {
		t.Errorf("version name %q, want LINUX_2.6", v)
	}
}
