package kernel

// File-system system calls, part 2: moving bytes. read and write reach fsRead/fsWrite
// through fileRead/fileWrite (fd.go); the offset-taking calls and lseek live here.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/fs"
	"github.com/unigo-os/unigo/kernel/mm"
)

// maxRW is the most one read or write moves, as on Linux (MAX_RW_COUNT): the rest is a
// short count, which callers loop on.
const maxRW = 0x7ffff000

func userBytes(p, n uintptr) []byte {
	if n > maxRW {
		n = maxRW
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), n)
}

// fsRead reads from the file's offset: the fkFSFile case of fileRead.
func fsRead(f *file, p, n uintptr) (uintptr, linux.Errno) {
	if f.Flags&linux.O_ACCMODE == linux.O_WRONLY {
		return 0, linux.EBADF
	}
	got, err := fs.ReadAt(fsEnv(), f.Node, f.Off, userBytes(p, n))
	f.Off += uint64(got)
	return uintptr(got), err
}

// fsWrite writes at the file's offset, or at the end with O_APPEND: the fkFSFile case
// of fileWrite.
func fsWrite(f *file, p, n uintptr) (uintptr, linux.Errno) {
	if f.Flags&linux.O_ACCMODE == linux.O_RDONLY {
		return 0, linux.EBADF
	}
	e := fsEnv()
	if f.Flags&linux.O_APPEND != 0 {
		f.Off = fs.Stat(e, f.Node).Size
	}
	got, err := writeFile(e, f.Node, f.Off, userBytes(p, n))
	f.Off += uint64(got)
	return uintptr(got), err
}

// positional returns the file behind fd for pread64/pwrite64: ESPIPE for kinds without
// an offset, EINVAL for a negative one.
func positional(fd, off uint64) (*file, linux.Errno) {
	f, _, err := getFile(fd)
	if err != 0 {
		return nil, err
	}
	if f.Kind != fkFSFile && f.Kind != fkDevice {
		return nil, linux.ESPIPE
	}
	if int64(off) < 0 {
		return nil, linux.EINVAL
	}
	return f, 0
}

// sysPread64 handles pread64(2).
func sysPread64(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, err := positional(tf.RDI, tf.R10)
	if err != 0 {
		return 0, err
	}
	if f.Kind == fkDevice {
		return devRead(f, uintptr(tf.RSI), uintptr(tf.RDX))
	}
	if f.Flags&linux.O_ACCMODE == linux.O_WRONLY {
		return 0, linux.EBADF
	}
	got, err := fs.ReadAt(fsEnv(), f.Node, tf.R10, userBytes(uintptr(tf.RSI), uintptr(tf.RDX)))
	return uintptr(got), err
}

// sysPwrite64 handles pwrite64(2). With O_APPEND the data goes to the end whatever the
// offset, a Linux quirk that POSIX calls a bug and programs may rely on.
func sysPwrite64(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, err := positional(tf.RDI, tf.R10)
	if err != 0 {
		return 0, err
	}
	if f.Kind == fkDevice {
		return devWrite(f, uintptr(tf.RSI), uintptr(tf.RDX))
	}
	if f.Flags&linux.O_ACCMODE == linux.O_RDONLY {
		return 0, linux.EBADF
	}
	e := fsEnv()
	off := tf.R10
	if f.Flags&linux.O_APPEND != 0 {
		off = fs.Stat(e, f.Node).Size
	}
	got, err := writeFile(e, f.Node, off, userBytes(uintptr(tf.RSI), uintptr(tf.RDX)))
	return uintptr(got), err
}

