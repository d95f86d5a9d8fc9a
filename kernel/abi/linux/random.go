// getrandom(2) flags, from include/uapi/linux/random.h.

package linux

// getrandom(2) flags, include/uapi/linux/random.h.
const (
	GRND_NONBLOCK = 0x1
	GRND_RANDOM   = 0x2
	GRND_INSECURE = 0x4
)
