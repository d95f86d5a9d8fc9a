package kernel

// The netstack service's side of the kernel: its control fd and private system calls
// (numbers unet.SysFirst..unet.SysLast, names unigo_net_*). docs/net-design.md and
// kernel/abi/unet describe the protocol. Only the holder of the control fd may use them:
// every call but unigo_net_open takes it as its first argument, and any other descriptor
// gets EPERM.

import (
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
	"github.com/unigo-os/unigo/kernel/abi/unet"
	"github.com/unigo-os/unigo/kernel/dev"
	"github.com/unigo-os/unigo/kernel/virtio"
)

// netCtl is the control file: File is its slot + 1 (0 = not open).
var netCtl struct {
	File int32
}

// netSysTable: the private calls, indexed by number - unet.SysFirst.
var netSysTable = [unet.SysLast - unet.SysFirst + 1]sysEntry{
	unet.SysOpen - unet.SysFirst:     {"unigo_net_open", sysNetOpen, supFull, "netstack service: open the control fd"},
	unet.SysFrameTx - unet.SysFirst:  {"unigo_net_frame_tx", sysNetFrameTx, supFull, "netstack service: send frames"},
	unet.SysFrameRx - unet.SysFirst:  {"unigo_net_frame_rx", sysNetFrameRx, supFull, "netstack service: take a received frame"},
	unet.SysInfo - unet.SysFirst:     {"unigo_net_info", sysNetInfo, supFull, "netstack service: the network device"},
	unet.SysRxPut - unet.SysFirst:    {"unigo_net_rx_put", sysNetRxPut, supFull, "netstack service: data for a socket's receive ring"},
	unet.SysTxTake - unet.SysFirst:   {"unigo_net_tx_take", sysNetTxTake, supFull, "netstack service: take from a socket's send ring"},
	unet.SysUpdate - unet.SysFirst:   {"unigo_net_update", sysNetUpdate, supFull, "netstack service: connection state"},
	unet.SysAccepted - unet.SysFirst: {"unigo_net_accepted", sysNetAccepted, supFull, "netstack service: queue a new connection"},
	unet.SysFree - unet.SysFirst:     {"unigo_net_free", sysNetFree, supFull, "netstack service: release a closed socket"},
	unet.SysCmdline - unet.SysFirst:  {"unigo_net_cmdline", sysNetCmdline, supFull, "netstack service: the kernel command line (unigo.ip, gw, dns)"},
}

// netSyscallEntry returns the private call for nr, or nil.
func netSyscallEntry(nr uint64) *sysEntry {
	if nr >= unet.SysFirst && nr <= unet.SysLast {
		return &netSysTable[nr-unet.SysFirst]
	}
	return nil
}

// netCtlChanged makes the control fd report a new edge and wakes its waiter.
func netCtlChanged() {
	if netCtl.File > 0 {
		bump(netCtl.File - 1)
	}
	wakeEpollWaiters()
}

// netCtlReadiness: readable when a socket has work or a frame is waiting.
func netCtlReadiness() uint32 {
	if workHead >= 0 {
		return linux.EPOLLIN | linux.EPOLLRDNORM
	}
	if virtio.NetRxReady() {
		return linux.EPOLLIN | linux.EPOLLRDNORM
	}
	return 0
}

// netCtlClose forgets the control file (the service is gone).
func netCtlClose() { netCtl.File = 0 }

// checkCtl reports EPERM unless fd is the control fd.
func checkCtl(fd uint64) linux.Errno {
	if netCtl.File == 0 || fd >= maxFDs || fds[fd].File != netCtl.File {
		return linux.EPERM
	}
	return 0
}

func sysNetOpen(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if netCtl.File != 0 {
		return 0, linux.EBUSY
	}
	fd, _, err := newFD(fkNetCtl, linux.O_RDWR|linux.O_NONBLOCK, true)
	if err != 0 {
		return 0, err
	}
	netCtl.File = fds[fd].File
	return uintptr(fd), 0
}

