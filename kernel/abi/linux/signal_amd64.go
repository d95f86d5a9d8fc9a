// x86-64 signal numbers, flags and structures, from arch/x86/include/uapi/asm/signal.h.

package linux

// Signal numbers, arch/x86/include/uapi/asm/signal.h.
const (
	SIGHUP    = 1
	SIGINT    = 2
	SIGQUIT   = 3
	SIGILL    = 4
	SIGTRAP   = 5
	SIGABRT   = 6
	SIGIOT    = 6
	SIGBUS    = 7
	SIGFPE    = 8
	SIGKILL   = 9
	SIGUSR1   = 10
	SIGSEGV   = 11
	SIGUSR2   = 12
	SIGPIPE   = 13
	SIGALRM   = 14
	SIGTERM   = 15
	SIGSTKFLT = 16
	SIGCHLD   = 17
	SIGCONT   = 18
	SIGSTOP   = 19
	SIGTSTP   = 20
	SIGTTIN   = 21
	SIGTTOU   = 22
	SIGURG    = 23
	SIGXCPU   = 24
	SIGXFSZ   = 25
	SIGVTALRM = 26
	SIGPROF   = 27
	SIGWINCH  = 28
	SIGIO     = 29
	SIGPOLL   = SIGIO
	SIGPWR    = 30
	SIGSYS    = 31
	SIGUNUSED = 31
)

// Real-time signal range and signal count, arch/x86/include/uapi/asm/signal.h.
// Signals are numbered 1.._NSIG; bit sig-1 of a sigset_t stands for sig.
const (
	SIGRTMIN   = 32
	SIGRTMAX   = NSIG
	NSIG       = 64 // _NSIG in the header
	NSIG_BPW   = 64 // _NSIG_BPW
	NSIG_WORDS = NSIG / NSIG_BPW
)

// SA_RESTORER says sa_restorer holds the address the handler returns to (the libc
// or Go runtime trampoline that calls rt_sigreturn), arch/x86/include/uapi/asm/signal.h.
const SA_RESTORER = 0x04000000

// Signal stack sizes, arch/x86/include/uapi/asm/signal.h. MINSIGSTKSZ is the
// legacy constant; the real minimum, which grows with the XSAVE area, is passed
// to programs as AT_MINSIGSTKSZ.
const (
	MINSIGSTKSZ = 2048
	SIGSTKSZ    = 8192
)

// SigSet mirrors sigset_t as the kernel sees it on x86-64: one 64-bit word
// (arch/x86/include/uapi/asm/signal.h). rt_sigprocmask(2) and friends take
// sigsetsize == 8.
type SigSet uint64

// SigSetSize is the sigsetsize argument rt_sig* calls must pass.
const SigSetSize = 8

// SigAction mirrors the kernel's struct sigaction on x86-64
// (arch/x86/include/asm/signal.h's struct sigaction via include/linux/signal_types.h,
// as read by rt_sigaction(2)): handler, flags, restorer, mask. It is not glibc's
// struct sigaction, whose mask comes second and is 128 bytes.
type SigAction struct {
	Handler  uint64 // sa_handler / sa_sigaction, or SIG_DFL / SIG_IGN
	Flags    uint64 // sa_flags: SA_*
	Restorer uint64 // sa_restorer, valid with SA_RESTORER
	Mask     SigSet // sa_mask
}

// StackT mirrors stack_t, arch/x86/include/uapi/asm/signal.h (the signal stack for
// sigaltstack(2) and uc_stack).
type StackT struct {
	Sp    uint64 // ss_sp
	Flags int32  // ss_flags: SS_*
	_     int32
	Size  uint64 // ss_size
}

// OnStack reports whether sp is on the stack, with the test of the kernel's
// on_sig_stack() for a downward-growing stack: Sp < sp <= Sp+Size.
func (s *StackT) OnStack(sp uint64) bool {
	return sp > s.Sp && sp-s.Sp <= s.Size
}
