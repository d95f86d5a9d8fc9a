package kernel

// The kernel's side of /proc (package fs/procfs): procSource generates the files from
// live state. fsEnv passes a procSource{} with every file-system call; it is a zero-size
// value, so the interface conversion allocates nothing. Each method gets the Writer by
// value and returns it (a pointer through an interface would escape to the heap); the
// helpers below take it by pointer.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/arch/amd64"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/fs"
	"github.com/unigo-os/unigo/kernel/fs/procfs"
	"github.com/unigo-os/unigo/kernel/mm"
)

type procSource struct{}

// exePath is what /proc/self/exe names: the program's AT_EXECFN. No file is there.
const exePath = "/app"

// Gen writes one generated /proc file or link target.
func (procSource) Gen(what int, w procfs.Writer) procfs.Writer {
	switch what {
	case procfs.GenExe:
		w.Str(exePath)
	case procfs.GenCwd:
		if !fs.WritePath(fsEnv(), cwd, &w) {
			w.Str("/ (deleted)")
		}
	case procfs.GenCmdline:
		procProgramStrings(&w, "arg=")
	case procfs.GenEnviron:
		procProgramStrings(&w, "env=")
	case procfs.GenMaps:
		procMaps(&w)
	case procfs.GenMounts:
		fs.WriteMounts(fsEnv(), &w)
	case procfs.GenCpuinfo:
		procCpuinfo(&w)
	case procfs.GenMeminfo:
		procMeminfo(&w)
	case procfs.GenUptime:
		ns := uint64(dev.Nanotime())
		w.Fixed(ns/1e7, 2)
		w.Str(" 0.00\n") // idle time is not counted
	}
	return w
}

// FD names what descriptor fd refers to, as Linux's /proc/PID/fd/N links do.
func (procSource) FD(fd int, w procfs.Writer) (procfs.Writer, bool) {
	if fd < 0 || fd >= maxFDs || fds[fd].File == 0 {
		return w, false
	}
	f := &files[fds[fd].File-1]
	switch f.Kind {
	case fkConsole:
		w.Str("/dev/console")
	case fkPipeR, fkPipeW:
		w.Str("pipe:[")
		w.Dec(uint64(f.Pipe) + pipeInoBase)
		w.Byte(']')
	case fkEventfd:
		w.Str("anon_inode:[eventfd]")
	case fkEpoll:
		w.Str("anon_inode:[eventpoll]")
	case fkFSFile, fkDevice:
		if !fs.WritePath(fsEnv(), f.Node, &w) {
			w.Str("/ (deleted)")
		}
	case fkSocket:
		w.Str("socket:[")
		w.Dec(uint64(f.Sock) + sockInoBase)
		w.Byte(']')
	default:
		w.Str("anon_inode:[unknown]")
	}
	return w, true
}

// pipeInoBase and sockInoBase number pipes and sockets for their fd links, like the
// pipefs and sockfs inode numbers of Linux.
const (
	pipeInoBase = 1000
	sockInoBase = 100000
)

// NextFD returns the lowest open descriptor at or above fd, or -1.
func (procSource) NextFD(fd int) int {
	for ; fd >= 0 && fd < maxFDs; fd++ {
		if fds[fd].File != 0 {
			return fd
		}
	}
	return -1
}

// procProgramStrings writes the program's initial argv (prefix "arg=") or environment
// ("env="), each NUL-terminated, decoded from the command line as buildStack did.
func procProgramStrings(w *procfs.Writer, prefix string) {
	s := unsafe.String(&cmdline[0], cmdlineLen)
	inProgram, any := false, false
	for len(s) > 0 {
		var tok string
		tok, s = nextToken(s)
		switch {
		case tok == "--":
			inProgram = true
		case inProgram && len(tok) >= 4 && tok[:4] == prefix:
			v := tok[4:]
			for i := 0; i < len(v); i++ {
				c := v[i]
				if c == '%' && i+2 < len(v) {
					c = unhex(v[i+1])<<4 | unhex(v[i+2])
					i += 2
				}
				w.Byte(c)
			}
			w.Byte(0)
			any = true
		}
	}
	if !any && prefix == "arg=" {
		w.Str(exePath) // buildStack's fallback argv[0]
		w.Byte(0)
	}
}

