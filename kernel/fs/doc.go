// Package fs is the virtual file system: one mount table joining the file systems below
// into a single tree, and path resolution across it.
//
//	/      tarfs: the read-only tree indexed from the initrd's tar archive
//	/tmp   tmpfs: writable, in kernel memory, size-limited (unigo.tmpfs=/tmp:64M)
//	/dev   the device directory: null, zero, full, random, urandom, console, tty, and
//	       stdin/stdout/stderr as symlinks to /proc/self/fd/0-2
//	/proc  procfs: generated at read time from the kernel's state (procfs/doc.go)
//	...    ext2: persistent volumes on block devices, mounted by MountExt2 (ext2/doc.go)
//
// Layers, bottom up; each is one concept:
//
//	tarfs/         the tar root (its own package and host tests)
//	tmpfs/         the memory file system (its own package and host tests)
//	ext2/          the on-disk file system of persistent volumes, with its buffer cache
//	procfs/        /proc's tree and text formatting; the kernel supplies the contents
//	devfs.go       the device directory: a constant table, no state
//	mount.go       Node (mount index + inode), the mount table, Setup, Statfs
//	ext2vol.go     MountExt2, Sync/SyncAll/Shutdown, and how an ext2 Node carries its type
//	lookup.go      Lookup and LookupParent: ".", "..", symlinks (40 at most) and mount
//	               crossings in both directions, with Linux's errnos
//	node.go        what open files need, dispatched on the mount's kind: Stat, ReadAt,
//	               WriteAt, Truncate, ReadDir (mount points listed in their parent),
//	               Readlink, Path (getcwd), Ref/Release
//	procinfo.go    what /proc shows of the tree: the mount table, the path of an open file
//	namei.go       the namespace operations: Create, Mkdir, Symlink, Link, Unlink,
//	               Rmdir, Rename and attribute changes; EROFS on read-only mounts, EXDEV
//	               across mounts, EBUSY on mount points
//
// A mount covers the name it is mounted on: if the archive has its own /tmp or /dev,
// lookups never reach it; if it has none, the mount point exists only in the mount table
// (and is listed by getdents64 all the same). Every mount's root is inode 0 of its file
// system, so Node{m, 0} is the root of mount m.
//
// The syscall glue (file descriptors, openat, getdents64...) lives in kernel/sys_fs*.go;
// device reads and writes in kernel/devfile.go; /proc's contents in kernel/sys_fs_proc.go.
//
// Rules from docs/design.md: imports only kernel/...; no allocation; no pointer-typed
// globals (the mount table holds names as bytes). Calls on the memory file systems are
// atomic: kernel code runs with interrupts disabled and nothing there blocks. Calls on
// an ext2 volume may sleep on the disk, and other threads run meanwhile (each volume's
// operations are serialized by its Disk lock); so names and symlink targets read from a
// volume are used at once or copied, never held across another call (Path, walk).
// Bugs panic; bad input returns an errno.
package fs
