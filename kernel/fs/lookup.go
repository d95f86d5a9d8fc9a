package fs

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
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
	links := 0
	return walk(e, start, path, follow, &links)
}

// walk is Lookup's loop; a symlink recurses on its target from the link's directory, and
// links counts the symlinks followed so far across all levels.
func walk(e Env, cur Node, path string, follow bool, links *int) (Node, linux.Errno) {
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
			*links++
			if *links > maxSymlinks {
				return Node{}, linux.ELOOP
			}
			target, _ := readlink(e, next)
			if next, err = walk(e, cur, target, true, links); err != 0 {
				return Node{}, err
			}
		}
		if last && len(rest) > 0 && !IsDir(next) {
			return Node{}, linux.ENOTDIR // "file/"
		}
		cur, path = next, rest
	}
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