// procMaps writes the program image and the mmap regions in the format of Linux's
// /proc/PID/maps: "start-end perms offset dev inode", then the path padded to column 73.
func procMaps(w *procfs.Writer) {
	text, etext, end := uint64(addrText()), uint64(addrEText()), uint64(addrImageEnd())
	etext = (etext + mm.PageSize - 1) &^ (mm.PageSize - 1)
	end = (end + mm.PageSize - 1) &^ (mm.PageSize - 1)
	procMapLine(w, text&^(mm.PageSize-1), etext, mm.ProtRead|mm.ProtExec, exePath)
	procMapLine(w, etext, end, mm.ProtRead|mm.ProtWrite, exePath)
	for i := 0; i < space.Regions.Len() && !w.Full(); i++ {
		r := space.Regions.At(i)
		procMapLine(w, r.Start, r.End, r.Prot, "")
	}
}

func procMapLine(w *procfs.Writer, start, end uint64, prot mm.Prot, name string) {
	line := w.Len
	w.Hex(start, 8)
	w.Byte('-')
	w.Hex(end, 8)
	w.Byte(' ')
	for _, p := range [3]struct {
		bit mm.Prot
		c   byte
	}{{mm.ProtRead, 'r'}, {mm.ProtWrite, 'w'}, {mm.ProtExec, 'x'}} {
		if prot&p.bit != 0 {
			w.Byte(p.c)
		} else {
			w.Byte('-')
		}
	}
	w.Str("p 00000000 00:00 0")
	if name != "" {
		w.PadTo(line, 73)
		w.Str(name)
	} else {
		w.Byte(' ') // Linux leaves the space after the inode number
	}
	w.Byte('\n')
}

// procMeminfo writes /proc/meminfo from the frame allocator: everything not free is in
// use by the program or the kernel; there is no page cache and no swap.
func procMeminfo(w *procfs.Writer) {
	total, free := frames.TotalPages()*4, frames.FreePages()*4
	for _, l := range [...]struct {
		name string
		kb   uint64
	}{
		{"MemTotal:       ", total}, {"MemFree:        ", free}, {"MemAvailable:   ", free},
		{"Buffers:        ", 0}, {"Cached:         ", 0}, {"SwapCached:     ", 0},
		{"SwapTotal:      ", 0}, {"SwapFree:       ", 0},
	} {
		w.Str(l.name)
		w.DecWidth(l.kb, 8)
		w.Str(" kB\n")
	}
}

// procCpuinfo writes one /proc/cpuinfo block per CPU, from CPUID (the same on every CPU
// of a VM).
func procCpuinfo(w *procfs.Writer) {
	_, vb, vc, vd := amd64.Cpuid(0, 0)
	eax1, _, ecx1, edx1 := amd64.Cpuid(1, 0)
	_, ebx7, _, _ := amd64.Cpuid(7, 0)
	_, _, ecxE1, edxE1 := amd64.Cpuid(0x80000001, 0)
	family, model := (eax1>>8)&0xf, (eax1>>4)&0xf
	if family == 0xf {
		family += (eax1 >> 20) & 0xff
	}
	if family == 6 || family >= 0xf {
		model |= (eax1 >> 12) & 0xf0
	}
	for cpu := 0; cpu < numCPU; cpu++ {
		w.Str("processor\t: ")
		w.Dec(uint64(cpu))
		w.Str("\nvendor_id\t: ")
		for _, r := range [3]uint32{vb, vd, vc} {
			writeRegChars(w, r)
		}
		w.Str("\ncpu family\t: ")
		w.Dec(uint64(family))
		w.Str("\nmodel\t\t: ")
		w.Dec(uint64(model))
		w.Str("\nmodel name\t: ")
		writeBrand(w)
		w.Str("\nstepping\t: ")
		w.Dec(uint64(eax1 & 0xf))
		w.Str("\ncpu MHz\t\t: ")
		w.Fixed(dev.TSCFrequency()/1000, 3)
		w.Str("\nphysical id\t: 0\nsiblings\t: ")
		w.Dec(uint64(numCPU))
		w.Str("\ncore id\t\t: ")
		w.Dec(uint64(cpu))
		w.Str("\ncpu cores\t: ")
		w.Dec(uint64(numCPU))
		w.Str("\nflags\t\t:")
		for _, f := range cpuFlags {
			var reg uint32
			switch f.reg {
			case 0:
				reg = edx1
			case 1:
				reg = ecx1
			case 2:
				reg = ebx7
			case 3:
				reg = edxE1
			case 4:
				reg = ecxE1
			}
			if reg&(1<<f.bit) != 0 {
				w.Byte(' ')
				w.Str(f.name)
			}
		}
		w.Str("\n\n")
	}
}

