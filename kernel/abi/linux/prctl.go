// prctl(2) options, from include/uapi/linux/prctl.h. The arch_prctl(2) codes are in
// prctl_amd64.go.

package linux

// prctl(2) options, include/uapi/linux/prctl.h.
const (
	PR_SET_PDEATHSIG             = 0x1
	PR_GET_PDEATHSIG             = 0x2
	PR_GET_DUMPABLE              = 0x3
	PR_SET_DUMPABLE              = 0x4
	PR_GET_UNALIGN               = 0x5
	PR_SET_UNALIGN               = 0x6
	PR_GET_KEEPCAPS              = 0x7
	PR_SET_KEEPCAPS              = 0x8
	PR_GET_FPEMU                 = 0x9
	PR_SET_FPEMU                 = 0xa
	PR_GET_FPEXC                 = 0xb
	PR_SET_FPEXC                 = 0xc
	PR_GET_TIMING                = 0xd
	PR_SET_TIMING                = 0xe
	PR_SET_NAME                  = 0xf
	PR_GET_NAME                  = 0x10
	PR_GET_ENDIAN                = 0x13
	PR_SET_ENDIAN                = 0x14
	PR_GET_SECCOMP               = 0x15
	PR_SET_SECCOMP               = 0x16
	PR_CAPBSET_READ              = 0x17
	PR_CAPBSET_DROP              = 0x18
	PR_GET_TSC                   = 0x19
	PR_SET_TSC                   = 0x1a
	PR_GET_SECUREBITS            = 0x1b
	PR_SET_SECUREBITS            = 0x1c
	PR_SET_TIMERSLACK            = 0x1d
	PR_GET_TIMERSLACK            = 0x1e
	PR_TASK_PERF_EVENTS_DISABLE  = 0x1f
	PR_TASK_PERF_EVENTS_ENABLE   = 0x20
	PR_MCE_KILL                  = 0x21
	PR_MCE_KILL_GET              = 0x22
	PR_SET_MM                    = 0x23
	PR_SET_PTRACER               = 0x59616d61
	PR_SET_CHILD_SUBREAPER       = 0x24
	PR_GET_CHILD_SUBREAPER       = 0x25
	PR_SET_NO_NEW_PRIVS          = 0x26
	PR_GET_NO_NEW_PRIVS          = 0x27
	PR_GET_TID_ADDRESS           = 0x28
	PR_SET_THP_DISABLE           = 0x29
	PR_GET_THP_DISABLE           = 0x2a
	PR_MPX_ENABLE_MANAGEMENT     = 0x2b
	PR_MPX_DISABLE_MANAGEMENT    = 0x2c
	PR_SET_FP_MODE               = 0x2d
	PR_GET_FP_MODE               = 0x2e
	PR_CAP_AMBIENT               = 0x2f
	PR_SVE_SET_VL                = 0x32
	PR_SVE_GET_VL                = 0x33
	PR_GET_SPECULATION_CTRL      = 0x34
	PR_SET_SPECULATION_CTRL      = 0x35
	PR_PAC_RESET_KEYS            = 0x36
	PR_SET_TAGGED_ADDR_CTRL      = 0x37
	PR_GET_TAGGED_ADDR_CTRL      = 0x38
	PR_SET_IO_FLUSHER            = 0x39
	PR_GET_IO_FLUSHER            = 0x3a
	PR_SET_SYSCALL_USER_DISPATCH = 0x3b
	PR_PAC_SET_ENABLED_KEYS      = 0x3c
	PR_PAC_GET_ENABLED_KEYS      = 0x3d
	PR_SCHED_CORE                = 0x3e
	PR_SME_SET_VL                = 0x3f
	PR_SME_GET_VL                = 0x40
	PR_SET_MDWE                  = 0x41
	PR_GET_MDWE                  = 0x42
	PR_SET_MEMORY_MERGE          = 0x43
	PR_GET_MEMORY_MERGE          = 0x44
	PR_GET_AUXV                  = 0x41555856
	PR_GET_SHADOW_STACK_STATUS   = 0x4a
	PR_SET_SHADOW_STACK_STATUS   = 0x4b
	PR_LOCK_SHADOW_STACK_STATUS  = 0x4c
	PR_TIMER_CREATE_RESTORE_IDS  = 0x4d
	PR_FUTEX_HASH                = 0x4e
)

