// Socket constants, from include/linux/socket.h (AF_*, MSG_*, SOL_*, SCM_*; ABI
// though outside uapi), include/linux/net.h (SOCK_*, SHUT_*),
// include/uapi/asm-generic/socket.h (SO_*; x86-64 uses the generic values) and
// include/uapi/linux/un.h. Protocol-level options: in.go, in6.go, tcp.go.

package linux

// Address families, include/linux/socket.h.
const (
	AF_UNSPEC     = 0x0
	AF_UNIX       = 0x1
	AF_LOCAL      = 0x1
	AF_INET       = 0x2
	AF_AX25       = 0x3
	AF_IPX        = 0x4
	AF_APPLETALK  = 0x5
	AF_NETROM     = 0x6
	AF_BRIDGE     = 0x7
	AF_ATMPVC     = 0x8
	AF_X25        = 0x9
	AF_INET6      = 0xa
	AF_ROSE       = 0xb
	AF_DECnet     = 0xc
	AF_NETBEUI    = 0xd
	AF_SECURITY   = 0xe
	AF_KEY        = 0xf
	AF_NETLINK    = 0x10
	AF_ROUTE      = 0x10
	AF_PACKET     = 0x11
	AF_ASH        = 0x12
	AF_ECONET     = 0x13
	AF_ATMSVC     = 0x14
	AF_RDS        = 0x15
	AF_SNA        = 0x16
	AF_IRDA       = 0x17
	AF_PPPOX      = 0x18
	AF_WANPIPE    = 0x19
	AF_LLC        = 0x1a
	AF_IB         = 0x1b
	AF_MPLS       = 0x1c
	AF_CAN        = 0x1d
	AF_TIPC       = 0x1e
	AF_BLUETOOTH  = 0x1f
	AF_IUCV       = 0x20
	AF_RXRPC      = 0x21
	AF_ISDN       = 0x22
	AF_PHONET     = 0x23
	AF_IEEE802154 = 0x24
	AF_CAIF       = 0x25
	AF_ALG        = 0x26
	AF_NFC        = 0x27
	AF_VSOCK      = 0x28
	AF_KCM        = 0x29
	AF_QIPCRTR    = 0x2a
	AF_SMC        = 0x2b
	AF_XDP        = 0x2c
	AF_MCTP       = 0x2d
	AF_MAX        = 0x2e
)

// Protocol families are the same numbers, include/linux/socket.h.
const (
	PF_UNSPEC  = AF_UNSPEC
	PF_UNIX    = AF_UNIX
	PF_LOCAL   = AF_LOCAL
	PF_INET    = AF_INET
	PF_INET6   = AF_INET6
	PF_NETLINK = AF_NETLINK
	PF_PACKET  = AF_PACKET
	PF_VSOCK   = AF_VSOCK
)

// Socket types, include/linux/net.h.
const (
	SOCK_STREAM    = 0x1
	SOCK_DGRAM     = 0x2
	SOCK_RAW       = 0x3
	SOCK_RDM       = 0x4
	SOCK_SEQPACKET = 0x5
	SOCK_DCCP      = 0x6
	SOCK_PACKET    = 0xa
	SOCK_TYPE_MASK = 0xf
)

// socket(2)/socketpair(2)/accept4(2) type flags, include/linux/net.h.
const (
	SOCK_CLOEXEC  = O_CLOEXEC
	SOCK_NONBLOCK = O_NONBLOCK
)

// Socket option levels, include/uapi/asm-generic/socket.h (SOL_SOCKET),
// include/linux/socket.h (the others).
const (
	SOL_SOCKET  = 0x1
	SOL_IP      = 0x0
	SOL_TCP     = 0x6
	SOL_UDP     = 0x11
	SOL_IPV6    = 0x29
	SOL_ICMPV6  = 0x3a
	SOL_RAW     = 0xff
	SOL_PACKET  = 0x107
	SOL_NETLINK = 0x10e
	SOL_TLS     = 0x11a
	SOL_XDP     = 0x11b
	SOL_MPTCP   = 0x11c
	SOL_VSOCK   = 0x11f
)

