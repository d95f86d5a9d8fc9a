package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// extractVmlinux is a small port of the kernel's scripts/extract-vmlinux for
// the compressions the standard library (or this file) can undo: it reads the
// bzImage setup header to find the compressed payload, recognises its format by
// magic, decompresses it and checks that the result is an ELF file.
//
// Debian's cloud kernel (6.1) is built with CONFIG_KERNEL_LZ4, the legacy LZ4
// frame format, which is decoded below; gzip comes from compress/gzip. xz and
// zstd kernels are reported as unsupported (the suite then boots the bzImage).
func extractVmlinux(bz []byte) ([]byte, error) {
	if len(bz) < 0x250 || string(bz[0x202:0x206]) != "HdrS" {
		return nil, errors.New("not a bzImage (no HdrS setup header)")
	}
	if v := binary.LittleEndian.Uint16(bz[0x206:]); v < 0x208 {
		return nil, fmt.Errorf("boot protocol %#x too old to describe its payload", v)
	}
	setup := int(bz[0x1f1])
	if setup == 0 {
		setup = 4
	}
	base := (setup + 1) * 512
	off := base + int(binary.LittleEndian.Uint32(bz[0x248:]))
	n := int(binary.LittleEndian.Uint32(bz[0x24c:]))
	if off+n > len(bz) || n < 8 {
		return nil, errors.New("payload outside the file")
	}
	p := bz[off : off+n]
	var out []byte
	var err error
	switch {
	case bytes.HasPrefix(p, []byte{0x02, 0x21, 0x4c, 0x18}):
		out, err = unlz4Legacy(p)
	case bytes.HasPrefix(p, []byte{0x1f, 0x8b}):
		var r *gzip.Reader
		if r, err = gzip.NewReader(bytes.NewReader(p)); err == nil {
			out, err = io.ReadAll(r)
		}
	case bytes.HasPrefix(p, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return nil, errors.New("xz payload: not supported")
	case bytes.HasPrefix(p, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return nil, errors.New("zstd payload: not supported")
	default:
		return nil, fmt.Errorf("unknown payload compression (magic % x)", p[:4])
	}
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(out, []byte("\x7fELF")) {
		return nil, errors.New("decompressed payload is not an ELF file")
	}
	return out, nil
}

// unlz4Legacy decodes the LZ4 legacy frame the kernel build writes with
// `lz4 -l`: the magic 0x184C2102, then blocks of (little-endian u32
// compressed size, LZ4 block), each block independent and at most 8 MiB
// decoded. The kernel build appends the decoded size as a trailing u32, and a
// frame may be followed by another magic (concatenated frames).
func unlz4Legacy(p []byte) ([]byte, error) {
	const magic = 0x184C2102
	var want uint32
	if len(p) >= 4 {
		want = binary.LittleEndian.Uint32(p[len(p)-4:])
	}
	out := make([]byte, 0, int(want))
	p = p[4:]
	for len(p) >= 4 {
		sz := binary.LittleEndian.Uint32(p)
		if sz == magic {
			p = p[4:]
			continue
		}
		if int(sz) > len(p)-4 { // the trailing size, or garbage: the end
			break
		}
		var err error
		if out, err = lz4Block(out, p[4:4+sz]); err != nil {
			return nil, err
		}
		p = p[4+sz:]
	}
	if want != 0 && uint32(len(out)) != want {
		return nil, fmt.Errorf("lz4: decoded %d bytes, header says %d", len(out), want)
	}
	return out, nil
}

// lz4Block appends the decoding of one LZ4 block to dst. Matches may
// reference data from earlier blocks in dst; legacy blocks never do, which is
// harmless.
func lz4Block(dst, src []byte) ([]byte, error) {
	bad := errors.New("lz4: corrupt block")
	for i := 0; i < len(src); {
		tok := src[i]
		i++
		lit := int(tok >> 4)
		if lit == 15 {
			for {
				if i >= len(src) {
					return nil, bad
				}
				b := src[i]
				i++
				lit += int(b)
				if b != 255 {
					break
				}
			}
		}
		if i+lit > len(src) {
			return nil, bad
		}
		dst = append(dst, src[i:i+lit]...)
		i += lit
		if i == len(src) { // the last sequence has literals only
			break
		}
		if i+2 > len(src) {
			return nil, bad
		}
		off := int(src[i]) | int(src[i+1])<<8
		i += 2
		ml := int(tok & 15)
		if ml == 15 {
			for {
				if i >= len(src) {
					return nil, bad
				}
				b := src[i]
				i++
				ml += int(b)
				if b != 255 {
					break
				}
			}
		}
		ml += 4
		if off == 0 || off > len(dst) {
			return nil, bad
		}
		start := len(dst) - off
		for k := 0; k < ml; k++ { // byte by byte: matches may overlap
			dst = append(dst, dst[start+k])
		}
	}
	return dst, nil
}
