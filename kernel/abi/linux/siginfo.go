// siginfo_t, sigevent and the si_code values, from include/uapi/asm-generic/siginfo.h
// (x86-64 uses the generic layout; offsets below are for 64-bit longs and pointers).

package linux

// Sizes, include/uapi/asm-generic/siginfo.h.
const (
	SI_MAX_SIZE    = 128
	SIGEV_MAX_SIZE = 64
)

// si_code values for any signal, include/uapi/asm-generic/siginfo.h. Values <= 0
// mean the signal came from user space (SI_FROMUSER).
const (
	SI_USER     = 0
	SI_KERNEL   = 0x80
	SI_QUEUE    = -1
	SI_TIMER    = -2
	SI_MESGQ    = -3
	SI_ASYNCIO  = -4
	SI_SIGIO    = -5
	SI_TKILL    = -6
	SI_DETHREAD = -7
	SI_ASYNCNL  = -60
)

// SIGILL si_codes, include/uapi/asm-generic/siginfo.h.
const (
	ILL_ILLOPC   = 1
	ILL_ILLOPN   = 2
	ILL_ILLADR   = 3
	ILL_ILLTRP   = 4
	ILL_PRVOPC   = 5
	ILL_PRVREG   = 6
	ILL_COPROC   = 7
	ILL_BADSTK   = 8
	ILL_BADIADDR = 9
)

// SIGFPE si_codes, include/uapi/asm-generic/siginfo.h (9-13 are ia64/powerpc only).
const (
	FPE_INTDIV   = 1
	FPE_INTOVF   = 2
	FPE_FLTDIV   = 3
	FPE_FLTOVF   = 4
	FPE_FLTUND   = 5
	FPE_FLTRES   = 6
	FPE_FLTINV   = 7
	FPE_FLTSUB   = 8
	FPE_FLTUNK   = 14
	FPE_CONDTRAP = 15
)

// SIGSEGV si_codes, include/uapi/asm-generic/siginfo.h.
const (
	SEGV_MAPERR  = 1
	SEGV_ACCERR  = 2
	SEGV_BNDERR  = 3
	SEGV_PKUERR  = 4
	SEGV_ACCADI  = 5
	SEGV_ADIDERR = 6
	SEGV_ADIPERR = 7
	SEGV_MTEAERR = 8
	SEGV_MTESERR = 9
	SEGV_CPERR   = 10
)

// SIGBUS si_codes, include/uapi/asm-generic/siginfo.h.
const (
	BUS_ADRALN    = 1
	BUS_ADRERR    = 2
	BUS_OBJERR    = 3
	BUS_MCEERR_AR = 4
	BUS_MCEERR_AO = 5
)

// SIGTRAP si_codes, include/uapi/asm-generic/siginfo.h.
const (
	TRAP_BRKPT  = 1
	TRAP_TRACE  = 2
	TRAP_BRANCH = 3
	TRAP_HWBKPT = 4
	TRAP_UNK    = 5
	TRAP_PERF   = 6
)

// SIGCHLD si_codes, include/uapi/asm-generic/siginfo.h.
const (
	CLD_EXITED    = 1
	CLD_KILLED    = 2
	CLD_DUMPED    = 3
	CLD_TRAPPED   = 4
	CLD_STOPPED   = 5
	CLD_CONTINUED = 6
)

// SIGPOLL si_codes, include/uapi/asm-generic/siginfo.h.
const (
	POLL_IN  = 1
	POLL_OUT = 2
	POLL_MSG = 3
	POLL_ERR = 4
	POLL_PRI = 5
	POLL_HUP = 6
)

// SIGSYS si_codes, include/uapi/asm-generic/siginfo.h. (Not syscall numbers,
// despite the SYS_ prefix.)
const (
	SYS_SECCOMP       = 1
	SYS_USER_DISPATCH = 2
)

// sigev_notify values, include/uapi/asm-generic/siginfo.h.
const (
	SIGEV_SIGNAL    = 0
	SIGEV_NONE      = 1
	SIGEV_THREAD    = 2
	SIGEV_THREAD_ID = 4
)

// Byte offsets of siginfo_t fields, include/uapi/asm-generic/siginfo.h on a 64-bit
// arch: three ints, then the union at 16 (aligned for its pointer members).
const (
	SigInfoSignoOff   = 0
	SigInfoErrnoOff   = 4
	SigInfoCodeOff    = 8
	SigInfoFieldsOff  = 16 // _sifields
	SigInfoPidOff     = 16 // _kill, _rt, _sigchld: si_pid
	SigInfoUidOff     = 20 // _kill, _rt, _sigchld: si_uid
	SigInfoTimerIDOff = 16 // _timer: si_tid
	SigInfoOverrunOff = 20 // _timer: si_overrun
	SigInfoValueOff   = 24 // _rt, _timer: si_value (union sigval)
	SigInfoStatusOff  = 24 // _sigchld: si_status
	SigInfoUtimeOff   = 32 // _sigchld: si_utime
	SigInfoStimeOff   = 40 // _sigchld: si_stime
	SigInfoAddrOff    = 16 // _sigfault: si_addr
	SigInfoAddrLSBOff = 24 // _sigfault: si_addr_lsb (BUS_MCEERR_*)
	SigInfoBandOff    = 16 // _sigpoll: si_band
	SigInfoFdOff      = 24 // _sigpoll: si_fd
	SigInfoCallOff    = 16 // _sigsys: si_call_addr
	SigInfoSyscallOff = 24 // _sigsys: si_syscall
	SigInfoArchOff    = 28 // _sigsys: si_arch
)

