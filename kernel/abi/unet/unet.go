// Package unet is the private interface between the kernel's internet sockets
// (kernel/socket_inet.go, kernel/sys_netsvc.go) and the netstack service
// (kernel/netsvc). Both sides import it; it imports nothing.
//
// The service opens the control fd with SysOpen (once per boot). read(2) on the control
// fd returns an array of Work records, one per socket that has something for the service,
// or EAGAIN; the fd is readable (epoll, edge-triggered by generation) when work is waiting
// or a frame has arrived on the network device. Every other private call takes the control
// fd as its first argument and returns EPERM for any other descriptor.
package unet

// Private system call numbers: a reserved range above Linux's table (Linux x86-64 stops
// below 512; 512-547 are x32 numbers, so 1000+ never collides).
const (
	SysOpen     = 1000 // unigo_net_open() -> control fd (O_NONBLOCK, O_CLOEXEC); EBUSY the second time
	SysFrameTx  = 1001 // unigo_net_frame_tx(ctl, iovecs, n) -> frames sent (each iovec is a VnetHdr, then one frame)
	SysFrameRx  = 1002 // unigo_net_frame_rx(ctl, buf, cap) -> VnetHdr + frame length, EAGAIN when none
	SysInfo     = 1003 // unigo_net_info(ctl, *Info)
	SysRxPut    = 1004 // unigo_net_rx_put(ctl, id, buf, n, *Addr) -> bytes put (a datagram: all or EAGAIN)
	SysTxTake   = 1005 // unigo_net_tx_take(ctl, id, buf, cap, *Addr) -> bytes taken (a datagram: one, its destination in *Addr)
	SysUpdate   = 1006 // unigo_net_update(ctl, id, *Update)
	SysAccepted = 1007 // unigo_net_accepted(ctl, listener id, *Update) -> id of the new connected socket
	SysFree     = 1008 // unigo_net_free(ctl, id): the service is done with a closed socket
	SysCmdline  = 1009 // unigo_net_cmdline(ctl, buf, cap) -> length of the kernel command line (copies up to cap bytes)
	SysFirst    = SysOpen
	SysLast     = SysCmdline
)

// Work bits: what the service should do for a socket.
const (
	WBind    = 1 << 0 // a datagram socket was bound (or sent): open its endpoint to receive
	WListen  = 1 << 1
	WConnect = 1 << 2
	WTx      = 1 << 3 // data waits in the send ring
	WRxRoom  = 1 << 4 // the application read: room in the receive ring
	WShutWr  = 1 << 5 // shutdown(SHUT_WR) after the send ring drains
	WClose   = 1 << 6 // the application closed it: flush the send ring, close, then SysFree
	WOpts    = 1 << 7 // options changed (setsockopt) on a socket the service knows
)

// Option bits in Work.Opts.
const (
	OptV6Only    = 1 << 0
	OptReuseAddr = 1 << 1
	OptNoDelay   = 1 << 2
	OptKeepAlive = 1 << 3
	OptBroadcast = 1 << 4
)

// Addr is an IP address and port. IPv4 addresses are stored v4-mapped (::ffff:a.b.c.d)
// with V4 = 1.
type Addr struct {
	IP   [16]byte
	Port uint16
	V4   uint8
	_    [5]byte
}

// Work is one record read from the control fd.
type Work struct {
	ID      int32 // socket id: stable while the service holds it (kernel index + generation)
	Bits    uint32
	Family  uint16 // AF_INET or AF_INET6
	Type    uint16 // SOCK_STREAM or SOCK_DGRAM
	Opts    uint32
	Backlog int32
	TxUsed  uint32 // bytes (stream) or datagrams waiting in the send ring
	RxSpace uint32 // free bytes in the receive ring
	// TCP keepalive (TCP_KEEPIDLE and TCP_KEEPINTVL in seconds, TCP_KEEPCNT); 0 = not set.
	KeepIdle, KeepIntvl, KeepCnt int32
	Local                        Addr
	Remote                       Addr // connect's destination
}

// Update ops for SysUpdate and SysAccepted.
const (
	UConnected = 1 // connect finished (or, for SysAccepted, the new connection): Local, Remote
	UError     = 2 // Err becomes SO_ERROR; a connecting socket goes back to unconnected
	UEOF       = 3 // the peer sent FIN and everything before it is in the receive ring
	UReset     = 4 // connection reset (Err): both directions shut, Err pending
	UWritable  = 5 // nothing changes; the send ring may be refilled (wake writers)
)

