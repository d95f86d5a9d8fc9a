// System identification for uname(2), from include/uapi/linux/utsname.h.

package linux

// UTSNameLen is __NEW_UTS_LEN + 1, the size of each Utsname field, include/uapi/linux/utsname.h.
const UTSNameLen = 65

// Utsname mirrors struct new_utsname (include/uapi/linux/utsname.h), 390 bytes.
// Each field is a NUL-terminated string.
type Utsname struct {
	Sysname    [UTSNameLen]byte
	Nodename   [UTSNameLen]byte
	Release    [UTSNameLen]byte
	Version    [UTSNameLen]byte
	Machine    [UTSNameLen]byte
	Domainname [UTSNameLen]byte
}
