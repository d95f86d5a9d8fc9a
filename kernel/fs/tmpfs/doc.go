// Package tmpfs is a writable file system in kernel memory: the one mounted at /tmp.
//
// Layers, bottom up; each file is one concept:
//
//	mem_unsafe.go  views of a frame: its bytes, one of its words, a string inside it
//	               (unsafe lives here)
//	inode.go       Env (frames, memory, clock), the fixed inode table, frame accounting
//	               against the size limit, Attr, Ref/Release and the life of an inode
//	blocks.go      the per-inode block map (12 direct blocks, one indirect and one double
//	               indirect frame of frame addresses) and ReadAt, WriteAt, Truncate over it;
//	               blocks never written are holes and read as zero
//	dir.go         directories: fixed 272-byte records (inode, name length, name up to
//	               255 bytes) stored in the directory's own blocks; lookup and ReadDir
//	namei.go       the namespace operations: Create, Symlink, Link, Unlink, Rmdir, Rename
//
// Memory: no Go allocation. Inodes live in a global array of MaxInodes; file contents,
// directory records, symlink targets and index blocks live in 4 KiB frames from the
// frame allocator passed in Env (mm.Identity in the guest, mmtest.RAM in host tests).
// Every frame an inode holds counts against the size limit given to Init: when it or the
// inode table is exhausted, operations fail with ENOSPC before changing anything, and a
// write that runs out part way returns the bytes it placed (Linux's short write).
//
// Lifetime: an inode is freed, with all its frames, when its last name is gone (Nlink 0)
// and nobody holds it (Ref/Release count open files and the current directory).
//
// Locking: none. Kernel code runs with interrupts disabled on one CPU and no operation
// here blocks, so each call is atomic. Callers resolve paths (package fs) and pass one
// directory and one name component (never "", "." or "..", at most 255 bytes).
//
// Bugs panic with a constant string naming the function; bad input returns an errno.
package tmpfs
