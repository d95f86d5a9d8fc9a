// Memory-mapping constants for mmap(2), mprotect(2), madvise(2), mremap(2),
// msync(2) and mlockall(2).
//
// Mirrors include/uapi/asm-generic/mman-common.h and include/uapi/asm-generic/mman.h
// (which x86-64 uses), plus include/uapi/linux/mman.h. x86-only flags are in mman_amd64.go.

package linux

// Protection bits, include/uapi/asm-generic/mman-common.h.
const (
	PROT_NONE      = 0x0
	PROT_READ      = 0x1
	PROT_WRITE     = 0x2
	PROT_EXEC      = 0x4
	PROT_SEM       = 0x8
	PROT_GROWSDOWN = 0x1000000
	PROT_GROWSUP   = 0x2000000
)

// mmap flags, include/uapi/linux/mman.h (sharing types) and
// include/uapi/asm-generic/mman-common.h, include/uapi/asm-generic/mman.h.
const (
	MAP_SHARED          = 0x1
	MAP_PRIVATE         = 0x2
	MAP_SHARED_VALIDATE = 0x3
	MAP_DROPPABLE       = 0x8
	MAP_TYPE            = 0xf
	MAP_FIXED           = 0x10
	MAP_ANONYMOUS       = 0x20
	MAP_ANON            = 0x20
	MAP_FILE            = 0x0
	MAP_GROWSDOWN       = 0x100
	MAP_DENYWRITE       = 0x800
	MAP_EXECUTABLE      = 0x1000
	MAP_LOCKED          = 0x2000
	MAP_NORESERVE       = 0x4000
	MAP_POPULATE        = 0x8000
	MAP_NONBLOCK        = 0x10000
	MAP_STACK           = 0x20000
	MAP_HUGETLB         = 0x40000
	MAP_SYNC            = 0x80000
	MAP_FIXED_NOREPLACE = 0x100000
	MAP_UNINITIALIZED   = 0x4000000
)

// MAP_FAILED is mmap's error return as seen by libc: (void *)-1.
const (
	MAP_FAILED = ^uintptr(0)
)

// Huge page size encoding in the mmap flags, include/uapi/asm-generic/hugetlb_encode.h
// and include/uapi/linux/mman.h.
const (
	MAP_HUGE_SHIFT = 0x1a
	MAP_HUGE_MASK  = 0x3f
	MAP_HUGE_64KB  = 0x40000000
	MAP_HUGE_512KB = 0x4c000000
	MAP_HUGE_1MB   = 0x50000000
	MAP_HUGE_2MB   = 0x54000000
	MAP_HUGE_8MB   = 0x5c000000
	MAP_HUGE_16MB  = 0x60000000
	MAP_HUGE_32MB  = 0x64000000
	MAP_HUGE_256MB = 0x70000000
	MAP_HUGE_512MB = 0x74000000
	MAP_HUGE_1GB   = 0x78000000
	MAP_HUGE_2GB   = 0x7c000000
	MAP_HUGE_16GB  = 0x88000000
)

// madvise advice, include/uapi/asm-generic/mman-common.h.
const (
	MADV_NORMAL          = 0x0
	MADV_RANDOM          = 0x1
	MADV_SEQUENTIAL      = 0x2
	MADV_WILLNEED        = 0x3
	MADV_DONTNEED        = 0x4
	MADV_FREE            = 0x8
	MADV_REMOVE          = 0x9
	MADV_DONTFORK        = 0xa
	MADV_DOFORK          = 0xb
	MADV_MERGEABLE       = 0xc
	MADV_UNMERGEABLE     = 0xd
	MADV_HUGEPAGE        = 0xe
	MADV_NOHUGEPAGE      = 0xf
	MADV_DONTDUMP        = 0x10
	MADV_DODUMP          = 0x11
	MADV_WIPEONFORK      = 0x12
	MADV_KEEPONFORK      = 0x13
	MADV_COLD            = 0x14
	MADV_PAGEOUT         = 0x15
	MADV_POPULATE_READ   = 0x16
	MADV_POPULATE_WRITE  = 0x17
	MADV_DONTNEED_LOCKED = 0x18
	MADV_COLLAPSE        = 0x19
	MADV_HWPOISON        = 0x64
	MADV_SOFT_OFFLINE    = 101
	MADV_GUARD_INSTALL   = 0x66
	MADV_GUARD_REMOVE    = 0x67
)

// mremap flags, include/uapi/linux/mman.h.
const (
	MREMAP_MAYMOVE   = 0x1
	MREMAP_FIXED     = 0x2
	MREMAP_DONTUNMAP = 0x4
)

// msync flags, include/uapi/asm-generic/mman-common.h.
const (
	MS_ASYNC      = 0x1
	MS_INVALIDATE = 0x2
	MS_SYNC       = 0x4
)

// mlockall flags, include/uapi/asm-generic/mman.h; mlock2 flag, mman-common.h.
const (
	MCL_CURRENT   = 0x1
	MCL_FUTURE    = 0x2
	MCL_ONFAULT   = 0x4
	MLOCK_ONFAULT = 0x1
)

// memfd_create flags, include/uapi/linux/memfd.h.
const (
	MFD_CLOEXEC       = 0x1
	MFD_ALLOW_SEALING = 0x2
	MFD_HUGETLB       = 0x4
	MFD_NOEXEC_SEAL   = 0x8
	MFD_EXEC          = 0x10
)
