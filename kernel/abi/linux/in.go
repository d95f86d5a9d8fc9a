// IPv4 protocol numbers and SOL_IP socket options, from include/uapi/linux/in.h.

package linux

// IP protocols, include/uapi/linux/in.h.
const (
	IPPROTO_IP       = 0x0
	IPPROTO_ICMP     = 0x1
	IPPROTO_IGMP     = 0x2
	IPPROTO_IPIP     = 0x4
	IPPROTO_TCP      = 0x6
	IPPROTO_EGP      = 0x8
	IPPROTO_PUP      = 0xc
	IPPROTO_UDP      = 0x11
	IPPROTO_IDP      = 0x16
	IPPROTO_TP       = 0x1d
	IPPROTO_DCCP     = 0x21
	IPPROTO_IPV6     = 0x29
	IPPROTO_RSVP     = 0x2e
	IPPROTO_GRE      = 0x2f
	IPPROTO_ESP      = 0x32
	IPPROTO_AH       = 0x33
	IPPROTO_MTP      = 0x5c
	IPPROTO_BEETPH   = 0x5e
	IPPROTO_ENCAP    = 0x62
	IPPROTO_PIM      = 0x67
	IPPROTO_COMP     = 0x6c
	IPPROTO_L2TP     = 0x73
	IPPROTO_SCTP     = 0x84
	IPPROTO_UDPLITE  = 0x88
	IPPROTO_MPLS     = 0x89
	IPPROTO_ETHERNET = 0x8f
	IPPROTO_AGGFRAG  = 0x90
	IPPROTO_RAW      = 0xff
	IPPROTO_SMC      = 0x100
	IPPROTO_MPTCP    = 0x106
	IPPROTO_MAX      = 263
)

// SOL_IP options, include/uapi/linux/in.h.
const (
	IP_TOS                    = 0x1
	IP_TTL                    = 0x2
	IP_HDRINCL                = 0x3
	IP_OPTIONS                = 0x4
	IP_ROUTER_ALERT           = 0x5
	IP_RECVOPTS               = 0x6
	IP_RETOPTS                = 0x7
	IP_PKTINFO                = 0x8
	IP_PKTOPTIONS             = 0x9
	IP_MTU_DISCOVER           = 0xa
	IP_RECVERR                = 0xb
	IP_RECVTTL                = 0xc
	IP_RECVTOS                = 0xd
	IP_MTU                    = 0xe
	IP_FREEBIND               = 0xf
	IP_IPSEC_POLICY           = 0x10
	IP_XFRM_POLICY            = 0x11
	IP_PASSSEC                = 0x12
	IP_TRANSPARENT            = 0x13
	IP_ORIGDSTADDR            = 0x14
	IP_RECVORIGDSTADDR        = 0x14
	IP_MINTTL                 = 0x15
	IP_NODEFRAG               = 0x16
	IP_CHECKSUM               = 0x17
	IP_BIND_ADDRESS_NO_PORT   = 0x18
	IP_RECVFRAGSIZE           = 0x19
	IP_RECVERR_RFC4884        = 0x1a
	IP_MULTICAST_IF           = 0x20
	IP_MULTICAST_TTL          = 0x21
	IP_MULTICAST_LOOP         = 0x22
	IP_ADD_MEMBERSHIP         = 0x23
	IP_DROP_MEMBERSHIP        = 0x24
	IP_UNBLOCK_SOURCE         = 0x25
	IP_BLOCK_SOURCE           = 0x26
	IP_ADD_SOURCE_MEMBERSHIP  = 0x27
	IP_DROP_SOURCE_MEMBERSHIP = 0x28
	IP_MSFILTER               = 0x29
	IP_MULTICAST_ALL          = 0x31
	IP_UNICAST_IF             = 0x32
	IP_LOCAL_PORT_RANGE       = 0x33
	IP_PROTOCOL               = 0x34
)

// IP_MTU_DISCOVER values, include/uapi/linux/in.h.
const (
	IP_PMTUDISC_DONT      = 0x0
	IP_PMTUDISC_WANT      = 0x1
	IP_PMTUDISC_DO        = 0x2
	IP_PMTUDISC_PROBE     = 0x3
	IP_PMTUDISC_INTERFACE = 0x4
	IP_PMTUDISC_OMIT      = 0x5
)

// SOL_IPV6 options, include/uapi/linux/in6.h.
const (
	IPV6_ADDRFORM             = 0x1
	IPV6_2292PKTINFO          = 0x2
	IPV6_2292HOPOPTS          = 0x3
	IPV6_2292DSTOPTS          = 0x4
	IPV6_2292RTHDR            = 0x5
	IPV6_2292PKTOPTIONS       = 0x6
	IPV6_CHECKSUM             = 0x7
	IPV6_2292HOPLIMIT         = 0x8
	IPV6_NEXTHOP              = 0x9
	IPV6_AUTHHDR              = 0xa
	IPV6_FLOWINFO             = 11
	IPV6_UNICAST_HOPS         = 0x10
	IPV6_MULTICAST_IF         = 0x11
	IPV6_MULTICAST_HOPS       = 0x12
	IPV6_MULTICAST_LOOP       = 0x13
	IPV6_ADD_MEMBERSHIP       = 0x14
	IPV6_DROP_MEMBERSHIP      = 0x15
	IPV6_ROUTER_ALERT         = 0x16
	IPV6_MTU_DISCOVER         = 0x17
	IPV6_MTU                  = 0x18
	IPV6_RECVERR              = 0x19
	IPV6_V6ONLY               = 0x1a
	IPV6_JOIN_ANYCAST         = 0x1b
	IPV6_LEAVE_ANYCAST        = 0x1c
	IPV6_MULTICAST_ALL        = 0x1d
	IPV6_ROUTER_ALERT_ISOLATE = 0x1e
	IPV6_RECVERR_RFC4884      = 0x1f
	IPV6_IPSEC_POLICY         = 0x22
	IPV6_XFRM_POLICY          = 0x23
	IPV6_HDRINCL              = 0x24
	IPV6_RECVPKTINFO          = 0x31
	IPV6_PKTINFO              = 0x32
	IPV6_RECVHOPLIMIT         = 0x33
	IPV6_HOPLIMIT             = 0x34
	IPV6_RECVHOPOPTS          = 0x35
	IPV6_HOPOPTS              = 0x36
	IPV6_RTHDRDSTOPTS         = 0x37
	IPV6_RECVRTHDR            = 0x38
	IPV6_RTHDR                = 0x39
	IPV6_RECVDSTOPTS          = 0x3a
	IPV6_DSTOPTS              = 0x3b
	IPV6_RECVPATHMTU          = 0x3c
	IPV6_PATHMTU              = 0x3d
	IPV6_DONTFRAG             = 0x3e
	IPV6_RECVTCLASS           = 0x42
	IPV6_TCLASS               = 0x43
	IPV6_AUTOFLOWLABEL        = 0x46
	IPV6_ADDR_PREFERENCES     = 0x48
	IPV6_MINHOPCOUNT          = 0x49
	IPV6_ORIGDSTADDR          = 0x4a
	IPV6_RECVORIGDSTADDR      = 0x4a
	IPV6_TRANSPARENT          = 0x4b
	IPV6_UNICAST_IF           = 0x4c
	IPV6_RECVFRAGSIZE         = 0x4d
	IPV6_FREEBIND             = 0x4e
)
