// The x86-64 rt signal frame, from arch/x86/include/asm/sigframe.h (struct rt_sigframe,
// not uapi but ABI all the same: programs and debuggers unwind through it) and the
// placement rules of get_sigframe() in arch/x86/kernel/signal.c.
//
// Layout on the user stack, high addresses first:
//
//	sp at delivery (or the top of the sigaltstack: SA_ONSTACK and not on it)
//	- RedZoneSize (only when the stack was not switched)
//	[FPU area: fpSize bytes (512 for FXSAVE), 64-byte aligned]  <- uc.uc_mcontext.fpstate
//	[padding]
//	frame+RtSigframeSize
//	frame+RtSigframeInfoOff:     siginfo_t (128)           <- handler's 2nd arg (RSI)
//	frame+RtSigframeUContextOff: struct ucontext (304)    <- handler's 3rd arg (RDX)
//	frame+RtSigframePretcodeOff: pretcode = sa_restorer    <- RSP at handler entry
//
// frame is chosen so that frame+8 is 16-byte aligned: the handler starts as if
// called, with its return address (pretcode) just pushed. The restorer calls
// rt_sigreturn with RSP = frame+8, so the kernel finds the ucontext at RSP.

package linux

// struct rt_sigframe offsets for x86-64, arch/x86/include/asm/sigframe.h:
// { char *pretcode; struct ucontext uc; struct siginfo info; }.
const (
	RtSigframePretcodeOff = 0
	RtSigframeUContextOff = 8
	RtSigframeInfoOff     = RtSigframeUContextOff + UContextSize // 312
	RtSigframeSize        = RtSigframeInfoOff + SI_MAX_SIZE      // 440
)

// RtSigframeFPAlign is the alignment of the FPU area above the frame (64, the
// XSAVE requirement, used for FXSAVE frames too).
const RtSigframeFPAlign = 64

// RedZoneSize is the x86-64 ABI red zone below RSP that signal delivery skips
// when it does not switch stacks.
const RedZoneSize = 128

// RtSigframeLayout places a signal frame below sp, as get_sigframe() does after
// it has applied the red zone and the sigaltstack switch. fpSize is the size of
// the FPU area (FPStateSize for FXSAVE; XSAVE adds FP_XSTATE_MAGIC2_SIZE to the
// xstate size). It returns the address of the FPU area and of the frame
// (pretcode); the handler starts with RSP = frame.
func RtSigframeLayout(sp, fpSize uint64) (fpstate, frame uint64) {
	fpstate = (sp - fpSize) &^ (RtSigframeFPAlign - 1)
	frame = ((fpstate - RtSigframeSize) &^ 15) - 8
	return fpstate, frame
}