// netCtlRead is read(2) on the control fd: Work records for the sockets with work, or
// EAGAIN. A frame waiting alone also gives EAGAIN (the service polls unigo_net_frame_rx).
func netCtlRead(p, n uintptr) (uintptr, linux.Errno) {
	const sz = unsafe.Sizeof(unet.Work{})
	max := n / sz
	if max == 0 {
		return 0, linux.EINVAL
	}
	var k uintptr
	for k < max && workHead >= 0 {
		s := &socks[workHead]
		workUnqueue(s)
		w := (*unet.Work)(unsafe.Pointer(p + k*sz))
		*w = unet.Work{ID: s.NetID, Bits: s.Pend, Family: s.Family, Type: s.Type, Opts: inetOpts(s),
			Backlog: s.Backlog, Local: s.Local, Remote: s.Remote}
		if s.Type == linux.SOCK_DGRAM {
			w.TxUsed = s.Tx.Recs
		} else {
			w.TxUsed = uint32(s.Tx.used())
		}
		w.RxSpace = uint32(s.Rx.space())
		w.KeepIdle, _, _ = sockGetOpt(s, linux.SOL_TCP, linux.TCP_KEEPIDLE)
		w.KeepIntvl, _, _ = sockGetOpt(s, linux.SOL_TCP, linux.TCP_KEEPINTVL)
		w.KeepCnt, _, _ = sockGetOpt(s, linux.SOL_TCP, linux.TCP_KEEPCNT)
		s.Pend = 0
		s.Svc = true
		k++
	}
	if k == 0 {
		return 0, linux.EAGAIN
	}
	return k * sz, 0
}

func sysNetFrameTx(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if err := checkCtl(tf.RDI); err != 0 {
		return 0, err
	}
	cnt := tf.RDX
	if cnt > 64 {
		cnt = 64 // the rest waits for the next call
	}
	v := ioVecs{uintptr(tf.RSI), int(cnt)}
	var fr [64][]byte
	for i := 0; i < v.Cnt; i++ {
		b, l := v.at(i)
		if b == 0 && l != 0 {
			return 0, linux.EFAULT // unsafe.Slice would panic
		}
		if l > virtio.NetHdrLen+virtio.NetMaxGSOFrame {
			l = virtio.NetHdrLen + virtio.NetMaxGSOFrame + 1 // NetTransmitHdr drops it; a huge length would panic here
		}
		fr[i] = unsafe.Slice((*byte)(unsafe.Pointer(b)), l)
	}
	sent := 0
	deadline := dev.Nanotime() + 50_000_000
	for sent < v.Cnt {
		k := virtio.NetTransmitHdr(fr[sent:v.Cnt])
		sent += k
		if k == 0 {
			if !virtio.NetPresent() {
				return 0, linux.ENETDOWN
			}
			if waitDeviceEvent(dkNetTx, deadline) != wakeNormal && !virtio.NetTxFitsHdr(fr[sent]) {
				break // give up on the rest: TCP retransmits
			}
		}
	}
	return uintptr(sent), 0
}

func sysNetFrameRx(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if err := checkCtl(tf.RDI); err != 0 {
		return 0, err
	}
	capacity := tf.RDX
	if capacity > virtio.NetHdrLen+virtio.NetMaxRxFrame {
		capacity = virtio.NetHdrLen + virtio.NetMaxRxFrame // no frame is longer; a huge length would panic here
	}
	if tf.RSI == 0 && capacity != 0 {
		return 0, linux.EFAULT
	}
	n, ok := virtio.NetReceiveHdr(unsafe.Slice((*byte)(unsafe.Pointer(uintptr(tf.RSI))), capacity))
	if !ok {
		return 0, linux.EAGAIN
	}
	return uintptr(n), 0
}

