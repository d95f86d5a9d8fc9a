// System statistics for sysinfo(2), from include/uapi/linux/sysinfo.h.

package linux

// SI_LOAD_SHIFT is the fixed-point shift of Sysinfo.Loads, include/uapi/linux/sysinfo.h.
const SI_LOAD_SHIFT = 16

// Sysinfo mirrors struct sysinfo (include/uapi/linux/sysinfo.h) for 64-bit longs,
// 112 bytes. Memory sizes are in units of MemUnit bytes.
type Sysinfo struct {
	Uptime    int64     // seconds since boot
	Loads     [3]uint64 // 1, 5 and 15 minute load averages << SI_LOAD_SHIFT
	Totalram  uint64
	Freeram   uint64
	Sharedram uint64
	Bufferram uint64
	Totalswap uint64
	Freeswap  uint64
	Procs     uint16 // number of current processes
	Pad       uint16
	_         uint32 // alignment of totalhigh
	Totalhigh uint64
	Freehigh  uint64
	MemUnit   uint32 // mem_unit
	_         uint32 // _f[20-2*sizeof(long)-sizeof(int)] is empty; this is tail padding
}
