// Futex operations and flags, from include/uapi/linux/futex.h.

package linux

// futex(2) operations, include/uapi/linux/futex.h.
const (
	FUTEX_WAIT            = 0
	FUTEX_WAKE            = 1
	FUTEX_FD              = 2
	FUTEX_REQUEUE         = 3
	FUTEX_CMP_REQUEUE     = 4
	FUTEX_WAKE_OP         = 5
	FUTEX_LOCK_PI         = 6
	FUTEX_UNLOCK_PI       = 7
	FUTEX_TRYLOCK_PI      = 8
	FUTEX_WAIT_BITSET     = 9
	FUTEX_WAKE_BITSET     = 10
	FUTEX_WAIT_REQUEUE_PI = 11
	FUTEX_CMP_REQUEUE_PI  = 12
	FUTEX_LOCK_PI2        = 13
)

// futex(2) operation modifiers, include/uapi/linux/futex.h.
const (
	FUTEX_PRIVATE_FLAG   = 128
	FUTEX_CLOCK_REALTIME = 256
	// FUTEX_CMD_MASK is ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME), an untyped -385:
	// mask a signed op (int32(op) & FUTEX_CMD_MASK); with an unsigned op write
	// op &^ (FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME).
	FUTEX_CMD_MASK = ^(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)
)

// The _PRIVATE forms of the operations, include/uapi/linux/futex.h.
const (
	FUTEX_WAIT_PRIVATE            = FUTEX_WAIT | FUTEX_PRIVATE_FLAG
	FUTEX_WAKE_PRIVATE            = FUTEX_WAKE | FUTEX_PRIVATE_FLAG
	FUTEX_REQUEUE_PRIVATE         = FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG
	FUTEX_CMP_REQUEUE_PRIVATE     = FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG
	FUTEX_WAKE_OP_PRIVATE         = FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG
	FUTEX_LOCK_PI_PRIVATE         = FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG
	FUTEX_LOCK_PI2_PRIVATE        = FUTEX_LOCK_PI2 | FUTEX_PRIVATE_FLAG
	FUTEX_UNLOCK_PI_PRIVATE       = FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG
	FUTEX_TRYLOCK_PI_PRIVATE      = FUTEX_TRYLOCK_PI | FUTEX_PRIVATE_FLAG
	FUTEX_WAIT_BITSET_PRIVATE     = FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG
	FUTEX_WAKE_BITSET_PRIVATE     = FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG
	FUTEX_WAIT_REQUEUE_PI_PRIVATE = FUTEX_WAIT_REQUEUE_PI | FUTEX_PRIVATE_FLAG
	FUTEX_CMP_REQUEUE_PI_PRIVATE  = FUTEX_CMP_REQUEUE_PI | FUTEX_PRIVATE_FLAG
)

// futex2 flags (futex_waitv, futex_wake, futex_wait), include/uapi/linux/futex.h.
const (
	FUTEX2_SIZE_U8   = 0x00
	FUTEX2_SIZE_U16  = 0x01
	FUTEX2_SIZE_U32  = 0x02
	FUTEX2_SIZE_U64  = 0x03
	FUTEX2_NUMA      = 0x04
	FUTEX2_MPOL      = 0x08
	FUTEX2_PRIVATE   = FUTEX_PRIVATE_FLAG
	FUTEX2_SIZE_MASK = 0x03
	FUTEX_32         = FUTEX2_SIZE_U32
	FUTEX_WAITV_MAX  = 128
)

// The bitset that matches any waiter, include/uapi/linux/futex.h.
const (
	FUTEX_BITSET_MATCH_ANY = 0xffffffff
)

// Robust and PI futex word bits, include/uapi/linux/futex.h.
const (
	FUTEX_WAITERS     = 0x80000000
	FUTEX_OWNER_DIED  = 0x40000000
	FUTEX_TID_MASK    = 0x3fffffff
	ROBUST_LIST_LIMIT = 2048
)

// FUTEX_WAKE_OP encoding, include/uapi/linux/futex.h.
const (
	FUTEX_OP_SET         = 0
	FUTEX_OP_ADD         = 1
	FUTEX_OP_OR          = 2
	FUTEX_OP_ANDN        = 3
	FUTEX_OP_XOR         = 4
	FUTEX_OP_OPARG_SHIFT = 8
	FUTEX_OP_CMP_EQ      = 0
	FUTEX_OP_CMP_NE      = 1
	FUTEX_OP_CMP_LT      = 2
	FUTEX_OP_CMP_LE      = 3
	FUTEX_OP_CMP_GT      = 4
	FUTEX_OP_CMP_GE      = 5
)
