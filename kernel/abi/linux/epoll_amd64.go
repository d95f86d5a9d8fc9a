// x86-64 struct epoll_event, from include/uapi/linux/eventpoll.h, where it is
// declared __attribute__((packed)) on x86-64 only (EPOLL_PACKED).

package linux

// EpollEvent mirrors struct epoll_event on x86-64: 12 bytes, packed, so the
// 64-bit data word sits at offset 4, unaligned. Data is kept as two 32-bit
// halves (low word first) so the Go type has no padding and is 4-byte aligned,
// matching the array stride epoll_wait(2) uses.
type EpollEvent struct {
	Events uint32    // EPOLL* bits
	Data   [2]uint32 // epoll_data_t, little-endian halves
}

// EpollEventSize is sizeof(struct epoll_event) on x86-64.
const EpollEventSize = 12

// Data64 returns the 64-bit user data.
func (e *EpollEvent) Data64() uint64 { return uint64(e.Data[0]) | uint64(e.Data[1])<<32 }

// SetData64 sets the 64-bit user data.
func (e *EpollEvent) SetData64(d uint64) {
	e.Data[0] = uint32(d)
	e.Data[1] = uint32(d >> 32)
}
