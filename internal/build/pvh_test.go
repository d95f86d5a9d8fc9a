package build

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// tinyELF is a small static linux/amd64 Go program linked at 0x101000 like
// an image, but without the kernel: built once per test run.
var tinyELF struct {
	once sync.Once
	data []byte
	err  error
}

func tinyProgram(t *testing.T) []byte {
	t.Helper()
	if testing.Short() {
		t.Skip("runs go build")
	}
	tinyELF.once.Do(func() {
		dir, err := os.MkdirTemp("", "unigo-pvh-test-")
		if err != nil {
			tinyELF.err = err
			return
		}
		defer os.RemoveAll(dir)
		files := map[string]string{
			"go.mod":  "module tiny\n\ngo 1.26\n",
			"main.go": "package main\n\nfunc main() { println(\"tiny\") }\n",
		}
		for n, c := range files {
			if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
				tinyELF.err = err
				return
			}
		}
		out := filepath.Join(dir, "tiny")
		cmd := exec.Command("go", "build", "-o", out, "-ldflags", "-T "+TextAddr, ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off")
		if msg, err := cmd.CombinedOutput(); err != nil {
			tinyELF.err = &os.PathError{Op: "go build", Path: dir, Err: errorString(string(msg))}
			return
		}
		tinyELF.data, tinyELF.err = os.ReadFile(out)
	})
	if tinyELF.err != nil {
		t.Fatal(tinyELF.err)
	}
	return bytes.Clone(tinyELF.data)
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestAddPVHNoteWritesXenNote(t *testing.T) {
	data := tinyProgram(t)
	before, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	entry, err := AddPVHNote(data)
	if err != nil {
		t.Fatal(err)
	}
	if entry != before.Entry {
		t.Errorf("entry = %#x, want e_entry %#x", entry, before.Entry)
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("patched image no longer parses: %v", err)
	}
	var note *elf.Prog
	for _, p := range f.Progs {
		if p.Type == elf.PT_NOTE {
			note = p
			break
		}
	}
	if note == nil {
		t.Fatal("no PT_NOTE after patching")
	}
	if note.Filesz != 24 || note.Memsz != 24 || note.Align != 4 {
		t.Errorf("PT_NOTE filesz/memsz/align = %d/%d/%d, want 24/24/4", note.Filesz, note.Memsz, note.Align)
	}
	raw := data[note.Off : note.Off+24]
	want := make([]byte, 24)
	le := binary.LittleEndian
	le.PutUint32(want[0:], 4)
	le.PutUint32(want[4:], 8)
	le.PutUint32(want[8:], 18)
	copy(want[12:], "Xen\x00")
	le.PutUint64(want[16:], entry)
	if !bytes.Equal(raw, want) {
		t.Errorf("note bytes:\n got % x\nwant % x", raw, want)
	}
	if got, err := PVHEntry(data); err != nil || got != entry {
		t.Errorf("PVHEntry = %#x, %v; want %#x", got, err, entry)
	}
	// Section view: the note section shrank with the segment.
	for _, s := range f.Sections {
		if s.Type == elf.SHT_NOTE && s.Offset == note.Off && s.Size != 24 {
			t.Errorf("section %s size %d, want 24", s.Name, s.Size)
		}
	}
	// Patching twice changes nothing.
	again := bytes.Clone(data)
	if _, err := AddPVHNote(again); err != nil || !bytes.Equal(again, data) {
		t.Errorf("second AddPVHNote changed the image (err %v)", err)
	}
}

func TestCheckImage(t *testing.T) {
	data := tinyProgram(t)
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.img")
	if err := os.WriteFile(plain, data, 0o644); err != nil {
		t.Fatal(err)
	}
	err := CheckImage(plain)
	if err == nil || err.Error() != plain+": not a unigo image (no PVH note)" {
		t.Errorf("CheckImage(plain ELF) = %v, want the no-PVH-note message", err)
	}
	if _, err := AddPVHNote(data); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.img")
	if err := os.WriteFile(good, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckImage(good); err != nil {
		t.Errorf("CheckImage(patched) = %v", err)
	}
	trunc := filepath.Join(dir, "trunc.img")
	if err := os.WriteFile(trunc, data[:8192], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckImage(trunc); err == nil || !strings.Contains(err.Error(), "not a unigo image") {
		t.Errorf("CheckImage(truncated) = %v, want not a unigo image", err)
	}
	if err := CheckImage(filepath.Join(dir, "missing.img")); !os.IsNotExist(err) {
		t.Errorf("CheckImage(missing) = %v, want not-exist", err)
	}
}

func TestAddPVHNoteRejectsBadInput(t *testing.T) {
	base := tinyProgram(t)
	f, err := elf.NewFile(bytes.NewReader(base))
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	phoff := le.Uint64(base[offEPhoff:])
	noteIndex := -1
	for i, p := range f.Progs {
		if p.Type == elf.PT_NOTE {
			noteIndex = i
		}
	}
	cases := []struct {
		name string
		mut  func([]byte) []byte
		want string
	}{
		{"empty", func(b []byte) []byte { return nil }, "not an ELF"},
		{"random", func(b []byte) []byte { return bytes.Repeat([]byte{0x5a}, 4096) }, "not an ELF"},
		{"header only", func(b []byte) []byte { return b[:40] }, "not an ELF"},
		{"truncated headers", func(b []byte) []byte { return b[:100] }, "bad ELF"},
		{"ELF32", func(b []byte) []byte { b[elf.EI_CLASS] = byte(elf.ELFCLASS32); return b }, ""},
		{"big-endian", func(b []byte) []byte { b[elf.EI_DATA] = byte(elf.ELFDATA2MSB); return b }, ""},
		{"arm64", func(b []byte) []byte { le.PutUint16(b[18:], uint16(elf.EM_AARCH64)); return b }, "x86-64"},
		{"shared object", func(b []byte) []byte { le.PutUint16(b[16:], uint16(elf.ET_DYN)); return b }, "executable"},
		{"entry above 4 GiB", func(b []byte) []byte { le.PutUint64(b[24:], 1<<32); return b }, "4 GiB"},
		{"no PT_NOTE", func(b []byte) []byte {
			le.PutUint32(b[phoff+uint64(noteIndex)*phdr64Size:], uint32(elf.PT_NULL))
			return b
		}, "no PT_NOTE"},
		{"PT_NOTE too small", func(b []byte) []byte {
			le.PutUint64(b[phoff+uint64(noteIndex)*phdr64Size+offPhFilesz:], 16)
			return b
		}, "no PT_NOTE"},
		{"PT_NOTE past end", func(b []byte) []byte {
			le.PutUint64(b[phoff+uint64(noteIndex)*phdr64Size+offPhFilesz:], uint64(len(b)))
			return b
		}, "past the end"},
	}
	if noteIndex < 0 {
		t.Fatal("test program has no PT_NOTE")
	}
	for _, c := range cases {
		data := c.mut(bytes.Clone(base))
		_, err := AddPVHNote(data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: AddPVHNote error = %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

func TestFindPVHNoteSkipsOtherNotes(t *testing.T) {
	le := binary.LittleEndian
	var seg []byte
	add := func(name string, typ uint32, desc []byte) {
		h := make([]byte, 12)
		le.PutUint32(h[0:], uint32(len(name)))
		le.PutUint32(h[4:], uint32(len(desc)))
		le.PutUint32(h[8:], typ)
		seg = append(seg, h...)
		seg = append(seg, name...)
		for len(seg)%4 != 0 {
			seg = append(seg, 0)
		}
		seg = append(seg, desc...)
		for len(seg)%4 != 0 {
			seg = append(seg, 0)
		}
	}
	add("GNU\x00", 3, []byte{1, 2, 3, 4, 5})
	add("Xen\x00", 1, []byte{9, 9, 9, 9})
	add("Xen\x00", 18, []byte{0x00, 0x10, 0x10, 0x00})
	if e, ok := findPVHNote(seg, 4); !ok || e != 0x101000 {
		t.Errorf("findPVHNote = %#x, %v; want 0x101000, true", e, ok)
	}
	if _, ok := findPVHNote(seg[:30], 4); ok {
		t.Errorf("found a note in a truncated segment")
	}
}
