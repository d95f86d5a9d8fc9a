package fs

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs/ext2"
	"github.com/unigo-os/unigo/kernel/fs/procfs"
	"github.com/unigo-os/unigo/kernel/fs/tarfs"
	"github.com/unigo-os/unigo/kernel/fs/tmpfs"
)

// Linux's limits (include/uapi/linux/limits.h, fs/namei.c).
const (
	maxPath     = 4096 // PATH_MAX, counting the NUL
	maxName     = 255  // NAME_MAX
	maxSymlinks = 40   // MAXSYMLINKS: links followed in one lookup
)

// Lookup resolves path from directory start (absolute paths start at "/"). Symlinks in
// the middle of the path are always followed; one in the last component only if follow
// is set or the path ends in "/" (as on Linux). Crossing into a mount happens at its mount
// point; ".." of a mount's root is the directory holding the mount point; ".." of "/" is
// "/".
//
// Errors: ENOENT (a component is missing, or path is empty), ENOTDIR (a non-directory
// used as one, including "file/"), ELOOP (more than 40 symlinks), ENAMETOOLONG (path of
// PATH_MAX bytes or more, or a component over NAME_MAX).
func Lookup(e Env, start Node, path string, follow bool) (Node, linux.Errno) {
	if len(path) >= maxPath {
		return Node{}, linux.ENAMETOOLONG
	}
	var w walker
	n, err := w.walk(e, start, path, follow)
	if w.buf != 0 {
		e.Frames.Free(w.buf, e.Mem)
	}
	return n, err
}

// walker is one Lookup's state: the symlinks followed so far, and the frame holding the
// path left to resolve once a symlink has been met (0 until then).
type walker struct {
	links int
	buf   uint64
}

// walk is Lookup's loop. A symlink's target replaces it in the path: the rest of the
// path moves to the end of the walker's frame and the target goes just before it, so
// the walk goes on from the link's directory with no recursion, and holds no view of a
// target that a disk read could move (ext2's live in the buffer cache).
func (w *walker) walk(e Env, cur Node, path string, follow bool) (Node, linux.Errno) {
	if len(path) == 0 {
		return Node{}, linux.ENOENT
	}
	if path[0] == '/' {
		cur = RootNode
	}
	for {
		for len(path) > 0 && path[0] == '/' {
			path = path[1:]
		}
		if len(path) == 0 {
			return cur, 0
		}
		if !IsDir(cur) {
			return Node{}, linux.ENOTDIR
		}
		i := 0
		for i < len(path) && path[i] != '/' {
			i++
		}
		name, rest := path[:i], path[i:]
		next, err := step(e, cur, name)
		if err != 0 {
			return Node{}, err
		}
		last := onlySlashes(rest)
		if IsSymlink(next) && (!last || follow || len(rest) > 0) {
			w.links++
			if w.links > maxSymlinks {
				return Node{}, linux.ELOOP
			}
			if path, err = w.splice(e, next, rest); err != 0 {
				return Node{}, err
			}
			if path[0] == '/' {
				cur = RootNode
			}
			continue // from the link's directory; the target's last part is followed
		}
		if last && len(rest) > 0 && !IsDir(next) {
			return Node{}, linux.ENOTDIR // "file/"
		}
		cur, path = next, rest
	}
}

// splice returns link's target followed by rest, built at the end of the walker's
// frame (where rest may already lie). ENOENT for an empty target, ENAMETOOLONG when the
// two do not fit PATH_MAX, ENOMEM without a frame.
func (w *walker) splice(e Env, link Node, rest string) (string, linux.Errno) {
	if w.buf == 0 {
		pa, ok := e.Frames.Alloc(e.Mem)
		if !ok {
			return "", linux.ENOMEM
		}
		w.buf = pa
	}
	b := frameBytes(e, w.buf)[:maxPath]
	r := len(rest)
	copy(b[maxPath-r:], rest) // a move within b when rest came from an earlier splice
	var n int
	if kindOf(link) == kindExt2 {
		var err linux.Errno
		if n, err = ext2.Readlink(ext2Env(e), volOf(link), ext2Ino(link), b[:maxPath-r]); err != 0 {
			return "", err
		}
	} else {
		target, _ := readlink(e, link)
		if len(target) > maxPath-r {
			return "", linux.ENAMETOOLONG
		}
		n = copy(b, target)
	}
	if n == 0 {
		return "", linux.ENOENT
	}
	copy(b[maxPath-r-n:], b[:n])
	return view(b[maxPath-r-n:]), 0
}

