package build

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// The Xen PVH boot note, as QEMU's -kernel loader and Firecracker look for it
// (xen/include/public/elfnote.h):
//
//	offset  size  field
//	0       4     namesz = 4
//	4       4     descsz = 8
//	8       4     type   = 18 (XEN_ELFNOTE_PHYS32_ENTRY)
//	12      4     name   = "Xen\0"
//	16      8     desc   = 32-bit physical entry address, zero-extended
//
// Xen documents the descriptor as a 32-bit value, but QEMU up to at least 7.2
// reads a host size_t (8 bytes) from it for ELF64 images, while newer QEMU and
// Firecracker read 4 bytes. An 8-byte little-endian descriptor whose upper half
// is zero reads correctly either way.
const (
	pvhNoteType   = 18 // XEN_ELFNOTE_PHYS32_ENTRY
	pvhNoteName   = "Xen\x00"
	pvhNoteDescSz = 8
	pvhNoteSize   = 12 + len(pvhNoteName) + pvhNoteDescSz

	// pvhNoteAlign is the PT_NOTE alignment we write. QEMU pads the name and
	// descriptor to p_align, so anything but 4 would move the descriptor.
	pvhNoteAlign = 4
)

// Offsets of ELF64 header and program header fields (elf(5)).
const (
	ehdr64Size    = 64
	offEPhoff     = 32
	offEShoff     = 40
	offEPhentsize = 54
	offEShentsize = 58
	phdr64Size    = 56
	offPhFilesz   = 32
	offPhMemsz    = 40
	offPhAlign    = 48
	shdr64Size    = 64
	offShSize     = 32

	maxEntryPhys32 = 1 << 32
)

// AddPVHNote rewrites the first PT_NOTE segment of the ELF image in data, in
// place, into a Xen PVH entry note pointing at e_entry, and returns the entry.
//
// The Go linker emits a PT_NOTE for .note.go.buildid inside the first page;
// its note is larger than ours, so the PVH note always fits. The bytes of the
// old note that are no longer covered are zeroed, and the matching section
// header (if any) shrinks with the segment so tools that walk sections (readelf
// -n) see exactly one note.
//
// Preconditions:
//   - data is an ELF64 little-endian x86-64 executable (checked).
//   - e_entry is below 4 GiB: PVH enters in 32-bit protected mode (checked).
func AddPVHNote(data []byte) (entry uint64, err error) {
	f, err := parseELF(data)
	if err != nil {
		return 0, err
	}
	if f.Entry >= maxEntryPhys32 {
		return 0, fmt.Errorf("entry point %#x is above 4 GiB; PVH enters in 32-bit mode (link with -T 0x101000)", f.Entry)
	}

	le := binary.LittleEndian
	phoff := le.Uint64(data[offEPhoff:])
	phentsize := uint64(le.Uint16(data[offEPhentsize:]))
	if phentsize < phdr64Size {
		return 0, fmt.Errorf("program header entry size %d is too small", phentsize)
	}
	for i, p := range f.Progs {
		if p.Type != elf.PT_NOTE {
			continue
		}
		if p.Filesz < uint64(pvhNoteSize) {
			continue
		}
		if p.Off+p.Filesz > uint64(len(data)) {
			return 0, errors.New("PT_NOTE segment extends past the end of the file")
		}
		note := data[p.Off : p.Off+p.Filesz]
		clear(note)
		le.PutUint32(note[0:], uint32(len(pvhNoteName)))
		le.PutUint32(note[4:], pvhNoteDescSz)
		le.PutUint32(note[8:], pvhNoteType)
		copy(note[12:], pvhNoteName)
		le.PutUint64(note[16:], f.Entry)

		ph := data[phoff+uint64(i)*phentsize:]
		le.PutUint64(ph[offPhFilesz:], uint64(pvhNoteSize))
		le.PutUint64(ph[offPhMemsz:], uint64(pvhNoteSize))
		le.PutUint64(ph[offPhAlign:], pvhNoteAlign)
		shrinkNoteSection(data, f, p.Off)
		return f.Entry, nil
	}
	return 0, fmt.Errorf("no PT_NOTE segment of at least %d bytes to rewrite", pvhNoteSize)
}

