// Package tarfs is the root file system's contents: a read-only tree indexed, at boot,
// from a tar archive that the host passes as the PVH boot module (qemu -initrd archive.tar). File
// contents are never copied: an inode records where its bytes lie in the archive, which
// stays in (reserved) physical memory for the life of the machine.
//
// Layers, bottom up; each file is one concept:
//
//	mem_unsafe.go  the archive's memory: byte and string views at an offset (unsafe lives here)
//	tar.go         tar header decoding: ustar fields, octal/base-256 numbers, checksum,
//	               GNU long names ('L', 'K') and PAX path/linkpath records
//	inode.go       the inode table and Mount, which builds the directory tree from the
//	               headers (implicit parent directories, hard links, later entries win)
//	lookup.go      Lookup: path resolution with ".", "..", symlinks (40 at most) and
//	               Linux's errnos (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG)
//	ops.go         what open files need: ReadAt, Stat, ReadDir, Readlink, Path
//
// Package fs (the parent directory) mounts this tree at "/" and resolves paths across
// mounts with Child and Parent; the syscall glue lives in kernel/sys_fs*.go.
//
// Rules inherited from docs/design.md: imports only kernel/abi/linux; no allocation (all
// state is in the global inode table; names and contents are strings and slices over
// the archive); no pointer-typed globals. Mount runs once, before the application
// starts; afterwards the tree never changes, so readers need no lock.
//
// Malformed archives and full tables are host input, not bugs: Mount returns an errno
// and the kernel reports it. Bugs panic with a constant string naming the function.
package tarfs
