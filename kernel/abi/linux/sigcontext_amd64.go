// x86-64 signal context and FPU save area, from arch/x86/include/uapi/asm/sigcontext.h.

package linux

// SigContext mirrors struct sigcontext for x86-64 (arch/x86/include/uapi/asm/sigcontext.h),
// 256 bytes: the register state saved in a signal frame's uc_mcontext and restored
// by rt_sigreturn(2). The register order is the kernel's, not the trap frame's.
type SigContext struct {
	R8      uint64
	R9      uint64
	R10     uint64
	R11     uint64
	R12     uint64
	R13     uint64
	R14     uint64
	R15     uint64
	Rdi     uint64
	Rsi     uint64
	Rbp     uint64
	Rbx     uint64
	Rdx     uint64
	Rax     uint64
	Rcx     uint64
	Rsp     uint64
	Rip     uint64
	Eflags  uint64
	Cs      uint16
	Gs      uint16
	Fs      uint16
	Ss      uint16 // ss, or __pad0 without UC_SIGCONTEXT_SS
	Err     uint64 // error code of the fault that raised the signal
	Trapno  uint64 // exception vector of that fault
	Oldmask uint64
	Cr2     uint64 // faulting address of a page fault
	Fpstate uint64 // user address of the FPState, or 0 when the FPU was unused
	_       [8]uint64
}

// Byte offsets of SigContext fields, for assembly and for code that builds a
// signal frame in user memory.
const (
	SigContextR8Off      = 0
	SigContextRdiOff     = 64
	SigContextRsiOff     = 72
	SigContextRbpOff     = 80
	SigContextRbxOff     = 88
	SigContextRdxOff     = 96
	SigContextRaxOff     = 104
	SigContextRcxOff     = 112
	SigContextRspOff     = 120
	SigContextRipOff     = 128
	SigContextEflagsOff  = 136
	SigContextCsOff      = 144
	SigContextGsOff      = 146
	SigContextFsOff      = 148
	SigContextSsOff      = 150
	SigContextErrOff     = 152
	SigContextTrapnoOff  = 160
	SigContextOldmaskOff = 168
	SigContextCr2Off     = 176
	SigContextFpstateOff = 184
	SigContextSize       = 256
)

// Magic numbers of the XSAVE extension of the FPU frame, arch/x86/include/uapi/asm/sigcontext.h.
// With FXSAVE only (our case: CR4.OSXSAVE is off) the kernel leaves sw_reserved
// zero and sets no UC_FP_XSTATE.
const (
	FP_XSTATE_MAGIC1      = 0x46505853
	FP_XSTATE_MAGIC2      = 0x46505845
	FP_XSTATE_MAGIC2_SIZE = 4
	X86_FXSR_MAGIC        = 0x0000
)

// Byte offsets in the 512-byte FXSAVE area (struct _fpstate_64 in
// arch/x86/include/uapi/asm/sigcontext.h; Intel SDM vol. 1, table 10-2).
const (
	FPStateCwdOff        = 0   // x87 control word
	FPStateSwdOff        = 2   // x87 status word
	FPStateTwdOff        = 4   // abridged x87 tag word
	FPStateFopOff        = 6   // last x87 opcode
	FPStateRipOff        = 8   // last x87 instruction pointer
	FPStateRdpOff        = 16  // last x87 data pointer
	FPStateMxcsrOff      = 24  // SSE control/status
	FPStateMxcsrMaskOff  = 28  // writable MXCSR bits
	FPStateStSpaceOff    = 32  // ST0-ST7, 16 bytes each
	FPStateXmmSpaceOff   = 160 // XMM0-XMM15, 16 bytes each
	FPStateSwReservedOff = 464 // struct _fpx_sw_bytes (XSAVE frames only)
	FPStateSize          = 512
)

// Reset values of the control registers (Intel SDM: FNINIT and power-up MXCSR).
const (
	FPStateDefaultCwd   = 0x037f
	FPStateDefaultMxcsr = 0x1f80
)

// FPState is the 512-byte FXSAVE area (struct _fpstate_64,
// arch/x86/include/uapi/asm/sigcontext.h) that a signal frame's
// uc_mcontext.fpstate points at. FXSAVE/FXRSTOR need it 16-byte aligned; the
// array type itself does not guarantee that, so place it with FPStateAlign.
type FPState [FPStateSize]byte

// FPStateAlign is the alignment FXSAVE requires. Signal frames align the area
// to 64 (the XSAVE requirement), which also satisfies it.
const FPStateAlign = 16

func (f *FPState) u16(off int) uint16 { return uint16(f[off]) | uint16(f[off+1])<<8 }
func (f *FPState) setU16(off int, v uint16) {
	f[off] = byte(v)
	f[off+1] = byte(v >> 8)
}
func (f *FPState) u32(off int) uint32 {
	return uint32(f[off]) | uint32(f[off+1])<<8 | uint32(f[off+2])<<16 | uint32(f[off+3])<<24
}
func (f *FPState) setU32(off int, v uint32) {
	f[off] = byte(v)
	f[off+1] = byte(v >> 8)
	f[off+2] = byte(v >> 16)
	f[off+3] = byte(v >> 24)
}

// Cwd returns the x87 control word.
func (f *FPState) Cwd() uint16 { return f.u16(FPStateCwdOff) }

// SetCwd sets the x87 control word.
func (f *FPState) SetCwd(v uint16) { f.setU16(FPStateCwdOff, v) }

// Mxcsr returns the SSE control/status register.
func (f *FPState) Mxcsr() uint32 { return f.u32(FPStateMxcsrOff) }

// SetMxcsr sets the SSE control/status register. FXRSTOR faults (#GP) when a bit
// outside MxcsrMask is set, so rt_sigreturn must check values from user memory.
func (f *FPState) SetMxcsr(v uint32) { f.setU32(FPStateMxcsrOff, v) }

// MxcsrMask returns the mask of MXCSR bits the CPU supports (0 means 0xffbf).
func (f *FPState) MxcsrMask() uint32 { return f.u32(FPStateMxcsrMaskOff) }

// SwMagic1 returns sw_reserved.magic1: FP_XSTATE_MAGIC1 in an XSAVE frame.
func (f *FPState) SwMagic1() uint32 { return f.u32(FPStateSwReservedOff) }

// Reset sets f to the state of a fresh thread: everything zero except the x87
// control word and MXCSR, which take their reset values.
func (f *FPState) Reset() {
	*f = FPState{}
	f.SetCwd(FPStateDefaultCwd)
	f.SetMxcsr(FPStateDefaultMxcsr)
}
