// Socket address and message structures, from include/uapi/linux/in.h (sockaddr_in),
// include/uapi/linux/in6.h (sockaddr_in6), include/uapi/linux/un.h (sockaddr_un),
// include/uapi/linux/socket.h (__kernel_sockaddr_storage), include/linux/socket.h
// (linger, ucred, user_msghdr, cmsghdr; ABI though not in uapi) and
// include/uapi/linux/uio.h (iovec).

package linux

// SockaddrIn mirrors struct sockaddr_in (include/uapi/linux/in.h), 16 bytes.
// Port and Addr are in network byte order, kept as bytes so no caller swaps twice.
type SockaddrIn struct {
	Family uint16  // sin_family: AF_INET
	Port   [2]byte // sin_port, big-endian
	Addr   [4]byte // sin_addr
	_      [8]byte // __pad (sin_zero)
}

// PortNum returns the port as a number.
func (s *SockaddrIn) PortNum() uint16 { return uint16(s.Port[0])<<8 | uint16(s.Port[1]) }

// SetPort sets the port from a number.
func (s *SockaddrIn) SetPort(p uint16) { s.Port = [2]byte{byte(p >> 8), byte(p)} }

// SockaddrIn6 mirrors struct sockaddr_in6 (include/uapi/linux/in6.h), 28 bytes.
type SockaddrIn6 struct {
	Family   uint16   // sin6_family: AF_INET6
	Port     [2]byte  // sin6_port, big-endian
	Flowinfo [4]byte  // sin6_flowinfo, big-endian
	Addr     [16]byte // sin6_addr
	ScopeID  uint32   // sin6_scope_id, host order
}

// PortNum returns the port as a number.
func (s *SockaddrIn6) PortNum() uint16 { return uint16(s.Port[0])<<8 | uint16(s.Port[1]) }

// SetPort sets the port from a number.
func (s *SockaddrIn6) SetPort(p uint16) { s.Port = [2]byte{byte(p >> 8), byte(p)} }

// SockaddrUn mirrors struct sockaddr_un (include/uapi/linux/un.h), 110 bytes. Path
// need not be NUL-terminated; its length comes from the addrlen argument. A
// leading NUL names an abstract socket.
type SockaddrUn struct {
	Family uint16              // sun_family: AF_UNIX
	Path   [UNIX_PATH_MAX]byte // sun_path
}

// SockaddrStorage mirrors struct __kernel_sockaddr_storage
// (include/uapi/linux/socket.h), 128 bytes, 8-byte aligned: room for any address.
type SockaddrStorage struct {
	Family uint16
	_      [6]byte
	_      [15]uint64
}

// SockaddrStorageSize is _K_SS_MAXSIZE, include/uapi/linux/socket.h.
const SockaddrStorageSize = 128

// Linger mirrors struct linger (include/linux/socket.h), for SO_LINGER.
type Linger struct {
	Onoff  int32 // l_onoff
	Linger int32 // l_linger, seconds
}

// Ucred mirrors struct ucred (include/linux/socket.h), for SO_PEERCRED and
// SCM_CREDENTIALS.
type Ucred struct {
	Pid int32
	Uid uint32
	Gid uint32
}

// Iovec mirrors struct iovec (include/uapi/linux/uio.h).
type Iovec struct {
	Base uint64 // iov_base, a user address
	Len  uint64 // iov_len
}

// UIO_MAXIOV is the most iovecs one call accepts, include/uapi/linux/uio.h.
const UIO_MAXIOV = 1024

// Msghdr mirrors struct user_msghdr (include/linux/socket.h), 56 bytes, as passed
// to sendmsg(2) and recvmsg(2). Addresses are user addresses.
type Msghdr struct {
	Name       uint64 // msg_name
	Namelen    int32  // msg_namelen
	_          int32
	Iov        uint64 // msg_iov
	Iovlen     uint64 // msg_iovlen
	Control    uint64 // msg_control
	Controllen uint64 // msg_controllen
	Flags      int32  // msg_flags: MSG_*
	_          int32
}

// Cmsghdr mirrors struct cmsghdr (include/linux/socket.h), 16 bytes; the data
// follows at CmsgAlign(SizeofCmsghdr).
type Cmsghdr struct {
	Len   uint64 // cmsg_len, header included
	Level int32  // cmsg_level: SOL_*
	Type  int32  // cmsg_type: SCM_*
}

// SizeofCmsghdr is sizeof(struct cmsghdr) on x86-64.
const SizeofCmsghdr = 16

// CmsgAlign rounds n up to the control-message alignment, CMSG_ALIGN in
// include/linux/socket.h (sizeof(long)).
func CmsgAlign(n uint64) uint64 { return (n + 7) &^ 7 }