// sysLseek handles lseek(2). On a directory the offset is a getdents64 cookie: only
// rewinding to 0, resuming at a d_off, and asking for the current cookie make sense.
// Devices accept any seek and stay at 0, as /dev/null does on Linux.
func sysLseek(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	switch f.Kind {
	case fkDevice:
		return 0, 0
	case fkFSFile:
	default:
		return 0, linux.ESPIPE // console, pipes, eventfd, epoll
	}
	e := fsEnv()
	off := int64(tf.RSI)
	dir := fs.IsDir(f.Node)
	var pos int64
	switch tf.RDX {
	case linux.SEEK_SET:
		pos = off
	case linux.SEEK_CUR:
		pos = int64(f.Off) + off
	case linux.SEEK_END:
		if dir {
			return 0, linux.EINVAL
		}
		pos = int64(fs.Stat(e, f.Node).Size) + off
	case linux.SEEK_DATA, linux.SEEK_HOLE:
		if dir || off < 0 {
			return 0, linux.ENXIO
		}
		p, err := fs.NextData(e, f.Node, uint64(off), tf.RDX == linux.SEEK_HOLE)
		if err != 0 {
			return 0, err
		}
		pos = int64(p)
	default:
		return 0, linux.EINVAL
	}
	if pos < 0 {
		return 0, linux.EINVAL
	}
	f.Off = uint64(pos)
	return uintptr(pos), 0
}

// sysGetdents64 handles getdents64(2): as many whole entries as fit, resuming at the
// file's cookie.
func sysGetdents64(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if f.Kind != fkFSFile || !fs.IsDir(f.Node) {
		return 0, linux.ENOTDIR
	}
	e := fsEnv()
	buf, size := uintptr(tf.RSI), uintptr(uint32(tf.RDX))
	var n uintptr
	for {
		d, ok := fs.ReadDir(e, f.Node, f.Off)
		if !ok {
			break
		}
		rl := uintptr(linux.Dirent64Reclen(len(d.Name)))
		if n+rl > size {
			if n == 0 {
				return 0, linux.EINVAL // buffer too small for one entry
			}
			break
		}
		p := buf + n
		zeroBytes(p, rl) // the NUL and the padding
		*(*uint64)(unsafe.Pointer(p + linux.Dirent64InoOff)) = d.Ino
		*(*int64)(unsafe.Pointer(p + linux.Dirent64OffOff)) = int64(d.Next)
		*(*uint16)(unsafe.Pointer(p + linux.Dirent64ReclenOff)) = uint16(rl)
		*(*uint8)(unsafe.Pointer(p + linux.Dirent64TypeOff)) = d.Type
		copyString(p+linux.Dirent64NameOff, d.Name)
		n += rl
		f.Off = d.Next
	}
	return n, 0
}

// sysFtruncate handles ftruncate(2): EINVAL unless fd is a regular file open for
// writing (Linux's answer for both).
func sysFtruncate(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if f.Kind != fkFSFile || !fs.IsRegular(f.Node) || f.Flags&linux.O_ACCMODE == linux.O_RDONLY {
		return 0, linux.EINVAL
	}
	if int64(tf.RSI) < 0 {
		return 0, linux.EINVAL
	}
	return 0, truncateFile(fsEnv(), f.Node, tf.RSI)
}

// sysTruncate handles truncate(2).
func sysTruncate(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	n, err := lookupAt(atFDCWD, uintptr(tf.RDI), true)
	if err != 0 {
		return 0, err
	}
	if int64(tf.RSI) < 0 {
		return 0, linux.EINVAL
	}
	switch fs.Type(n) {
	case linux.S_IFDIR:
		return 0, linux.EISDIR
	case linux.S_IFREG:
		return 0, truncateFile(fsEnv(), n, tf.RSI)
	}
	return 0, linux.EINVAL
}

// sysFsync handles fsync(2) and fdatasync(2): the file's shared mappings are written
// back, then the file's file system makes it durable (a volume flushes its dirty blocks
// and the disk's cache; tmpfs and the tar root have nothing to flush). EINVAL for files
// that cannot be synced (pipes, the console), as on Linux.
func sysFsync(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if f.Kind != fkFSFile {
		return 0, linux.EINVAL
	}
	if err := writeBackFile(f.Node); err != 0 {
		return 0, err
	}
	return 0, syncFile(f.Node)
}

// posix_fadvise advice values, include/uapi/linux/fadvise.h (x86-64: DONTNEED is 4).
const fadvMax = 5 // NORMAL, RANDOM, SEQUENTIAL, WILLNEED, DONTNEED, NOREUSE

// sysFadvise64 handles fadvise64(2). The advice is a hint that only changes how a page
// cache behaves, never what a read returns; a volume's block cache decides by itself, so
// valid advice is accepted and changes nothing (as on Linux for file systems without one).
func sysFadvise64(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	switch f.Kind {
	case fkPipeR, fkPipeW:
		return 0, linux.ESPIPE
	}
	if tf.R10 > fadvMax || int64(tf.RDX) < 0 { // advice, len
		return 0, linux.EINVAL
	}
	return 0, 0
}