// cpuFlags are the /proc/cpuinfo flags we report, with their CPUID bits (Linux's names,
// arch/x86/include/asm/cpufeatures.h). reg: 0 = 1:EDX, 1 = 1:ECX, 2 = 7:EBX,
// 3 = 0x80000001:EDX, 4 = 0x80000001:ECX.
var cpuFlags = [...]struct {
	name     string
	reg, bit uint8
}{
	{"fpu", 0, 0}, {"tsc", 0, 4}, {"msr", 0, 5}, {"pae", 0, 6}, {"cx8", 0, 8}, {"apic", 0, 9},
	{"cmov", 0, 15}, {"clflush", 0, 19}, {"mmx", 0, 23}, {"fxsr", 0, 24}, {"sse", 0, 25}, {"sse2", 0, 26},
	{"syscall", 3, 11}, {"nx", 3, 20}, {"pdpe1gb", 3, 26}, {"rdtscp", 3, 27}, {"lm", 3, 29},
	{"pni", 1, 0}, {"pclmulqdq", 1, 1}, {"ssse3", 1, 9}, {"fma", 1, 12}, {"cx16", 1, 13},
	{"sse4_1", 1, 19}, {"sse4_2", 1, 20}, {"x2apic", 1, 21}, {"movbe", 1, 22}, {"popcnt", 1, 23},
	{"aes", 1, 25}, {"xsave", 1, 26}, {"avx", 1, 28}, {"f16c", 1, 29}, {"rdrand", 1, 30},
	{"hypervisor", 1, 31}, {"lahf_lm", 4, 0}, {"abm", 4, 5},
	{"fsgsbase", 2, 0}, {"bmi1", 2, 3}, {"avx2", 2, 5}, {"bmi2", 2, 8}, {"erms", 2, 9},
	{"rdseed", 2, 18}, {"adx", 2, 19}, {"sha_ni", 2, 29},
}

// writeRegChars writes the four ASCII bytes of a CPUID register, low byte first.
func writeRegChars(w *procfs.Writer, r uint32) {
	for i := 0; i < 4; i++ {
		if c := byte(r >> (8 * i)); c != 0 {
			w.Byte(c)
		}
	}
}

// writeBrand writes the CPUID brand string (leaves 0x80000002-4) without its padding.
func writeBrand(w *procfs.Writer) {
	if max, _, _, _ := amd64.Cpuid(0x80000000, 0); max < 0x80000004 {
		w.Str("unknown")
		return
	}
	var b [48]byte
	for i := uint32(0); i < 3; i++ {
		a, bx, c, d := amd64.Cpuid(0x80000002+i, 0)
		for j, r := range [4]uint32{a, bx, c, d} {
			for k := 0; k < 4; k++ {
				b[i*16+uint32(j)*4+uint32(k)] = byte(r >> (8 * k))
			}
		}
	}
	s, e := 0, len(b)
	for s < e && b[s] == ' ' {
		s++
	}
	for e > s && (b[e-1] == 0 || b[e-1] == ' ') {
		e--
	}
	w.Bytes(b[s:e])
}
