package fs

import (
	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs/procfs"
	"github.com/unigo-os/unigo/kernel/fs/tarfs"
	"github.com/unigo-os/unigo/kernel/fs/tmpfs"
)

// What /proc shows of the tree: the mount table and the paths of open files. The kernel
// calls these from its procfs.Source.

// WriteMounts writes the mount table in the format of Linux's /proc/PID/mounts: device,
// mount point, type, options, "0 0".
func WriteMounts(e Env, w *procfs.Writer) {
	for m := 0; m < nMounts; m++ {
		switch mounts[m].Kind {
		case kindTar:
			w.Str("rootfs ")
		case kindTmpfs:
			w.Str("tmpfs ")
		case kindDev:
			w.Str("devtmpfs ")
		case kindProc:
			w.Str("proc ")
		case kindExt2:
			w.Str("/dev/vd")
			w.Byte('a' + mounts[m].Vol)
			w.Byte(' ')
		}
		writeDirPath(e, Node{uint8(m), 0}, w)
		switch mounts[m].Kind {
		case kindTar:
			w.Str(" rootfs ro 0 0\n")
		case kindTmpfs:
			w.Str(" tmpfs rw,size=")
			w.Dec(tmpfs.Statfs().Blocks * 4)
			w.Str("k 0 0\n")
		case kindDev:
			w.Str(" devtmpfs rw,nosuid 0 0\n")
		case kindProc:
			w.Str(" proc ro,nosuid,nodev,noexec 0 0\n")
		case kindExt2:
			if ReadOnly(Node{uint8(m), 0}) {
				w.Str(" ext2 ro 0 0\n")
			} else {
				w.Str(" ext2 rw 0 0\n")
			}
		}
	}
}

// WritePath writes the absolute path of n, which may be any kind of file, and reports
// whether it found one: a tmpfs file removed since it was opened has none.
func WritePath(e Env, n Node, w *procfs.Writer) bool {
	if IsDir(n) {
		return writeDirPath(e, n, w)
	}
	var dir Node
	var nm string
	switch kindOf(n) {
	case kindTar:
		dir, nm = Node{n.Mnt, int32(tarfs.Parent(tarfs.Ino(n.Ino)))}, tarfs.Name(tarfs.Ino(n.Ino))
	case kindTmpfs:
		d, s, ok := tmpfsEntryOf(e, tmpfs.Ino(n.Ino))
		if !ok {
			return false
		}
		dir, nm = Node{n.Mnt, int32(d)}, s
	case kindDev:
		dir, nm = Node{n.Mnt, 0}, devices[n.Ino-1].Name
	case kindProc:
		dir, nm = Node{n.Mnt, int32(procfs.Parent(procfs.Ino(n.Ino)))}, procfs.Name(procfs.Ino(n.Ino))
	case kindExt2:
		return false // a file records no directory, and a volume is too big to search
	}
	if !writeDirPath(e, dir, w) {
		return false
	}
	if dir != RootNode {
		w.Byte('/')
	}
	w.Str(nm)
	return true
}

// writeDirPath writes directory n's absolute path, walking up by recursion (one small
// frame per level) so that no path buffer is needed. n's own name is asked for last and
// written at once: an ext2 name is a view that the parents' disk reads may move.
func writeDirPath(e Env, n Node, w *procfs.Writer) bool {
	if n == RootNode {
		w.Byte('/')
		return true
	}
	if p := parent(e, n); p != RootNode {
		if !writeDirPath(e, p, w) {
			return false
		}
	}
	s, ok := name(e, n)
	if !ok {
		return false
	}
	w.Byte('/')
	w.Str(s)
	return true
}

// tmpfsEntryOf finds a directory holding tmpfs file i, and its name there, by scanning
// every directory: tmpfs files do not record their parent (a file may have several).
func tmpfsEntryOf(e Env, i tmpfs.Ino) (tmpfs.Ino, string, bool) {
	want := tmpfs.Stat(i).Ino
	for d := tmpfs.Ino(0); d < tmpfs.MaxInodes; d++ {
		if !tmpfs.IsDir(d) {
			continue
		}
		for c := uint64(2); ; { // past "." and ".."
			ent, ok := tmpfs.ReadDir(e.Env, d, c, 0)
			if !ok {
				break
			}
			if ent.Ino == want && ent.Type != linux.DT_DIR {
				return d, ent.Name, true
			}
			c = ent.Next
		}
	}
	return 0, "", false
}