// sysSyncfs handles syncfs(2): the file system fd is on is made durable (see sysFsync).
func sysSyncfs(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	f, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	if f.Kind != fkFSFile {
		return 0, 0 // pipes, sockets, the console: on no file system that keeps data
	}
	return 0, syncFile(f.Node)
}

// sysSync handles sync(2): every file mapping and every volume is written back.
func sysSync(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	writeBackAll()
	fs.SyncAll(fsEnv())
	return 0, 0
}

// syncFile makes file n durable on its medium: a volume writes back its dirty blocks
// and flushes the disk's cache; the tar root and tmpfs keep files in memory.
func syncFile(n fs.Node) linux.Errno { return fs.Sync(fsEnv(), n) }

// sysCopyFileRange handles copy_file_range(2) between two regular files of one mount
// (EXDEV across mounts, as Linux answers for different file systems; Go then copies by
// read and write). The bytes pass through one bounce frame, a page at a time.
func sysCopyFileRange(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	in, _, err := getFile(tf.RDI)
	if err != 0 {
		return 0, err
	}
	out, _, err := getFile(tf.RDX)
	if err != 0 {
		return 0, err
	}
	switch {
	case tf.R9 != 0:
		return 0, linux.EINVAL // no flags are defined
	case in.Flags&linux.O_ACCMODE == linux.O_WRONLY || out.Flags&linux.O_ACCMODE == linux.O_RDONLY ||
		out.Flags&linux.O_APPEND != 0:
		return 0, linux.EBADF
	case in.Kind != fkFSFile || out.Kind != fkFSFile:
		return 0, linux.EINVAL
	case fs.IsDir(in.Node) || fs.IsDir(out.Node):
		return 0, linux.EISDIR
	case !fs.IsRegular(in.Node) || !fs.IsRegular(out.Node):
		return 0, linux.EINVAL
	case in.Node.Mnt != out.Node.Mnt:
		return 0, linux.EXDEV
	}
	offIn, offOut := &in.Off, &out.Off
	if tf.RSI != 0 {
		offIn = (*uint64)(unsafe.Pointer(uintptr(tf.RSI)))
	}
	if tf.R10 != 0 {
		offOut = (*uint64)(unsafe.Pointer(uintptr(tf.R10)))
	}
	n := uint64(tf.R8)
	if n > maxRW {
		n = maxRW
	}
	if int64(*offIn) < 0 || int64(*offOut) < 0 {
		return 0, linux.EINVAL
	}
	if in.Node == out.Node && *offIn < *offOut+n && *offOut < *offIn+n {
		return 0, linux.EINVAL // overlapping ranges of one file
	}
	return copyRange(in.Node, offIn, out.Node, offOut, n)
}

// copyRange copies up to n bytes from (src, *srcOff) to (dst, *dstOff), advancing both
// offsets, and stops early at the end of src or when dst runs out of space.
func copyRange(src fs.Node, srcOff *uint64, dst fs.Node, dstOff *uint64, n uint64) (uintptr, linux.Errno) {
	pa, ok := frames.Alloc(mm.Identity{})
	if !ok {
		return 0, linux.ENOMEM
	}
	defer frames.Free(pa, mm.Identity{})
	buf := unsafe.Slice((*byte)(mm.Identity{}.Ptr(pa)), 4096)
	e := fsEnv()
	var done uint64
	var err linux.Errno
	for done < n {
		chunk := buf
		if n-done < uint64(len(chunk)) {
			chunk = chunk[:n-done]
		}
		var r, w int
		if r, err = fs.ReadAt(e, src, *srcOff, chunk); r == 0 || err != 0 {
			break
		}
		w, err = writeFile(e, dst, *dstOff, chunk[:r])
		*srcOff += uint64(w)
		*dstOff += uint64(w)
		done += uint64(w)
		if w < r || err != 0 {
			break
		}
	}
	if done == 0 && err != 0 {
		return 0, err
	}
	return uintptr(done), 0
}
