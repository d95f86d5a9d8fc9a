// Signal-handling constants shared by all architectures, from
// include/uapi/asm-generic/signal-defs.h and include/uapi/linux/signal.h. The signal
// numbers, SA_RESTORER, the stack sizes and struct sigaction are x86-specific:
// signal_amd64.go.

package linux

// sigaction(2) flags, include/uapi/asm-generic/signal-defs.h.
const (
	SA_NOCLDSTOP      = 0x00000001
	SA_NOCLDWAIT      = 0x00000002
	SA_SIGINFO        = 0x00000004
	SA_UNSUPPORTED    = 0x00000400
	SA_EXPOSE_TAGBITS = 0x00000800
	SA_ONSTACK        = 0x08000000
	SA_RESTART        = 0x10000000
	SA_NODEFER        = 0x40000000
	SA_RESETHAND      = 0x80000000
	SA_NOMASK         = SA_NODEFER
	SA_ONESHOT        = SA_RESETHAND
)

// sigprocmask(2) operations, include/uapi/asm-generic/signal-defs.h.
const (
	SIG_BLOCK   = 0
	SIG_UNBLOCK = 1
	SIG_SETMASK = 2
)

// Special handler values, include/uapi/asm-generic/signal-defs.h.
const (
	SIG_DFL = 0
	SIG_IGN = 1
	SIG_ERR = ^uint64(0) // (void (*)(int))-1
)

// sigaltstack(2) flags, include/uapi/linux/signal.h.
const (
	SS_ONSTACK    = 1
	SS_DISABLE    = 2
	SS_AUTODISARM = 1 << 31
	SS_FLAG_BITS  = SS_AUTODISARM
)

// SigMask returns the sigset_t bit for signal sig (1-based, as in the kernel's
// sigmask()).
func SigMask(sig int) uint64 {
	return 1 << uint(sig-1)
}
