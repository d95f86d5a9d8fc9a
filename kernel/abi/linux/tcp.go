// SOL_TCP socket options, from include/uapi/linux/tcp.h.

package linux

// SOL_TCP options, include/uapi/linux/tcp.h.
const (
	TCP_NODELAY              = 0x1
	TCP_MAXSEG               = 0x2
	TCP_CORK                 = 0x3
	TCP_KEEPIDLE             = 0x4
	TCP_KEEPINTVL            = 0x5
	TCP_KEEPCNT              = 0x6
	TCP_SYNCNT               = 0x7
	TCP_LINGER2              = 0x8
	TCP_DEFER_ACCEPT         = 0x9
	TCP_WINDOW_CLAMP         = 0xa
	TCP_INFO                 = 0xb
	TCP_QUICKACK             = 0xc
	TCP_CONGESTION           = 0xd
	TCP_MD5SIG               = 0xe
	TCP_THIN_LINEAR_TIMEOUTS = 0x10
	TCP_THIN_DUPACK          = 0x11
	TCP_USER_TIMEOUT         = 0x12
	TCP_REPAIR               = 0x13
	TCP_REPAIR_QUEUE         = 0x14
	TCP_QUEUE_SEQ            = 0x15
	TCP_REPAIR_OPTIONS       = 0x16
	TCP_FASTOPEN             = 0x17
	TCP_TIMESTAMP            = 0x18
	TCP_NOTSENT_LOWAT        = 0x19
	TCP_CC_INFO              = 0x1a
	TCP_SAVE_SYN             = 0x1b
	TCP_SAVED_SYN            = 0x1c
	TCP_REPAIR_WINDOW        = 0x1d
	TCP_FASTOPEN_CONNECT     = 0x1e
	TCP_ULP                  = 0x1f
	TCP_MD5SIG_EXT           = 0x20
	TCP_FASTOPEN_KEY         = 0x21
	TCP_FASTOPEN_NO_COOKIE   = 0x22
	TCP_ZEROCOPY_RECEIVE     = 0x23
	TCP_INQ                  = 0x24
	TCP_TX_DELAY             = 0x25
	TCP_AO_ADD_KEY           = 38
	TCP_AO_DEL_KEY           = 39
	TCP_AO_INFO              = 40
	TCP_AO_GET_KEYS          = 41
	TCP_AO_REPAIR            = 42
	TCP_IS_MPTCP             = 43
	TCP_RTO_MAX_MS           = 0x2c
	TCP_RTO_MIN_US           = 0x2d
	TCP_DELACK_MAX_US        = 0x2e
)