// SOL_SOCKET options, include/uapi/asm-generic/socket.h.
const (
	SO_DEBUG                         = 0x1
	SO_REUSEADDR                     = 0x2
	SO_TYPE                          = 0x3
	SO_ERROR                         = 0x4
	SO_DONTROUTE                     = 0x5
	SO_BROADCAST                     = 0x6
	SO_SNDBUF                        = 0x7
	SO_RCVBUF                        = 0x8
	SO_SNDBUFFORCE                   = 0x20
	SO_RCVBUFFORCE                   = 0x21
	SO_KEEPALIVE                     = 0x9
	SO_OOBINLINE                     = 0xa
	SO_NO_CHECK                      = 0xb
	SO_PRIORITY                      = 0xc
	SO_LINGER                        = 0xd
	SO_BSDCOMPAT                     = 0xe
	SO_REUSEPORT                     = 0xf
	SO_PASSCRED                      = 0x10
	SO_PEERCRED                      = 0x11
	SO_RCVLOWAT                      = 0x12
	SO_SNDLOWAT                      = 0x13
	SO_RCVTIMEO_OLD                  = 0x14
	SO_SNDTIMEO_OLD                  = 0x15
	SO_SECURITY_AUTHENTICATION       = 0x16
	SO_SECURITY_ENCRYPTION_TRANSPORT = 0x17
	SO_SECURITY_ENCRYPTION_NETWORK   = 0x18
	SO_BINDTODEVICE                  = 0x19
	SO_ATTACH_FILTER                 = 0x1a
	SO_DETACH_FILTER                 = 0x1b
	SO_GET_FILTER                    = 0x1a
	SO_PEERNAME                      = 0x1c
	SO_ACCEPTCONN                    = 0x1e
	SO_PEERSEC                       = 0x1f
	SO_PASSSEC                       = 0x22
	SO_MARK                          = 0x24
	SO_PROTOCOL                      = 0x26
	SO_DOMAIN                        = 0x27
	SO_RXQ_OVFL                      = 0x28
	SO_WIFI_STATUS                   = 0x29
	SO_PEEK_OFF                      = 0x2a
	SO_NOFCS                         = 0x2b
	SO_LOCK_FILTER                   = 0x2c
	SO_SELECT_ERR_QUEUE              = 0x2d
	SO_BUSY_POLL                     = 0x2e
	SO_MAX_PACING_RATE               = 0x2f
	SO_BPF_EXTENSIONS                = 0x30
	SO_INCOMING_CPU                  = 0x31
	SO_ATTACH_BPF                    = 0x32
	SO_DETACH_BPF                    = 0x1b
	SO_ATTACH_REUSEPORT_CBPF         = 0x33
	SO_ATTACH_REUSEPORT_EBPF         = 0x34
	SO_CNX_ADVICE                    = 0x35
	SO_MEMINFO                       = 0x37
	SO_INCOMING_NAPI_ID              = 0x38
	SO_COOKIE                        = 0x39
	SO_PEERGROUPS                    = 0x3b
	SO_ZEROCOPY                      = 0x3c
	SO_TXTIME                        = 0x3d
	SO_BINDTOIFINDEX                 = 0x3e
	SO_TIMESTAMP_OLD                 = 0x1d
	SO_TIMESTAMPNS_OLD               = 0x23
	SO_TIMESTAMPING_OLD              = 0x25
	SO_TIMESTAMP_NEW                 = 0x3f
	SO_TIMESTAMPNS_NEW               = 0x40
	SO_TIMESTAMPING_NEW              = 0x41
	SO_RCVTIMEO_NEW                  = 0x42
	SO_SNDTIMEO_NEW                  = 0x43
	SO_DETACH_REUSEPORT_BPF          = 0x44
	SO_PREFER_BUSY_POLL              = 0x45
	SO_BUSY_POLL_BUDGET              = 0x46
	SO_NETNS_COOKIE                  = 0x47
	SO_BUF_LOCK                      = 0x48
	SO_RESERVE_MEM                   = 0x49
	SO_TXREHASH                      = 0x4a
	SO_RCVMARK                       = 0x4b
	SO_PASSPIDFD                     = 0x4c
	SO_PEERPIDFD                     = 0x4d
	SO_DEVMEM_LINEAR                 = 0x4e
	SO_DEVMEM_DMABUF                 = 0x4f
	SO_DEVMEM_DONTNEED               = 0x50
	SO_RCVPRIORITY                   = 0x52
	SO_PASSRIGHTS                    = 0x53
	SO_INQ                           = 0x54
)

// On 64-bit the plain names are the _OLD (timeval/timespec with 64-bit time_t) options,
// include/uapi/asm-generic/socket.h.
const (
	SO_RCVTIMEO     = SO_RCVTIMEO_OLD
	SO_SNDTIMEO     = SO_SNDTIMEO_OLD
	SO_TIMESTAMP    = SO_TIMESTAMP_OLD
	SO_TIMESTAMPNS  = SO_TIMESTAMPNS_OLD
	SO_TIMESTAMPING = SO_TIMESTAMPING_OLD
)

// Control message types, include/linux/socket.h (SCM_RIGHTS, SCM_CREDENTIALS,
// SCM_SECURITY, SCM_PIDFD).
const (
	SCM_RIGHTS      = 0x1
	SCM_CREDENTIALS = 0x2
	SCM_SECURITY    = 0x3
	SCM_PIDFD       = 0x4
)

// send/recv flags, include/linux/socket.h.
const (
	MSG_OOB               = 0x1
	MSG_PEEK              = 0x2
	MSG_DONTROUTE         = 0x4
	MSG_TRYHARD           = 0x4
	MSG_CTRUNC            = 0x8
	MSG_PROBE             = 0x10
	MSG_TRUNC             = 0x20
	MSG_DONTWAIT          = 0x40
	MSG_EOR               = 0x80
	MSG_WAITALL           = 0x100
	MSG_FIN               = 0x200
	MSG_SYN               = 0x400
	MSG_CONFIRM           = 0x800
	MSG_RST               = 0x1000
	MSG_ERRQUEUE          = 0x2000
	MSG_NOSIGNAL          = 0x4000
	MSG_MORE              = 0x8000
	MSG_WAITFORONE        = 0x10000
	MSG_SENDPAGE_NOPOLICY = 0x10000
	MSG_BATCH             = 0x40000
	MSG_SOCK_DEVMEM       = 0x2000000
	MSG_ZEROCOPY          = 0x4000000
	MSG_FASTOPEN          = 0x20000000
	MSG_CMSG_CLOEXEC      = 0x40000000
)

// shutdown(2) directions, include/linux/net.h.
const (
	SHUT_RD   = 0x0
	SHUT_WR   = 0x1
	SHUT_RDWR = 0x2
)

// The listen(2) backlog limit, include/linux/socket.h.
const (
	SOMAXCONN = 4096
)

// The size of sockaddr_un.sun_path, include/uapi/linux/un.h.
const (
	UNIX_PATH_MAX = 108
)
