package build

import (
	"archive/tar"
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// The guest's root file system is one tar archive, which QEMU loads as the
// PVH boot module (-initrd) and the kernel serves read-only at "/". It holds
// the user's --files trees and, unless those provide their own, a small /etc
// and the Go time zone database (DefaultFiles).
//
// A built image carries its root archive beside it: `unigo build -o x.img`
// writes x.img and x.img.root.tar (RootTarPath), and `unigo run x.img` passes
// the latter as -initrd. Plain QEMU users pass it themselves.

// FileMount is one --files HOSTDIR:GUESTPATH: the host directory's tree
// appears, read-only, at Guest in the guest.
type FileMount struct {
	Host  string // a directory on the host
	Guest string // absolute, cleaned, "/" allowed
}

// ZoneinfoPath is where the time zone database lies in the guest; the CLI
// sets ZONEINFO to it (Go's time package looks there first), and it is also
// where a binary built with GOROOT=/usr/local/go looks by itself.
const ZoneinfoPath = "/usr/local/go/lib/time/zoneinfo.zip"

// ExePath is the program's path in the guest: AT_EXECFN and /proc/self/exe.
// Only `unigo test` puts the binary there.
const ExePath = "/app"

// ReservedGuestPaths are mounted by the kernel over whatever the archive
// holds there; the tmpfs mount point (default /tmp) is reserved as well.
var ReservedGuestPaths = []string{"/dev", "/proc"}

// RootTarPath names the root archive that goes with image img.
func RootTarPath(img string) string { return img + ".root.tar" }

// ParseFileMount parses HOSTDIR:GUESTPATH. The host directory must exist;
// GUESTPATH must be absolute and outside the kernel's own mounts (reserved,
// plus tmpfsPath).
func ParseFileMount(spec, tmpfsPath string) (FileMount, error) {
	i := strings.LastIndex(spec, ":")
	if i < 0 {
		return FileMount{}, fmt.Errorf("want HOSTDIR:GUESTPATH, got %q", spec)
	}
	host, guest := spec[:i], spec[i+1:]
	if host == "" {
		return FileMount{}, fmt.Errorf("%q: empty HOSTDIR", spec)
	}
	fi, err := os.Stat(host)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return FileMount{}, fmt.Errorf("%s: no such directory on the host", host)
		}
		return FileMount{}, err
	}
	if !fi.IsDir() {
		return FileMount{}, fmt.Errorf("%s: not a directory (--files packs directories)", host)
	}
	g, err := CheckGuestPath(guest, tmpfsPath)
	if err != nil {
		return FileMount{}, err
	}
	return FileMount{Host: host, Guest: g}, nil
}

// CheckGuestPath validates a --files GUESTPATH and returns it cleaned.
func CheckGuestPath(guest, tmpfsPath string) (string, error) {
	if !strings.HasPrefix(guest, "/") {
		return "", fmt.Errorf("guest path %q must be absolute (start with /)", guest)
	}
	g := path.Clean(guest)
	for _, r := range append(append([]string{}, ReservedGuestPaths...), tmpfsPath) {
		if r != "" && (g == r || strings.HasPrefix(g, r+"/")) {
			return "", fmt.Errorf("guest path %s lies in %s, which the kernel mounts itself", g, r)
		}
	}
	return g, nil
}

// CheckFileMounts refuses two --files at the same guest path, or one inside
// another (the trees would have to merge).
func CheckFileMounts(ms []FileMount) error {
	for i, a := range ms {
		for _, b := range ms[:i] {
			switch {
			case a.Guest == b.Guest:
				return fmt.Errorf("--files %s:%s and %s:%s: the same guest path twice", b.Host, b.Guest, a.Host, a.Guest)
			case within(a.Guest, b.Guest):
				return fmt.Errorf("--files guest path %s lies inside %s; pack one tree per path", a.Guest, b.Guest)
			case within(b.Guest, a.Guest):
				return fmt.Errorf("--files guest path %s lies inside %s; pack one tree per path", b.Guest, a.Guest)
			}
		}
	}
	return nil
}

// within reports whether p is strictly inside directory dir.
func within(p, dir string) bool {
	if dir == "/" {
		return p != "/"
	}
	return strings.HasPrefix(p, dir+"/")
}

