package dev

import "github.com/unigo-os/unigo/kernel/arch/amd64"

// kvmclock (Linux Documentation/virt/kvm/x86/msr.rst, "MSR_KVM_SYSTEM_TIME_NEW"): KVM
// publishes the exact TSC-to-nanoseconds scale of the guest's TSC in a pvclock structure.
// We only read the scale once at boot to learn the TSC frequency without the 3 ms PIT
// wait (and on VMMs such as Firecracker that have no PIT); time itself comes from RDTSC.

const (
	// kvmSignature is "KVMKVMKVM\0\0\0" as CPUID 0x40000000 returns it in EBX, ECX, EDX.
	kvmSignatureEBX = 0x4b4d564b
	kvmSignatureECX = 0x564b4d56
	kvmSignatureEDX = 0x0000004d

	// cpuidKVMFeatures returns the KVM feature bits in EAX.
	cpuidKVMFeatures     = 0x40000001
	kvmFeatureClocksrc2  = 1 << 3 // MSR_KVM_SYSTEM_TIME_NEW is available
	msrKVMSystemTimeNew  = 0x4b564d01
	kvmSystemTimeEnable  = 1 << 0
	kvmclockReadAttempts = 10
)

// pvclock_vcpu_time_info (Linux arch/x86/include/asm/pvclock-abi.h), 32 bytes:
// u32 version, u32 pad, u64 tsc_timestamp, u64 system_time, u32 tsc_to_system_mul,
// s8 tsc_shift, u8 flags, u8 pad[2].
const (
	pvclockVersion   = 0
	pvclockMul       = 24
	pvclockShift     = 28
	pvclockAlignment = 32 // the structure must not cross a page: align it to its size
)

// kvmclockArea holds the pvclock structure KVM writes; it is twice the size so that a
// 32-byte-aligned slot always fits. It holds no pointers, so KVM's writes are invisible
// to the garbage collector.
var kvmclockArea [2 * pvclockAlignment]byte

// isKVM reports whether the hypervisor leaves at 0x40000000 belong to KVM.
// Precondition: CPUID.1:ECX says a hypervisor is present.
func isKVM() bool {
	_, b, c, d := amd64.Cpuid(cpuidHypervisorBase, 0)
	return b == kvmSignatureEBX && c == kvmSignatureECX && d == kvmSignatureEDX
}

// kvmclockTSCHz returns the guest TSC frequency KVM reports through kvmclock, or 0.
func kvmclockTSCHz() uint64 {
	if hypervisorMaxLeaf() < cpuidKVMFeatures || !isKVM() {
		return 0
	}
	if f, _, _, _ := amd64.Cpuid(cpuidKVMFeatures, 0); f&kvmFeatureClocksrc2 == 0 {
		return 0
	}
	p := (kvmclockAreaAddr() + pvclockAlignment - 1) &^ (pvclockAlignment - 1)
	// KVM fills the structure before the vCPU runs again after the WRMSR.
	amd64.Wrmsr(msrKVMSystemTimeNew, uint64(p)|kvmSystemTimeEnable)
	var mul uint32
	var shift int8
	for i := 0; i < kvmclockReadAttempts; i++ {
		v := Read32(p + pvclockVersion)
		mul = Read32(p + pvclockMul)
		shift = int8(Read8(p + pvclockShift))
		if v&1 == 0 && Read32(p+pvclockVersion) == v { // odd = update in progress
			break
		}
		mul = 0
	}
	// Turn kvmclock off again so KVM stops writing into kernel memory.
	amd64.Wrmsr(msrKVMSystemTimeNew, 0)
	return pvclockTSCHz(mul, shift)
}

// pvclockTSCHz inverts pvclock's scale ns = ((tsc << shift) * mul) >> 32 (a negative
// shift shifts right) into a TSC frequency, as Linux's pvclock_tsc_khz does.
func pvclockTSCHz(mul uint32, shift int8) uint64 {
	if mul == 0 {
		return 0
	}
	hz := uint64(1e9) << 32 / uint64(mul)
	if shift < 0 {
		return hz << uint(-shift)
	}
	return hz >> uint(shift)
}