// SigInfo mirrors siginfo_t (include/uapi/asm-generic/siginfo.h), 128 bytes. The
// union _sifields is kept as words: Fields[i] covers bytes 16+8i..23+8i, and the
// accessors below read and write the union members at the kernel's offsets
// (SigInfo*Off). Words are little-endian, so the int at offset 16 is the low half
// of Fields[0] and the int at 20 its high half.
type SigInfo struct {
	Signo  int32 // si_signo
	Errno  int32 // si_errno
	Code   int32 // si_code: SI_*, SEGV_*, ...
	_      int32
	Fields [14]uint64 // _sifields
}

// Reset clears info and sets its signal number, errno and code.
func (s *SigInfo) Reset(signo, errno, code int32) {
	*s = SigInfo{Signo: signo, Errno: errno, Code: code}
}

// lo and hi read or replace the 32-bit halves of a union word.
func lo(w uint64) uint32              { return uint32(w) }
func hi(w uint64) uint32              { return uint32(w >> 32) }
func setLo(w uint64, v uint32) uint64 { return w&^0xffffffff | uint64(v) }
func setHi(w uint64, v uint32) uint64 { return w&0xffffffff | uint64(v)<<32 }

// Addr returns si_addr, the faulting address for SIGSEGV, SIGBUS, SIGILL, SIGFPE
// and SIGTRAP.
func (s *SigInfo) Addr() uint64 { return s.Fields[0] }

// SetAddr sets si_addr.
func (s *SigInfo) SetAddr(addr uint64) { s.Fields[0] = addr }

// Pid returns si_pid, the sending process for SI_USER, SI_TKILL, SI_QUEUE and
// SIGCHLD.
func (s *SigInfo) Pid() int32 { return int32(lo(s.Fields[0])) }

// SetPid sets si_pid.
func (s *SigInfo) SetPid(pid int32) { s.Fields[0] = setLo(s.Fields[0], uint32(pid)) }

// Uid returns si_uid, the sender's real user id.
func (s *SigInfo) Uid() uint32 { return hi(s.Fields[0]) }

// SetUid sets si_uid.
func (s *SigInfo) SetUid(uid uint32) { s.Fields[0] = setHi(s.Fields[0], uid) }

// Status returns si_status for SIGCHLD: the exit code or the signal.
func (s *SigInfo) Status() int32 { return int32(lo(s.Fields[1])) }

// SetStatus sets si_status.
func (s *SigInfo) SetStatus(status int32) { s.Fields[1] = setLo(s.Fields[1], uint32(status)) }

// Value returns si_value (union sigval, read as its pointer-sized member) for
// SI_QUEUE and SI_TIMER.
func (s *SigInfo) Value() uint64 { return s.Fields[1] }

// SetValue sets si_value.
func (s *SigInfo) SetValue(v uint64) { s.Fields[1] = v }

// TimerID returns si_tid, the POSIX timer id for SI_TIMER.
func (s *SigInfo) TimerID() int32 { return int32(lo(s.Fields[0])) }

// SetTimerID sets si_tid.
func (s *SigInfo) SetTimerID(id int32) { s.Fields[0] = setLo(s.Fields[0], uint32(id)) }

// Overrun returns si_overrun for SI_TIMER.
func (s *SigInfo) Overrun() int32 { return int32(hi(s.Fields[0])) }

// SetOverrun sets si_overrun.
func (s *SigInfo) SetOverrun(n int32) { s.Fields[0] = setHi(s.Fields[0], uint32(n)) }

// SetSigsys fills the _sigsys member: the address after the syscall instruction,
// the syscall number and the AUDIT_ARCH_* value.
func (s *SigInfo) SetSigsys(callAddr uint64, nr int32, arch uint32) {
	s.Fields[0] = callAddr
	s.Fields[1] = uint64(uint32(nr)) | uint64(arch)<<32
}

// AUDIT_ARCH_X86_64 is the si_arch of SIGSYS on x86-64, include/uapi/linux/audit.h
// (EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE).
const AUDIT_ARCH_X86_64 = 0xc000003e

// Sigevent mirrors struct sigevent (include/uapi/asm-generic/siginfo.h), 64 bytes,
// as passed to timer_create(2). The union after sigev_notify is kept as its
// _tid member (SIGEV_THREAD_ID) plus padding.
type Sigevent struct {
	Value  uint64 // sigev_value (union sigval)
	Signo  int32  // sigev_signo
	Notify int32  // sigev_notify: SIGEV_*
	Tid    int32  // _sigev_un._tid, for SIGEV_THREAD_ID
	_      [11]int32
}
