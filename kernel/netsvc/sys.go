package netsvc

// The private system calls (kernel/abi/unet), as thin wrappers.

import (
	"syscall"
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/unet"
)

// ctlFD is the control fd, set once by start.
var ctlFD uintptr

func rawErr(e syscall.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

func netOpen() (uintptr, error) {
	fd, _, e := syscall.RawSyscall(unet.SysOpen, 0, 0, 0)
	return fd, rawErr(e)
}

// kernelCmdline returns the kernel command line.
func kernelCmdline() (string, error) {
	buf := make([]byte, 8192)
	n, _, e := syscall.RawSyscall(unet.SysCmdline, ctlFD, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	if e != 0 {
		return "", e
	}
	return string(buf[:min(int(n), len(buf))]), nil
}

func netInfo(in *unet.Info) error {
	_, _, e := syscall.RawSyscall(unet.SysInfo, ctlFD, uintptr(unsafe.Pointer(in)), 0)
	return rawErr(e)
}

// frameRx takes one received frame into buf: a unet.VnetHdr, then the frame; n counts
// both.
func frameRx(buf []byte) (int, error) {
	n, _, e := syscall.RawSyscall(unet.SysFrameRx, ctlFD, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	return int(n), rawErr(e)
}

// frameTx sends frames (one iovec each, starting with a unet.VnetHdr). It may wait
// briefly for transmit buffers.
func frameTx(iov []syscall.Iovec) (int, error) {
	if len(iov) == 0 {
		return 0, nil
	}
	n, _, e := syscall.Syscall(unet.SysFrameTx, ctlFD, uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)))
	return int(n), rawErr(e)
}

// readWork reads Work records from the control fd.
func readWork(w []unet.Work) (int, error) {
	n, _, e := syscall.RawSyscall(syscall.SYS_READ, ctlFD, uintptr(unsafe.Pointer(&w[0])), uintptr(len(w))*unsafe.Sizeof(w[0]))
	return int(n / unsafe.Sizeof(w[0])), rawErr(e)
}

func bufPtr(b []byte) uintptr {
	if len(b) == 0 {
		return 0
	}
	return uintptr(unsafe.Pointer(&b[0]))
}

// rxPut appends data to socket id's receive ring; with b empty it returns the ring's free
// space instead, and more asks the kernel to report (WRxRoom) when the application reads.
func rxPut(id int32, b []byte, a *unet.Addr, more bool) (int, error) {
	m := uintptr(0)
	if more {
		m = 1
	}
	n, _, e := syscall.RawSyscall6(unet.SysRxPut, ctlFD, uintptr(id), bufPtr(b), uintptr(len(b)), uintptr(unsafe.Pointer(a)), m)
	return int(n), rawErr(e)
}

// txTake takes data (a stream) or one datagram (its destination into a) from the send ring.
func txTake(id int32, b []byte, a *unet.Addr) (int, error) {
	n, _, e := syscall.RawSyscall6(unet.SysTxTake, ctlFD, uintptr(id), bufPtr(b), uintptr(len(b)), uintptr(unsafe.Pointer(a)), 0)
	return int(n), rawErr(e)
}

func update(id int32, u *unet.Update) error {
	_, _, e := syscall.RawSyscall(unet.SysUpdate, ctlFD, uintptr(id), uintptr(unsafe.Pointer(u)))
	return rawErr(e)
}

func accepted(listener int32, u *unet.Update) (int32, error) {
	n, _, e := syscall.RawSyscall(unet.SysAccepted, ctlFD, uintptr(listener), uintptr(unsafe.Pointer(u)))
	return int32(n), rawErr(e)
}

func free(id int32) error {
	_, _, e := syscall.RawSyscall(unet.SysFree, ctlFD, uintptr(id), 0)
	return rawErr(e)
}
