package main

import (
	"archive/tar"
	"bufio"
	"io"
	"os"
)

// copyTar writes a copy of the archive src to dst. Each entry goes through entry, which
// writes it to tw (copyEntry as it is, or changed); tail then appends what the copy
// should end with. replaceInTar (--dns) and appendDirs (volume mount points) are its two
// edits of an image's root archive.
func copyTar(src, dst string, entry func(tw *tar.Writer, hdr *tar.Header, body io.Reader) error, tail func(tw *tar.Writer) error) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	tr, tw := tar.NewReader(bufio.NewReaderSize(in, 1<<20)), tar.NewWriter(bw)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if err := entry(tw, hdr, tr); err != nil {
			return err
		}
	}
	if err := tail(tw); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// copyEntry writes hdr and its body to tw unchanged.
func copyEntry(tw *tar.Writer, hdr *tar.Header, body io.Reader) error {
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err := io.Copy(tw, body)
	return err
}
