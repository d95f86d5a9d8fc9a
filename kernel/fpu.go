package kernel

import "github.com/unigo-os/unigo/kernel/arch/amd64"

// useXSAVE is nonzero when the entry code saves vector state with XSAVE (x87, SSE and AVX)
// instead of FXSAVE. It is set once at boot; the assembly reads it.
var useXSAVE uint8

// XCR0 state components.
const (
	xcr0X87 = 1 << 0
	xcr0SSE = 1 << 1
	xcr0AVX = 1 << 2
)

// setupFPU turns on AVX when the CPU has it and its XSAVE area fits the per-thread save
// area. The Go runtime only uses AVX when CR4.OSXSAVE is set and XCR0 enables the YMM
// state; from then on every entry must save the upper halves too, hence XSAVE.
func setupFPU() {
	_, _, ecx, _ := amd64.Cpuid(1, 0)
	const cpuidXSAVE, cpuidAVX = 1 << 26, 1 << 28
	if ecx&cpuidXSAVE == 0 || ecx&cpuidAVX == 0 {
		return
	}
	amd64.WriteCR4(amd64.ReadCR4() | 1<<18) // OSXSAVE
	amd64.Xsetbv(0, xcr0X87|xcr0SSE|xcr0AVX)
	if _, size, _, _ := amd64.Cpuid(0xD, 0); size > fpuSize {
		// Cannot happen with only AVX enabled (832 bytes); stay with SSE if it does.
		amd64.Xsetbv(0, xcr0X87|xcr0SSE)
		amd64.WriteCR4(amd64.ReadCR4() &^ (1 << 18))
		return
	}
	useXSAVE = 1
}
