// IPv6 extension-header protocol numbers and SOL_IPV6 socket options, from
// include/uapi/linux/in6.h.

package linux

// IPv6 extension header protocols, include/uapi/linux/in6.h.
const (
	IPPROTO_HOPOPTS  = 0x0
	IPPROTO_ROUTING  = 0x2b
	IPPROTO_FRAGMENT = 0x2c
	IPPROTO_ICMPV6   = 0x3a
	IPPROTO_NONE     = 0x3b
	IPPROTO_DSTOPTS  = 0x3c
	IPPROTO_MH       = 0x87
)