// shrinkNoteSection sets sh_size of the SHT_NOTE section that starts at off to
// the PVH note's size. Section headers are optional for loading, so a missing
// or odd section table is not an error.
func shrinkNoteSection(data []byte, f *elf.File, off uint64) {
	le := binary.LittleEndian
	shoff := le.Uint64(data[offEShoff:])
	shentsize := uint64(le.Uint16(data[offEShentsize:]))
	if shoff == 0 || shentsize < shdr64Size {
		return
	}
	for i, s := range f.Sections {
		if s.Type != elf.SHT_NOTE || s.Offset != off {
			continue
		}
		at := shoff + uint64(i)*shentsize
		if at+shdr64Size > uint64(len(data)) {
			return
		}
		le.PutUint64(data[at+offShSize:], uint64(pvhNoteSize))
		return
	}
}

// parseELF checks that data is an ELF64 little-endian x86-64 executable and
// returns its parsed headers.
func parseELF(data []byte) (*elf.File, error) {
	if len(data) < ehdr64Size || !bytes.HasPrefix(data, []byte(elf.ELFMAG)) {
		return nil, errors.New("not an ELF file")
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("bad ELF file: %v", err)
	}
	if f.Class != elf.ELFCLASS64 || f.Data != elf.ELFDATA2LSB {
		return nil, fmt.Errorf("not a little-endian ELF64 file (%v, %v)", f.Class, f.Data)
	}
	if f.Machine != elf.EM_X86_64 {
		return nil, fmt.Errorf("not an x86-64 ELF file (machine %v)", f.Machine)
	}
	if f.Type != elf.ET_EXEC {
		return nil, fmt.Errorf("not an executable (type %v)", f.Type)
	}
	return f, nil
}

// PatchPVHFile applies AddPVHNote to the file at path.
func PatchPVHFile(path string) (entry uint64, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	entry, err = AddPVHNote(data)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", path, err)
	}
	if err := os.WriteFile(path, data, 0o755); err != nil {
		return 0, err
	}
	return entry, nil
}

// PVHEntry returns the entry address recorded in the image's PVH note.
func PVHEntry(data []byte) (uint64, error) {
	f, err := parseELF(data)
	if err != nil {
		return 0, err
	}
	for _, p := range f.Progs {
		if p.Type != elf.PT_NOTE || p.Off+p.Filesz > uint64(len(data)) {
			continue
		}
		if entry, ok := findPVHNote(data[p.Off:p.Off+p.Filesz], p.Align); ok {
			return entry, nil
		}
	}
	return 0, errNoPVHNote
}

var errNoPVHNote = errors.New("no PVH note")

// findPVHNote walks the notes of one PT_NOTE segment, padding name and
// descriptor to align as QEMU does, and returns the PVH entry if present.
func findPVHNote(seg []byte, align uint64) (uint64, bool) {
	le := binary.LittleEndian
	if align < 4 {
		align = 4
	}
	pad := func(n uint64) uint64 { return (n + align - 1) &^ (align - 1) }
	for len(seg) >= 12 {
		namesz := uint64(le.Uint32(seg[0:]))
		descsz := uint64(le.Uint32(seg[4:]))
		typ := le.Uint32(seg[8:])
		nameEnd := 12 + pad(namesz)
		descEnd := nameEnd + pad(descsz)
		if namesz > uint64(len(seg)) || descsz > uint64(len(seg)) || descEnd > uint64(len(seg)) {
			return 0, false
		}
		name := seg[12 : 12+namesz]
		desc := seg[nameEnd : nameEnd+descsz]
		if typ == pvhNoteType && string(name) == pvhNoteName {
			switch descsz {
			case 4:
				return uint64(le.Uint32(desc)), true
			case 8:
				return le.Uint64(desc), true
			}
			return 0, false
		}
		seg = seg[descEnd:]
	}
	return 0, false
}

// CheckImage verifies that path is an ELF64 x86-64 image with a PVH note, the
// kind `unigo build` writes. Errors name the file as the caller spelled it.
func CheckImage(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if _, err := PVHEntry(data); err != nil {
		if err == errNoPVHNote {
			return fmt.Errorf("%s: not a unigo image (no PVH note)", path)
		}
		return fmt.Errorf("%s: not a unigo image (%v)", path, err)
	}
	return nil
}