// DefaultFile is one file every root gets unless --files provide it.
type DefaultFile struct {
	Path string // absolute guest path
	Data []byte // contents; nil: the host file HostPath
	Host string
}

// Default /etc contents: just enough for the resolver (net.LookupHost with
// the files source, then DNS through QEMU user networking) and os/user.
const (
	etcHosts = "127.0.0.1\tlocalhost\n::1\tlocalhost\n"
	// 10.0.2.3 is the DNS forwarder of QEMU's user-mode network (-netdev user).
	etcResolv   = "# QEMU user-mode networking's DNS forwarder (-netdev user).\nnameserver 10.0.2.3\n"
	etcPasswd   = "root:x:0:0:root:/root:/sbin/nologin\n"
	etcGroup    = "root:x:0:\n"
	etcNsswitch = "hosts: files dns\n"
)

// DefaultFiles lists the files every root gets: /etc's and the time zone
// database from the host's Go installation (goroot; "" means this binary's
// build-time GOROOT or `go env GOROOT`).
func DefaultFiles(goroot string) ([]DefaultFile, error) {
	if goroot == "" {
		goroot = hostGOROOT()
	}
	zip := filepath.Join(goroot, "lib", "time", "zoneinfo.zip")
	if _, err := os.Stat(zip); err != nil {
		return nil, fmt.Errorf("time zone database: %v (is GOROOT %s a Go installation?)", err, goroot)
	}
	return []DefaultFile{
		{Path: "/etc/group", Data: []byte(etcGroup)},
		{Path: "/etc/hosts", Data: []byte(etcHosts)},
		{Path: "/etc/nsswitch.conf", Data: []byte(etcNsswitch)},
		{Path: "/etc/passwd", Data: []byte(etcPasswd)},
		{Path: "/etc/resolv.conf", Data: []byte(etcResolv)},
		{Path: ZoneinfoPath, Host: zip},
	}, nil
}

// hostGOROOT finds the Go installation whose zoneinfo.zip we pack.
func hostGOROOT() string {
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		if g := strings.TrimSpace(string(out)); g != "" {
			return g
		}
	}
	return runtime.GOROOT()
}

// RootOptions describes a root archive.
type RootOptions struct {
	// Base, if set, is a host directory packed as "/" (unigo test's package
	// directory); Files may lie inside it and win over its entries.
	Base     string
	Files    []FileMount
	Defaults []DefaultFile // added where no --files tree has something at the path
	// Dirs are directories the root must have, with their parents, unless a tree
	// provides them: the mount points of volumes (unigo run -v).
	Dirs []string
	// Skipped is called for each file left out for its size (MaxPackedFile).
	Skipped func(guestPath string, size int64)
}

// rootEntry is one archive member: a directory, a host file or symlink, or
// literal data.
type rootEntry struct {
	dir  bool
	host string // a host file (regular or symlink) to copy
	data []byte // literal contents (defaults)
	mode fs.FileMode
	mt   time.Time
}

