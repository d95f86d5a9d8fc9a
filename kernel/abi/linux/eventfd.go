// eventfd flags, from include/uapi/linux/eventfd.h.

package linux

// eventfd2(2) flags, include/uapi/linux/eventfd.h.
const (
	EFD_SEMAPHORE = 0x1
	EFD_CLOEXEC   = O_CLOEXEC
	EFD_NONBLOCK  = O_NONBLOCK
)
