// Directory entries returned by getdents64(2), from include/linux/dirent.h
// (struct linux_dirent64; ABI though not in uapi) and fs/readdir.c.

package linux

// Dirent64 mirrors the fixed header of struct linux_dirent64. The name follows
// at Dirent64NameOff (19), not at Sizeof(Dirent64) (24, Go's padded size): write
// the header fields and the name separately, never the whole Go struct.
type Dirent64 struct {
	Ino    uint64 // d_ino
	Off    int64  // d_off: the offset to pass to lseek to resume after this entry
	Reclen uint16 // d_reclen: Dirent64Reclen(len(name))
	Type   uint8  // d_type: DT_*
}

// Byte offsets in struct linux_dirent64.
const (
	Dirent64InoOff    = 0
	Dirent64OffOff    = 8
	Dirent64ReclenOff = 16
	Dirent64TypeOff   = 18
	Dirent64NameOff   = 19 // d_name[], NUL-terminated
)

// Dirent64Reclen returns d_reclen for a name of nameLen bytes: header, name and
// its NUL, rounded up to 8 as fs/readdir.c's filldir64 does.
func Dirent64Reclen(nameLen int) int {
	return (Dirent64NameOff + nameLen + 1 + 7) &^ 7
}
