// epoll constants, from include/uapi/linux/eventpoll.h. struct epoll_event is
// packed on x86-64 only, so it lives in epoll_amd64.go.

package linux

// epoll_create1(2) flags, include/uapi/linux/eventpoll.h.
const (
	EPOLL_CLOEXEC = O_CLOEXEC
)

// epoll_ctl(2) operations, include/uapi/linux/eventpoll.h.
const (
	EPOLL_CTL_ADD = 0x1
	EPOLL_CTL_DEL = 0x2
	EPOLL_CTL_MOD = 0x3
)

// Event bits, include/uapi/linux/eventpoll.h.
const (
	EPOLLIN     = 0x1
	EPOLLPRI    = 0x2
	EPOLLOUT    = 0x4
	EPOLLERR    = 0x8
	EPOLLHUP    = 0x10
	EPOLLNVAL   = 0x00000020
	EPOLLRDNORM = 0x40
	EPOLLRDBAND = 0x80
	EPOLLWRNORM = 0x100
	EPOLLWRBAND = 0x200
	EPOLLMSG    = 0x400
	EPOLLRDHUP  = 0x2000
)

// Input-only flags, include/uapi/linux/eventpoll.h.
const (
	EPOLL_URING_WAKE = 1 << 27
	EPOLLEXCLUSIVE   = 0x10000000
	EPOLLWAKEUP      = 0x20000000
	EPOLLONESHOT     = 0x40000000
	EPOLLET          = 0x80000000
)
