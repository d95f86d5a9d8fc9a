// x86-64 user context, from arch/x86/include/uapi/asm/ucontext.h and
// include/uapi/asm-generic/ucontext.h.

package linux

// uc_flags bits, arch/x86/include/uapi/asm/ucontext.h. x86-64 signal delivery
// sets UC_SIGCONTEXT_SS|UC_STRICT_RESTORE_SS, plus UC_FP_XSTATE for XSAVE frames.
const (
	UC_FP_XSTATE         = 0x1
	UC_SIGCONTEXT_SS     = 0x2
	UC_STRICT_RESTORE_SS = 0x4
)

// UContext mirrors the kernel's struct ucontext on x86-64
// (include/uapi/asm-generic/ucontext.h, with arch/x86's sigcontext), 304 bytes.
// It is not glibc's ucontext_t, whose uc_sigmask is 128 bytes and is followed by
// an FPU area; the two agree up to uc_sigmask's first word, which is all
// the Go runtime reads.
type UContext struct {
	Flags    uint64     // uc_flags: UC_*
	Link     uint64     // uc_link (unused by Linux, 0)
	Stack    StackT     // uc_stack: the sigaltstack in force at delivery
	Mcontext SigContext // uc_mcontext
	Sigmask  SigSet     // uc_sigmask: the mask to restore on rt_sigreturn
}

// Byte offsets of UContext fields.
const (
	UContextFlagsOff    = 0
	UContextLinkOff     = 8
	UContextStackOff    = 16
	UContextMcontextOff = 40
	UContextSigmaskOff  = 296
	UContextSize        = 304
)
