package tarfs

import "github.com/unigo-os/unigo/kernel/abi/linux"

// MaxInodes bounds the number of entries (files, directories, symlinks, implied
// directories) an archive may hold.
const MaxInodes = 8192

// Ino names an inode: its index in the table. The root directory is 0; since the root is
// nobody's child, 0 also means "none" in the Child/Last/Next links.
type Ino int32

// Root is the root directory.
const Root Ino = 0

// Inode kinds.
const (
	kDir = iota
	kReg
	kSymlink
)

type inode struct {
	Kind   uint8
	Perm   uint16 // permission bits (07777) from the header
	Parent Ino    // the directory holding this entry; the root's parent is itself
	Child  Ino    // directories: first entry (0 = empty), in archive order
	Last   Ino    // directories: last entry, where the next one is appended
	Next   Ino    // next entry of the same directory (0 = none)

	NameOff uint64 // the last path component: archive offset and length
	NameLen uint64
	Data    uint64 // regular files: contents; symlinks: target. Archive offset.
	Size    uint64 // length of Data
	Mtime   int64  // seconds since the epoch
}

var (
	inodes  [MaxInodes]inode
	nInodes int
)

func (n *inode) name() string { return strAt(n.NameOff, n.NameLen) }

// Mount indexes the tar archive at [base, base+size) as the new root, replacing the
// previous tree. An empty archive (size 0) gives an empty root directory.
//
// Preconditions:
//   - the archive's memory stays mapped and unchanged from now on;
//   - no file of the previous tree is open (Mount runs once at boot; tests remount).
//
// Errors: EINVAL for a malformed archive (bad checksum, truncated entry, ".." in a path,
// a hard link to a missing file, an entry replacing a directory by a file), ENOSPC when
// the archive has more than MaxInodes entries, ENAMETOOLONG for a component over 255
// bytes. The tree built so far stays usable.
func Mount(base uintptr, size uint64) linux.Errno {
	for i := 0; i < nInodes; i++ {
		inodes[i] = inode{}
	}
	archBase, archSize = base, size
	inodes[Root] = inode{Kind: kDir, Perm: 0755}
	nInodes = 1

	var longName, longLink string // pending GNU/PAX overrides for the next header
	for next := uint64(0); next < size; {
		h := next
		if size-h < blockSize {
			return linux.EINVAL // a partial header: the archive was cut short
		}
		if zeroBlock(h) {
			break
		}
		if !checksumOK(h) {
			return linux.EINVAL
		}
		typ := bytesAt(h+hType, 1)[0]
		data := h + blockSize
		n, ok := number(h, hSize, lSize)
		if typ == tLink || typ == tSymlink || typ == tDir {
			n = 0 // these have no data, whatever the size field says
		}
		if !ok || n > size-data {
			return linux.EINVAL
		}
		next = data + (n+blockSize-1)&^(blockSize-1)

		switch typ {
		case tGNULong:
			longName = cString(data, n)
			continue
		case tGNULLink:
			longLink = cString(data, n)
			continue
		case tPAX:
			p, lp, ok := paxRecords(data, n)
			if !ok {
				return linux.EINVAL
			}
			if p != "" {
				longName = p
			}
			if lp != "" {
				longLink = lp
			}
			continue
		case tPAXGlob, tChar, tBlock, tFifo:
			longName, longLink = "", ""
			continue // devices and fifos have no meaning here
		}

		prefix, name := "", field(h, hName, lName)
		if longName != "" {
			name = longName
		} else if isPOSIX(h) {
			prefix = field(h, hPrefix, lPrefix)
		}
		link := field(h, hLinkname, lLinkname)
		if longLink != "" {
			link = longLink
		}
		longName, longLink = "", ""
		if err := addEntry(h, typ, prefix, name, link, data, n); err != 0 {
			return err
		}
	}
	return 0
}