// PackRoot writes the root archive to out. Entries are sorted by path, so a
// directory comes before what it holds; owners are 0, times whole seconds.
func PackRoot(out string, o RootOptions) error {
	if err := CheckFileMounts(o.Files); err != nil {
		return err
	}
	ents := map[string]*rootEntry{} // guest path without the leading "/"
	addDirs := func(p string, mt time.Time) {
		for d := path.Dir(p); d != "." && d != "/"; d = path.Dir(d) {
			if _, ok := ents[d]; !ok {
				ents[d] = &rootEntry{dir: true, mode: 0o755, mt: mt}
			}
		}
	}
	trees := o.Files
	if o.Base != "" {
		trees = append([]FileMount{{Host: o.Base, Guest: "/"}}, trees...)
	}
	for _, m := range trees {
		base := strings.TrimPrefix(m.Guest, "/")
		err := filepath.WalkDir(m.Host, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(m.Host, p)
			if err != nil {
				return err
			}
			g := path.Join(base, filepath.ToSlash(rel))
			if g == "." || g == "" {
				return nil // the root directory itself
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			e := &rootEntry{host: p, mode: info.Mode(), mt: info.ModTime()}
			switch mode := info.Mode(); {
			case mode.IsDir():
				e = &rootEntry{dir: true, mode: mode.Perm(), mt: info.ModTime()}
			case mode.IsRegular():
				if info.Size() > MaxPackedFile {
					if o.Skipped != nil {
						o.Skipped("/"+g, info.Size())
					}
					return nil
				}
			case mode&fs.ModeSymlink != 0:
			default:
				return nil // devices, sockets, pipes
			}
			if old, ok := ents[g]; ok && old.dir && e.dir {
				return nil // a later tree's directory merges with the earlier one
			}
			addDirs(g, info.ModTime())
			ents[g] = e
			return nil
		})
		if err != nil {
			return fmt.Errorf("--files %s: %v", m.Host, err)
		}
	}
	now := time.Now()
	for _, d := range o.Dirs {
		g := strings.TrimPrefix(path.Clean(d), "/")
		if g == "" || g == "." {
			continue // "/" always exists
		}
		if e, ok := ents[g]; ok {
			if !e.dir {
				return fmt.Errorf("mount point /%s is not a directory in the packed file system", g)
			}
			continue
		}
		if shadowed(ents, g) {
			return fmt.Errorf("mount point /%s lies under a file or symlink of the packed file system", g)
		}
		addDirs(g, now)
		ents[g] = &rootEntry{dir: true, mode: 0o755, mt: now}
	}
	for _, d := range o.Defaults {
		g := strings.TrimPrefix(path.Clean(d.Path), "/")
		if _, ok := ents[g]; ok {
			continue // the user's own
		}
		if shadowed(ents, g) {
			continue // a --files tree has a file or symlink where a parent would be
		}
		e := &rootEntry{data: d.Data, mode: 0o644, mt: now}
		if d.Host != "" {
			info, err := os.Stat(d.Host)
			if err != nil {
				return err
			}
			e = &rootEntry{host: d.Host, mode: info.Mode(), mt: info.ModTime()}
		}
		addDirs(g, now)
		ents[g] = e
	}
	names := make([]string, 0, len(ents))
	for n := range ents {
		names = append(names, n)
	}
	sort.Strings(names)
	return writeTar(out, names, ents)
}

// shadowed reports whether some parent directory of g is a non-directory entry.
func shadowed(ents map[string]*rootEntry, g string) bool {
	for d := path.Dir(g); d != "." && d != "/"; d = path.Dir(d) {
		if e, ok := ents[d]; ok && !e.dir {
			return true
		}
	}
	return false
}

// writeTar writes the sorted entries as a ustar archive (PAX for long names).
func writeTar(out string, names []string, ents map[string]*rootEntry) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	tw := tar.NewWriter(bw)
	var werr error
	for _, n := range names {
		if werr = writeEntry(tw, n, ents[n]); werr != nil {
			break
		}
	}
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
		return fmt.Errorf("packing the root file system: %v", werr)
	}
	return nil
}

func writeEntry(tw *tar.Writer, name string, e *rootEntry) error {
	hdr := &tar.Header{
		Name:    name,
		Mode:    int64(e.mode.Perm()),
		ModTime: e.mt.Truncate(time.Second),
		Format:  tar.FormatUSTAR,
	}
	var src io.Reader
	switch {
	case e.dir:
		hdr.Typeflag, hdr.Name = tar.TypeDir, name+"/"
	case e.data != nil || e.host == "":
		hdr.Typeflag, hdr.Size = tar.TypeReg, int64(len(e.data))
		src = strings.NewReader(string(e.data))
	case e.mode&fs.ModeSymlink != 0:
		target, err := os.Readlink(e.host)
		if err != nil {
			return err
		}
		hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, target
	default:
		f, err := os.Open(e.host)
		if err != nil {
			return err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return err
		}
		hdr.Typeflag, hdr.Size = tar.TypeReg, info.Size()
		src = f
	}
	if err := tw.WriteHeader(hdr); err != nil {
		hdr.Format = tar.FormatPAX // a name ustar cannot hold
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
	}
	if src == nil {
		return nil
	}
	if n, err := io.Copy(tw, src); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	} else if n != hdr.Size {
		return fmt.Errorf("%s changed size while being packed", name)
	}
	return nil
}