// Update is the argument of SysUpdate and SysAccepted.
type Update struct {
	Op     uint32
	Err    int32
	Local  Addr
	Remote Addr
}

// Info describes the network device (SysInfo).
type Info struct {
	Present  uint32 // a virtio-net device is driving
	LinkUp   uint32
	MAC      [6]byte
	_        [2]byte
	MTU      uint32
	Offloads uint32 // Off* bits: what the device agreed to
}

// Offload bits in Info.Offloads.
const (
	OffTxCsum = 1 << 0 // VIRTIO_NET_F_CSUM: frames may carry HdrNeedsCsum
	OffRxCsum = 1 << 1 // VIRTIO_NET_F_GUEST_CSUM: received frames may carry HdrDataValid or HdrNeedsCsum
	OffTSO4   = 1 << 2 // VIRTIO_NET_F_HOST_TSO4 (with CSUM): GSOTCPv4 frames up to MaxGSOFrame
	OffTSO6   = 1 << 3 // VIRTIO_NET_F_HOST_TSO6 (with CSUM): GSOTCPv6 frames up to MaxGSOFrame
	OffRxMrg  = 1 << 4 // VIRTIO_NET_F_MRG_RXBUF: the kernel joins frames spanning several buffers
	OffRxTSO4 = 1 << 5 // VIRTIO_NET_F_GUEST_TSO4: received TCP/IPv4 frames up to MaxRxFrame
	OffRxTSO6 = 1 << 6 // VIRTIO_NET_F_GUEST_TSO6: received TCP/IPv6 frames up to MaxRxFrame
)

// VnetHdr is struct virtio_net_hdr (virtio 1.x §5.1.6, with num_buffers): every frame
// of SysFrameTx and SysFrameRx starts with one. Fields are little-endian (x86).
//
// On transmit the kernel checks it against the negotiated features and drops the frame
// (counted) if it asks for something the device did not agree to or points outside the
// frame; NumBuffers is ignored. On receive it is what the device wrote.
type VnetHdr struct {
	Flags      uint8  // HdrNeedsCsum, HdrDataValid
	GSOType    uint8  // GSONone, GSOTCPv4, GSOTCPv6
	HdrLen     uint16 // GSO: Ethernet + IP + TCP header bytes
	GSOSize    uint16 // GSO: payload bytes per segment (the MSS)
	CsumStart  uint16 // HdrNeedsCsum: offset from the frame start where checksumming starts
	CsumOffset uint16 // HdrNeedsCsum: where the checksum goes, from CsumStart
	NumBuffers uint16 // receive buffers the frame used (receive only)
}

// VnetHdr flags and GSO types (§5.1.6).
const (
	HdrNeedsCsum = 1 // VIRTIO_NET_HDR_F_NEEDS_CSUM: the checksum field holds the pseudo-header sum; finish it
	HdrDataValid = 2 // VIRTIO_NET_HDR_F_DATA_VALID: the device checked the checksum

	GSONone  = 0 // VIRTIO_NET_HDR_GSO_NONE
	GSOTCPv4 = 1 // VIRTIO_NET_HDR_GSO_TCPV4
	GSOTCPv6 = 4 // VIRTIO_NET_HDR_GSO_TCPV6
)

const (
	// VnetHdrLen is the size of VnetHdr.
	VnetHdrLen = 12
	// MaxFrame is the longest Ethernet frame (without FCS) SysFrameTx sends without GSO,
	// and SysFrameRx returns without OffRxTSO4/6.
	MaxFrame = 2036
	// MaxRxFrame is the longest frame SysFrameRx returns with OffRxTSO4/6 (a 64 KiB IP
	// packet behind an Ethernet header): its buffer needs VnetHdrLen + MaxRxFrame bytes.
	MaxRxFrame = 65536 + 64
	// MaxGSOFrame is the longest frame SysFrameTx sends with GSOTCPv4/GSOTCPv6 (Ethernet
	// header included): a 32 KiB segment plus headers.
	MaxGSOFrame = 32768 + 256
)