// addEntry links one archive entry into the tree, creating missing parent directories.
func addEntry(h uint64, typ byte, prefix, name, link string, data, n uint64) linux.Errno {
	dir, err := mkdirs(Root, prefix)
	if err != 0 {
		return err
	}
	dirPart, last := splitLast(name)
	if dir, err = mkdirs(dir, dirPart); err != 0 {
		return err
	}
	ino := dir // "./" or "a/.": the directory itself
	switch last {
	case "", ".":
	case "..":
		return linux.EINVAL // would escape the root: refuse the archive
	default:
		if ino, err = child(dir, last); err != 0 { // an existing entry is replaced: later wins
			if ino, err = newInode(dir, last); err != 0 {
				return err
			}
		}
	}
	nd := &inodes[ino]
	mode, _ := number(h, hMode, lMode)
	mtime, _ := number(h, hMtime, lMtime)
	kind := uint8(kReg)
	switch typ {
	case tDir:
		kind = kDir
	case tSymlink:
		kind = kSymlink
		data, n = offsetOf(link), uint64(len(link))
	case tLink:
		// A hard link shares its target's contents; the target comes earlier.
		t, err := Lookup(Root, link, false)
		if err != 0 || inodes[t].Kind != kReg {
			return linux.EINVAL
		}
		data, n = inodes[t].Data, inodes[t].Size
	}
	if nd.Kind == kDir && nd.Child != 0 && kind != kDir {
		return linux.EINVAL // would orphan the directory's entries
	}
	nd.Kind, nd.Perm, nd.Mtime = kind, uint16(mode&07777), int64(mtime)
	nd.Data, nd.Size = data, n
	return 0
}

// mkdirs walks the components of path below dir, creating each missing directory
// (archives need not list parents before their entries), and returns the last one.
func mkdirs(dir Ino, path string) (Ino, linux.Errno) {
	for len(path) > 0 {
		i := 0
		for i < len(path) && path[i] != '/' {
			i++
		}
		c := path[:i]
		if i < len(path) {
			i++
		}
		path = path[i:]
		switch c {
		case "", ".":
			continue
		case "..":
			return 0, linux.EINVAL // would escape the root: refuse the archive
		}
		next, err := child(dir, c)
		if err != 0 {
			if next, err = newInode(dir, c); err != 0 {
				return 0, err
			}
			inodes[next].Kind, inodes[next].Perm = kDir, 0755
		} else if inodes[next].Kind != kDir {
			return 0, linux.EINVAL
		}
		dir = next
	}
	return dir, 0
}

// splitLast splits path into its directory part and its last component, ignoring
// trailing slashes ("a/b/" -> "a/", "b").
func splitLast(path string) (dir, last string) {
	for len(path) > 0 && path[len(path)-1] == '/' {
		path = path[:len(path)-1]
	}
	i := len(path)
	for i > 0 && path[i-1] != '/' {
		i--
	}
	return path[:i], path[i:]
}

// newInode appends an empty entry called name (an archive string) to directory dir.
func newInode(dir Ino, name string) (Ino, linux.Errno) {
	if len(name) > maxName {
		return 0, linux.ENAMETOOLONG
	}
	if nInodes == MaxInodes {
		return 0, linux.ENOSPC
	}
	ino := Ino(nInodes)
	nInodes++
	inodes[ino] = inode{Parent: dir, NameOff: offsetOf(name), NameLen: uint64(len(name))}
	d := &inodes[dir]
	if d.Last == 0 {
		d.Child = ino
	} else {
		inodes[d.Last].Next = ino
	}
	d.Last = ino
	return ino, 0
}

// Child finds the entry called name (one component, not "." or "..") in directory dir.
func Child(dir Ino, name string) (Ino, linux.Errno) { return child(dir, name) }

// Name is i's last path component ("" for the root).
func Name(i Ino) string {
	if i == Root {
		return ""
	}
	return inodes[i].name()
}

// child finds the entry called name in directory dir.
func child(dir Ino, name string) (Ino, linux.Errno) {
	for c := inodes[dir].Child; c != 0; c = inodes[c].Next {
		if inodes[c].name() == name {
			return c, 0
		}
	}
	return 0, linux.ENOENT
}
