// poll(2) events, from include/uapi/asm-generic/poll.h (used by x86-64).

package linux

// poll(2) event bits, include/uapi/asm-generic/poll.h.
const (
	POLLIN     = 0x1
	POLLPRI    = 0x2
	POLLOUT    = 0x4
	POLLERR    = 0x8
	POLLHUP    = 0x10
	POLLNVAL   = 0x20
	POLLRDNORM = 0x0040
	POLLRDBAND = 0x0080
	POLLWRNORM = 0x0100
	POLLWRBAND = 0x0200
	POLLMSG    = 0x0400
	POLLREMOVE = 0x1000
	POLLRDHUP  = 0x2000
)

// PollFd mirrors struct pollfd, include/uapi/asm-generic/poll.h.
type PollFd struct {
	Fd      int32 // fd
	Events  int16 // events: POLL* requested
	Revents int16 // revents: POLL* returned
}