func sysNetInfo(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if err := checkCtl(tf.RDI); err != 0 {
		return 0, err
	}
	in := (*unet.Info)(unsafe.Pointer(uintptr(tf.RSI)))
	*in = unet.Info{MTU: 1500}
	if virtio.NetPresent() {
		in.Present = 1
		in.MAC = virtio.NetMAC()
		txCsum, rxCsum, tso4, tso6 := virtio.NetOffloads()
		mrg, rxTSO4, rxTSO6 := virtio.NetRxOffloads()
		for _, o := range [...]struct {
			on  bool
			bit uint32
		}{{txCsum, unet.OffTxCsum}, {rxCsum, unet.OffRxCsum}, {tso4, unet.OffTSO4}, {tso6, unet.OffTSO6},
			{mrg, unet.OffRxMrg}, {rxTSO4, unet.OffRxTSO4}, {rxTSO6, unet.OffRxTSO6}} {
			if o.on {
				in.Offloads |= o.bit
			}
		}
		if virtio.NetLinkUp() {
			in.LinkUp = 1
		}
	}
	return 0, 0
}

// netSock checks the control fd and finds the socket called id.
func netSock(tf *TrapFrame) (int32, linux.Errno) {
	if err := checkCtl(tf.RDI); err != 0 {
		return 0, err
	}
	si := sockByNetID(int32(tf.RSI))
	if si < 0 {
		return 0, linux.EBADF
	}
	return si, 0
}

// sysNetRxPut: unigo_net_rx_put(ctl, id, buf, n, *Addr, more). n == 0 asks for the free
// space (and with more, to be told by WRxRoom when the application makes room).
func sysNetRxPut(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	si, err := netSock(tf)
	if err != 0 {
		return 0, err
	}
	return inetRxPut(si, uintptr(tf.RDX), uintptr(tf.R10), (*unet.Addr)(unsafe.Pointer(uintptr(tf.R8))), tf.R9 != 0)
}

// sysNetTxTake: unigo_net_tx_take(ctl, id, buf, cap, *Addr).
func sysNetTxTake(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	si, err := netSock(tf)
	if err != 0 {
		return 0, err
	}
	return inetTxTake(si, uintptr(tf.RDX), uintptr(tf.R10), (*unet.Addr)(unsafe.Pointer(uintptr(tf.R8))))
}

// sysNetUpdate: unigo_net_update(ctl, id, *Update).
func sysNetUpdate(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	si, err := netSock(tf)
	if err != 0 {
		return 0, err
	}
	if tf.RDX == 0 {
		return 0, linux.EFAULT
	}
	return 0, inetUpdate(si, (*unet.Update)(unsafe.Pointer(uintptr(tf.RDX))))
}

// sysNetAccepted: unigo_net_accepted(ctl, listener, *Update) -> the new socket's id.
func sysNetAccepted(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	li, err := netSock(tf)
	if err != 0 {
		return 0, err
	}
	if tf.RDX == 0 {
		return 0, linux.EFAULT
	}
	id, err := inetAccepted(li, (*unet.Update)(unsafe.Pointer(uintptr(tf.RDX))))
	return uintptr(id), err
}

// sysNetFree: unigo_net_free(ctl, id).
func sysNetFree(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	si, err := netSock(tf)
	if err != 0 {
		return 0, err
	}
	return 0, inetSvcFree(si)
}

// sysNetCmdline: unigo_net_cmdline(ctl, buf, cap) copies up to cap bytes of the kernel
// command line to buf and returns its whole length. The service reads unigo.ip, unigo.gw
// and unigo.dns there (procfs has no /proc/cmdline).
func sysNetCmdline(t *thread, tf *TrapFrame) (uintptr, linux.Errno) {
	if err := checkCtl(tf.RDI); err != 0 {
		return 0, err
	}
	n := uintptr(cmdlineLen)
	if c := uintptr(tf.RDX); n > c {
		n = c
	}
	if n > 0 {
		if tf.RSI == 0 {
			return 0, linux.EFAULT
		}
		copyBytes(uintptr(tf.RSI), uintptr(unsafe.Pointer(&cmdline[0])), n)
	}
	return uintptr(cmdlineLen), 0
}

// sysNetEINVAL is splice(2): EINVAL says "not for these descriptors", and Go's io.Copy
// between sockets then copies through read and write.
func sysNetEINVAL(t *thread, tf *TrapFrame) (uintptr, linux.Errno) { return 0, linux.EINVAL }