// PR_SET_VMA, used by the Go runtime to name anonymous mappings,
// include/uapi/linux/prctl.h.
const (
	PR_SET_VMA           = 0x53564d41
	PR_SET_VMA_ANON_NAME = 0x0
)

// PR_SET_PTRACER argument, include/uapi/linux/prctl.h ((unsigned long)-1).
const (
	PR_SET_PTRACER_ANY = ^uint64(0)
)

// PR_SET_DUMPABLE/PR_SET_UNALIGN/PR_SET_TSC arguments, include/uapi/linux/prctl.h.
const (
	PR_UNALIGN_NOPRINT = 0x1
	PR_UNALIGN_SIGBUS  = 0x2
	PR_TSC_ENABLE      = 0x1
	PR_TSC_SIGSEGV     = 0x2
)

// PR_SET_THP_DISABLE argument, include/uapi/linux/prctl.h.
const (
	PR_THP_DISABLE_EXCEPT_ADVISED = 0x2
)

// PR_SET_MM sub-options, include/uapi/linux/prctl.h.
const (
	PR_SET_MM_START_CODE  = 0x1
	PR_SET_MM_END_CODE    = 0x2
	PR_SET_MM_START_DATA  = 0x3
	PR_SET_MM_END_DATA    = 0x4
	PR_SET_MM_START_STACK = 0x5
	PR_SET_MM_START_BRK   = 0x6
	PR_SET_MM_BRK         = 0x7
	PR_SET_MM_ARG_START   = 0x8
	PR_SET_MM_ARG_END     = 0x9
	PR_SET_MM_ENV_START   = 0xa
	PR_SET_MM_ENV_END     = 0xb
	PR_SET_MM_AUXV        = 0xc
	PR_SET_MM_EXE_FILE    = 0xd
	PR_SET_MM_MAP         = 0xe
	PR_SET_MM_MAP_SIZE    = 0xf
)

// PR_CAP_AMBIENT sub-options, include/uapi/linux/prctl.h.
const (
	PR_CAP_AMBIENT_IS_SET    = 0x1
	PR_CAP_AMBIENT_RAISE     = 0x2
	PR_CAP_AMBIENT_LOWER     = 0x3
	PR_CAP_AMBIENT_CLEAR_ALL = 0x4
)

// PR_{GET,SET}_SPECULATION_CTRL, include/uapi/linux/prctl.h.
const (
	PR_SPEC_STORE_BYPASS    = 0x0
	PR_SPEC_INDIRECT_BRANCH = 0x1
	PR_SPEC_L1D_FLUSH       = 0x2
	PR_SPEC_NOT_AFFECTED    = 0x0
	PR_SPEC_PRCTL           = 0x1
	PR_SPEC_ENABLE          = 0x2
	PR_SPEC_DISABLE         = 0x4
	PR_SPEC_FORCE_DISABLE   = 0x8
	PR_SPEC_DISABLE_NOEXEC  = 0x10
)

// PR_SET_TAGGED_ADDR_CTRL and PR_SET_SYSCALL_USER_DISPATCH arguments, include/uapi/linux/prctl.h.
const (
	PR_TAGGED_ADDR_ENABLE = 0x1
	PR_SYS_DISPATCH_OFF   = 0x0
	PR_SYS_DISPATCH_ON    = 0x1
)

// PR_SET_MDWE bits, include/uapi/linux/prctl.h.
const (
	PR_MDWE_REFUSE_EXEC_GAIN = 0x1
	PR_MDWE_NO_INHERIT       = 0x2
)

// Shadow stack bits, include/uapi/linux/prctl.h.
const (
	PR_SHADOW_STACK_ENABLE = 0x1
	PR_SHADOW_STACK_WRITE  = 0x2
	PR_SHADOW_STACK_PUSH   = 0x4
)
