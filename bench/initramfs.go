package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
)

// cpioEntry is one file of a newc ("070701") cpio archive.
type cpioEntry struct {
	name         string
	mode         uint32 // type and permission bits (0100755, 040755, 020600...)
	major, minor uint32 // device numbers of a character or block node
	data         []byte
}

// Mode type bits as cpio stores them (the same as st_mode).
const (
	cpioDir  = 0040000
	cpioReg  = 0100000
	cpioChar = 0020000
)

// writeCpio writes entries as a newc archive with its TRAILER!!! record.
func writeCpio(w io.Writer, entries []cpioEntry) error {
	var buf bytes.Buffer
	pad := func() {
		for buf.Len()%4 != 0 {
			buf.WriteByte(0)
		}
	}
	for i, e := range append(entries, cpioEntry{name: "TRAILER!!!"}) {
		nlink := 1
		if e.mode&0170000 == cpioDir {
			nlink = 2
		}
		fmt.Fprintf(&buf, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
			i+1, e.mode, 0, 0, nlink, 0, len(e.data), 0, 0, e.major, e.minor, len(e.name)+1, 0)
		buf.WriteString(e.name)
		buf.WriteByte(0)
		pad()
		buf.Write(e.data)
		pad()
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// initramfs returns the gzip'd newc archive of the Linux VM: /init (the guest
// program) and /dev/console, which the kernel opens as init's stdin, stdout
// and stderr, then extra (the network build: the virtio modules).
func initramfs(init []byte, extra ...cpioEntry) ([]byte, error) {
	var out bytes.Buffer
	z, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	err := writeCpio(z, append([]cpioEntry{
		{name: "dev", mode: cpioDir | 0755},
		{name: "dev/console", mode: cpioChar | 0600, major: 5, minor: 1},
		{name: "init", mode: cpioReg | 0755, data: init},
	}, extra...))
	if err != nil {
		return nil, err
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
