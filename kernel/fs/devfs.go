package fs

import "github.com/unigo-os/unigo/kernel/abi/linux"

// Device numbers: what a Node of the device directory opens as (DeviceOf).
const (
	DevNone = iota
	DevNull
	DevZero
	DevFull
	DevRandom
	DevURandom
	DevConsole
	DevTTY
)

// device is one entry of /dev: a character device, or a symlink when Target is set.
type device struct {
	Name         string
	Dev          uint8 // Dev*
	Perm         uint32
	Major, Minor uint32 // Linux's numbers (Documentation/admin-guide/devices.txt)
	Target       string
}

// devices is constant data, laid out by the linker. Inode i+1 of the device directory is
// devices[i]; inode 0 is the directory. stdin, stdout and stderr are symlinks to
// /proc/self/fd/N, as on Linux: they lead wherever that descriptor does (ENOENT once it
// is closed).
var devices = [...]device{
	{"null", DevNull, 0666, 1, 3, ""},
	{"zero", DevZero, 0666, 1, 5, ""},
	{"full", DevFull, 0666, 1, 7, ""},
	{"random", DevRandom, 0666, 1, 8, ""},
	{"urandom", DevURandom, 0666, 1, 9, ""},
	{"tty", DevTTY, 0666, 5, 0, ""},
	{"console", DevConsole, 0600, 5, 1, ""},
	{"stdin", DevNone, 0777, 0, 0, "/proc/self/fd/0"},
	{"stdout", DevNone, 0777, 0, 0, "/proc/self/fd/1"},
	{"stderr", DevNone, 0777, 0, 0, "/proc/self/fd/2"},
}

// devLookup finds name in the device directory.
func devLookup(name string) (int32, linux.Errno) {
	for i := range devices {
		if devices[i].Name == name {
			return int32(i) + 1, 0
		}
	}
	return 0, linux.ENOENT
}

// devStat describes inode i of the device directory.
func devStat(i int32) Attr {
	a := Attr{Ino: uint64(i) + 1, Nlink: 1, Atime: mountTime, Mtime: mountTime, Ctime: mountTime, Btime: mountTime}
	if i == 0 {
		a.Mode, a.Nlink, a.Size = linux.S_IFDIR|0755, 2, uint64(len(devices)+2)*20
		return a
	}
	d := &devices[i-1]
	if d.Target != "" {
		a.Mode, a.Size = linux.S_IFLNK|d.Perm, uint64(len(d.Target))
		return a
	}
	a.Mode, a.Rdev = linux.S_IFCHR|d.Perm, uint64(d.Major)<<8|uint64(d.Minor)
	return a
}

// devReadDir lists the device directory: ".", "..", then the table in order.
func devReadDir(dotdot uint64, cookie uint64) (Dirent, bool) {
	switch cookie {
	case 0:
		return Dirent{Name: ".", Ino: 1, Type: linux.DT_DIR, Next: 1}, true
	case 1:
		return Dirent{Name: "..", Ino: dotdot, Type: linux.DT_DIR, Next: 2}, true
	}
	k := cookie - 2
	if k >= uint64(len(devices)) {
		return Dirent{}, false
	}
	d := Dirent{Name: devices[k].Name, Ino: k + 2, Type: linux.DT_CHR, Next: cookie + 1}
	if devices[k].Target != "" {
		d.Type = linux.DT_LNK
	}
	return d, true
}

// DeviceOf returns the device n opens as (Dev*), or DevNone if n is not a device node.
func DeviceOf(n Node) int {
	if kindOf(n) != kindDev || n.Ino == 0 {
		return DevNone
	}
	return int(devices[n.Ino-1].Dev)
}