// step resolves one component name in directory dir.
func step(e Env, dir Node, name string) (Node, linux.Errno) {
	if len(name) > maxName {
		return Node{}, linux.ENAMETOOLONG
	}
	switch name {
	case ".":
		return dir, 0
	case "..":
		return parent(e, dir), 0
	}
	return child(e, dir, name)
}

// parent is "..": across a mount boundary, the directory holding the mount point.
func parent(e Env, dir Node) Node {
	if isMountRoot(dir) {
		if dir.Mnt == 0 {
			return dir
		}
		return mounts[dir.Mnt].Parent
	}
	switch kindOf(dir) {
	case kindTar:
		return Node{dir.Mnt, int32(tarfs.Parent(tarfs.Ino(dir.Ino)))}
	case kindTmpfs:
		return Node{dir.Mnt, int32(tmpfs.Parent(tmpfs.Ino(dir.Ino)))}
	case kindProc:
		return Node{dir.Mnt, int32(procfs.Parent(procfs.Ino(dir.Ino)))}
	case kindExt2:
		p, err := ext2.Parent(ext2Env(e), volOf(dir), ext2Ino(dir))
		if err != 0 {
			return Node{dir.Mnt, 0} // a disk error: the volume's root, to end any walk up
		}
		return ext2Node(dir.Mnt, p, linux.S_IFDIR)
	}
	return Node{dir.Mnt, 0} // the device directory is flat
}

// child finds name (not "." or "..") in directory dir; a mount point gives the mounted
// root.
func child(e Env, dir Node, name string) (Node, linux.Errno) {
	if m := covering(dir, name); m != 0 {
		return Node{m, 0}, 0
	}
	var i int32
	var err linux.Errno
	switch kindOf(dir) {
	case kindTar:
		var t tarfs.Ino
		t, err = tarfs.Child(tarfs.Ino(dir.Ino), name)
		i = int32(t)
	case kindTmpfs:
		var t tmpfs.Ino
		t, err = tmpfs.Lookup(e.Env, tmpfs.Ino(dir.Ino), name)
		i = int32(t)
	case kindDev:
		i, err = devLookup(name)
	case kindProc:
		var p procfs.Ino
		p, err = procfs.Lookup(e.Proc, procfs.Ino(dir.Ino), name)
		i = int32(p)
	case kindExt2:
		x, mode, err := ext2.Lookup(ext2Env(e), volOf(dir), ext2Ino(dir), name)
		if err != 0 {
			return Node{}, err
		}
		return ext2Node(dir.Mnt, x, mode), 0
	}
	if err != 0 {
		return Node{}, err
	}
	return Node{dir.Mnt, i}, 0
}

// LookupParent resolves all of path but its last component, and returns that directory
// and the last component (without trailing slashes; "" for "/", "." or ".." as given).
// slash reports a trailing "/", which requires the last component to be a directory.
// The errors are Lookup's; ENOTDIR if the parent is not a directory.
func LookupParent(e Env, start Node, path string) (dir Node, name string, slash bool, err linux.Errno) {
	if len(path) == 0 {
		return Node{}, "", false, linux.ENOENT
	}
	if len(path) >= maxPath {
		return Node{}, "", false, linux.ENAMETOOLONG
	}
	end := len(path)
	for end > 0 && path[end-1] == '/' {
		end--
	}
	slash = end < len(path)
	i := end
	for i > 0 && path[i-1] != '/' {
		i--
	}
	name = path[i:end]
	if len(name) > maxName {
		return Node{}, "", false, linux.ENAMETOOLONG
	}
	dir = start
	if path[0] == '/' {
		dir = RootNode
	}
	if i > 0 {
		if dir, err = Lookup(e, dir, path[:i], true); err != 0 {
			return Node{}, "", false, err
		}
	}
	if !IsDir(dir) {
		return Node{}, "", false, linux.ENOTDIR
	}
	return dir, name, slash, 0
}

func onlySlashes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '/' {
			return false
		}
	}
	return true
}
