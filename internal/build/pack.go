package build

import (
	"archive/tar"
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// MaxPackedFile is the largest file PackDir puts into the archive; bigger
// ones are left out (and reported), as they would mostly waste guest memory.
const MaxPackedFile = 64 << 20

// PackDir writes the tree under dir to out as a tar archive whose root is
// dir: what a test binary sees as its working directory under `go test`,
// testdata/ included. The guest kernel serves the archive as its read-only
// root file system and starts the program in its root.
//
// Entries are ustar (PAX only for a name ustar cannot hold): directories as
// entries of their own, regular files, and symlinks as symlinks (not
// followed). Other file types are left out. Owners are 0, times whole
// seconds. skipped is called with each file left out for its size.
func PackDir(dir, out string, skipped func(rel string, size int64)) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	tw := tar.NewWriter(bw)
	werr := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		hdr := &tar.Header{
			Name:    rel,
			Mode:    int64(info.Mode().Perm()),
			ModTime: info.ModTime().Truncate(time.Second),
			Format:  tar.FormatUSTAR,
		}
		switch mode := info.Mode(); {
		case mode.IsDir():
			hdr.Typeflag = tar.TypeDir
			hdr.Name += "/"
		case mode.IsRegular():
			if info.Size() > MaxPackedFile {
				if skipped != nil {
					skipped(rel, info.Size())
				}
				return nil
			}
			hdr.Typeflag = tar.TypeReg
			hdr.Size = info.Size()
		case mode&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			hdr.Typeflag = tar.TypeSymlink
			hdr.Linkname = target
		default:
			return nil // devices, sockets, pipes: nothing a test reads
		}
		if err := tw.WriteHeader(hdr); err != nil {
			// Too long a name for ustar: PAX records carry it.
			hdr.Format = tar.FormatPAX
			if err := tw.WriteHeader(hdr); err != nil {
				return fmt.Errorf("%s: %v", rel, err)
			}
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		if n, err := io.Copy(tw, src); err != nil {
			return fmt.Errorf("%s: %v", rel, err)
		} else if n != hdr.Size {
			return fmt.Errorf("%s changed size while being packed", rel)
		}
		return nil
	})
	if werr == nil {
		werr = tw.Close()
	}
	if werr == nil {
		werr = bw.Flush()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(out)
		return fmt.Errorf("packing %s: %v", dir, werr)
	}
	return nil
}
