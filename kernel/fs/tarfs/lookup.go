package tarfs

import "github.com/unigo-os/unigo/kernel/abi/linux"

// Linux's limits (include/uapi/linux/limits.h, fs/namei.c).
const (
	maxPath     = 4096 // PATH_MAX, counting the NUL
	maxName     = 255  // NAME_MAX
	maxSymlinks = 40   // MAXSYMLINKS: links followed in one lookup
)

// Lookup resolves path relative to directory dir (absolute paths start at the root).
// Symlinks in the middle of the path are always followed; one in the last component is
// followed only if follow is set, or if the path ends in "/" (as on Linux). ".." of the
// root is the root.
//
// Errors: ENOENT (a component is missing, or path is empty), ENOTDIR (a non-directory is
// used as one, including a trailing "/" after a file), ELOOP (more than 40 symlinks),
// ENAMETOOLONG (path of PATH_MAX bytes or more, or a component over NAME_MAX).
func Lookup(dir Ino, path string, follow bool) (Ino, linux.Errno) {
	if len(path) >= maxPath {
		return 0, linux.ENAMETOOLONG
	}
	links := 0
	return walk(dir, path, follow, &links)
}

// walk is Lookup's loop; a symlink recurses on its target from the link's directory, and
// links counts the symlinks followed so far across all levels.
func walk(dir Ino, path string, follow bool, links *int) (Ino, linux.Errno) {
	if len(path) == 0 {
		return 0, linux.ENOENT
	}
	cur := dir
	if path[0] == '/' {
		cur = Root
	}
	for {
		for len(path) > 0 && path[0] == '/' {
			path = path[1:]
		}
		if len(path) == 0 {
			return cur, 0
		}
		if inodes[cur].Kind != kDir {
			return 0, linux.ENOTDIR
		}
		i := 0
		for i < len(path) && path[i] != '/' {
			i++
		}
		name, rest := path[:i], path[i:]
		if len(name) > maxName {
			return 0, linux.ENAMETOOLONG
		}
		next := cur
		switch name {
		case ".":
		case "..":
			next = inodes[cur].Parent
		default:
			var err linux.Errno
			if next, err = child(cur, name); err != 0 {
				return 0, err
			}
		}
		last := onlySlashes(rest)
		if inodes[next].Kind == kSymlink && (!last || follow || len(rest) > 0) {
			*links++
			if *links > maxSymlinks {
				return 0, linux.ELOOP
			}
			n := &inodes[next]
			var err linux.Errno
			if next, err = walk(cur, strAt(n.Data, n.Size), true, links); err != 0 {
				return 0, err
			}
		}
		if last && len(rest) > 0 && inodes[next].Kind != kDir {
			return 0, linux.ENOTDIR // "file/"
		}
		cur, path = next, rest
	}
}

func onlySlashes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '/' {
			return false
		}
	}
	return true
}
