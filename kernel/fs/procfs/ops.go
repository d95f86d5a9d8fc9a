package procfs

import "github.com/unigo-os/unigo/kernel/abi/linux"

// linkBuf holds the last generated symlink target and nameBuf the last fd name; both are
// returned as string views. Hazard: a view is valid only until the next Readlink or
// Name/ReadDir of an fd link. Path lookup is safe: the targets generated (absolute
// canonical paths, pipe:[N]...) never pass through a generated link again.
var (
	linkBuf [4096]byte
	nameBuf [8]byte
)

// decName writes fd's decimal name into nameBuf and returns a view of it.
func decName(fd int) string {
	w := Writer{Buf: nameBuf[:]}
	w.Dec(uint64(fd))
	return view(nameBuf[:w.N])
}

// ReadAt copies file i's text from off into buf and returns how many bytes: fewer only
// at the end. EISDIR for a directory, EINVAL for a symlink.
func ReadAt(src Source, i Ino, off uint64, buf []byte) (int, linux.Errno) {
	switch kind(i) {
	case kDir, kFDDir:
		return 0, linux.EISDIR
	case kLink:
		return 0, linux.EINVAL
	}
	e := &table[i]
	w := Writer{Buf: buf, Skip: off}
	if e.Gen == GenNone {
		w.Str(e.Text)
	} else {
		w = src.Gen(int(e.Gen), w)
	}
	return w.N, 0
}

// Readlink returns symlink i's target (see linkBuf for how long it stays valid); EINVAL
// if i is not a symlink, ENOENT if its descriptor was closed meanwhile.
func Readlink(src Source, i Ino) (string, linux.Errno) {
	if kind(i) != kLink {
		return "", linux.EINVAL
	}
	w := Writer{Buf: linkBuf[:]}
	if i >= fdLink {
		var open bool
		if w, open = src.FD(int(i-fdLink), w); !open {
			return "", linux.ENOENT
		}
		return view(linkBuf[:w.N]), 0
	}
	e := &table[i]
	if e.Gen == GenNone {
		return e.Text, 0
	}
	w = src.Gen(int(e.Gen), w)
	return view(linkBuf[:w.N]), 0
}
