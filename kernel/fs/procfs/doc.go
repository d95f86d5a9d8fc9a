// Package procfs is /proc: a small, read-only tree whose files are written at read time
// from the kernel's live state. It holds what Go programs and common libraries read:
//
//	/proc/self            -> 1 (the one process)
//	/proc/1/exe           -> /app (os.Executable)
//	/proc/1/cwd           -> the current directory
//	/proc/1/fd/N          -> what descriptor N refers to: a path, /dev/console, pipe:[N], socket:[N],
//	                         anon_inode:[eventpoll]... (the directory lists the open fds)
//	/proc/1/cmdline, environ   the initial argv and envp, NUL-separated
//	/proc/1/maps          the mmap regions and the program image, in Linux's format
//	/proc/1/mounts        the mount table (and /proc/mounts -> self/mounts)
//	/proc/cpuinfo, meminfo, uptime, version
//	/proc/sys/kernel/{hostname,ostype,osrelease}, /proc/sys/net/core/somaxconn
//
// Absent on purpose: /proc/self/cgroup (the runtime's container-aware GOMAXPROCS then
// gives up cleanly) and /proc/self/auxv (the runtime finds auxv on its stack).
//
// Layers, bottom up:
//
//	writer.go       Writer: formats text into a read's window (offset, length) without
//	                a buffer of its own
//	tree.go         the constant node table, Lookup, Parent, ReadDir, Stat
//	ops.go          ReadAt and Readlink, which ask the Source for live contents
//	mem_unsafe.go   the string view of the readlink buffer (unsafe lives here)
//
// The contents come from a Source that the caller passes with each call (package fs
// carries it in its Env; the kernel implements it over the fd table, the address space,
// the frame allocator and the CPU). A generated file is produced from its start on every
// read and only the bytes in the read's window are kept, so nothing is allocated or
// stored between reads; as with Linux's seq_file, a file read in several calls may mix
// two moments.
//
// Rules from docs/design.md: imports only kernel/...; no allocation; no pointer-typed
// globals. Callers hold the kernel lock, which also guards the readlink buffer.
package procfs
