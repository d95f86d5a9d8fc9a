// timerfd flags, from include/uapi/linux/timerfd.h.

package linux

// timerfd_create(2) and timerfd_settime(2) flags, include/uapi/linux/timerfd.h.
const (
	TFD_TIMER_ABSTIME       = 0x1
	TFD_TIMER_CANCEL_ON_SET = 0x2
	TFD_CLOEXEC             = O_CLOEXEC
	TFD_NONBLOCK            = O_NONBLOCK
)
