package tarfs

import "github.com/unigo-os/unigo/kernel/abi/linux"

// Attr is what stat(2) reports about an inode. Every file belongs to root (uid and gid
// 0): the archive is the guest's own and root is its only user.
type Attr struct {
	Ino   uint64 // inode number: never 0 (Go and libc treat d_ino 0 as a deleted entry)
	Mode  uint32 // S_IF* | permission bits
	Nlink uint32
	Size  uint64
	Mtime int64 // seconds; the archive has no finer time
}

// Dirent is one directory entry, as getdents64 reports it.
type Dirent struct {
	Name string // an archive string (or "." / ".."): valid for the machine's life
	Ino  uint64
	Type uint8  // DT_*
	Next uint64 // the cookie that resumes after this entry (d_off)
}

func ino(i Ino) uint64 { return uint64(i) + 1 }

// IsDir reports whether i is a directory.
func IsDir(i Ino) bool { return inodes[i].Kind == kDir }

// IsSymlink reports whether i is a symbolic link.
func IsSymlink(i Ino) bool { return inodes[i].Kind == kSymlink }

// Parent returns the directory holding i (the root for the root).
func Parent(i Ino) Ino { return inodes[i].Parent }

// Stat describes inode i.
func Stat(i Ino) Attr {
	n := &inodes[i]
	a := Attr{Ino: ino(i), Nlink: 1, Size: n.Size, Mtime: n.Mtime, Mode: uint32(n.Perm)}
	switch n.Kind {
	case kDir:
		a.Mode |= linux.S_IFDIR
		a.Nlink = 2
		a.Size = 4096 // what most Linux file systems report for a small directory
	case kReg:
		a.Mode |= linux.S_IFREG
	case kSymlink:
		a.Mode |= linux.S_IFLNK
	}
	return a
}

// ReadAt copies the contents of regular file i from offset off into buf and returns the
// number of bytes copied: fewer than len(buf) only at the end of the file (0 at or past
// it). EISDIR for a directory, EINVAL for a symlink (which cannot be opened).
func ReadAt(i Ino, off uint64, buf []byte) (int, linux.Errno) {
	n := &inodes[i]
	switch n.Kind {
	case kDir:
		return 0, linux.EISDIR
	case kSymlink:
		return 0, linux.EINVAL
	}
	if off >= n.Size {
		return 0, 0
	}
	avail := n.Size - off
	if uint64(len(buf)) < avail {
		avail = uint64(len(buf))
	}
	return copy(buf, bytesAt(n.Data+off, avail)), 0
}

// Readlink returns the target of symlink i; EINVAL if i is not a symlink.
func Readlink(i Ino) (string, linux.Errno) {
	n := &inodes[i]
	if n.Kind != kSymlink {
		return "", linux.EINVAL
	}
	return strAt(n.Data, n.Size), 0
}

// Cookies for ReadDir: 0 starts at ".", 1 at "..", 2 at the first entry, and c+2 resumes
// after entry c (inode numbers are stable: the tree never changes after Mount).
const (
	cookieDot    = 0
	cookieDotDot = 1
	cookieFirst  = 2
)

// ReadDir returns the entry of directory dir at cookie (0 for the first), or ok=false at
// the end. Pass d.Next to get the entry after d. A cookie that names no entry of dir ends
// the listing.
func ReadDir(dir Ino, cookie uint64) (d Dirent, ok bool) {
	var c Ino
	switch {
	case cookie == cookieDot:
		return Dirent{Name: ".", Ino: ino(dir), Type: linux.DT_DIR, Next: cookieDotDot}, true
	case cookie == cookieDotDot:
		return Dirent{Name: "..", Ino: ino(inodes[dir].Parent), Type: linux.DT_DIR, Next: cookieFirst}, true
	case cookie == cookieFirst:
		c = inodes[dir].Child
	default:
		prev := cookie - cookieFirst
		if prev >= uint64(nInodes) || inodes[prev].Parent != dir || Ino(prev) == Root {
			return Dirent{}, false
		}
		c = inodes[prev].Next
	}
	if c == 0 {
		return Dirent{}, false
	}
	d = Dirent{Name: inodes[c].name(), Ino: ino(c), Type: linux.DT_REG, Next: uint64(c) + cookieFirst}
	switch inodes[c].Kind {
	case kDir:
		d.Type = linux.DT_DIR
	case kSymlink:
		d.Type = linux.DT_LNK
	}
	return d, true
}

// Path writes the absolute path of directory i (no trailing NUL) into buf and returns
// its length; ERANGE if buf is too small. Used by getcwd.
func Path(i Ino, buf []byte) (int, linux.Errno) {
	n := 0
	for c := i; c != Root; c = inodes[c].Parent {
		n += 1 + int(inodes[c].NameLen)
	}
	if n == 0 {
		n = 1 // "/"
	}
	if n > len(buf) {
		return 0, linux.ERANGE
	}
	buf[0] = '/'
	end := n
	for c := i; c != Root; c = inodes[c].Parent {
		name := inodes[c].name()
		end -= len(name)
		copy(buf[end:], name)
		end--
		buf[end] = '/'
	}
	return n, 0
}

// Size is the archive's size in bytes (statfs's block count).
func Size() uint64 { return archSize }
