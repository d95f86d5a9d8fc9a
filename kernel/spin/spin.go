// Package spin has the lock word and the atomic operations that kernel packages below the
// kernel proper (kernel/mm) share between CPUs. They are plain instructions (XCHG, LOCK
// XADD, LOCK XOR, MFENCE), so the package runs, and is tested, on the host as well.
//
// A Lock here is a leaf: its holder never waits for anything while holding it, so a CPU
// that spins on it with interrupts off is never the one a holder waits for. The kernel's
// own locks, which may be held across a TLB shootdown, are in kernel/lock.go.
package spin

// Lock is a test-and-set spinlock. The zero value is unlocked.
type Lock struct{ word uint32 }

// Lock takes l, spinning until it is free.
func (l *Lock) Lock() {
	for !l.TryLock() {
		for l.Locked() {
			pause()
		}
	}
}

// TryLock takes l if it is free and reports whether it did.
func (l *Lock) TryLock() bool { return xchg(&l.word, 1) == 0 }

// Locked reports whether l is held (a hint: it may change at once). Spinning on it rather
// than on TryLock keeps the cache line shared until the holder lets go.
func (l *Lock) Locked() bool { return load32(&l.word) != 0 }

// Unlock releases l.
func (l *Lock) Unlock() { store32(&l.word, 0) }

func xchg(w *uint32, v uint32) uint32
func load32(w *uint32) uint32
func store32(w *uint32, v uint32)
func pause()

// Xor64 flips the bits of *p that are set in v, atomically.
func Xor64(p *uint64, v uint64)

// Add64 adds d to *p atomically and returns the new value. It is a full barrier.
func Add64(p *uint64, d int64) uint64

// Load64 reads *p (a plain load: x86 loads are atomic and ordered with other loads).
func Load64(p *uint64) uint64

// Fence orders every earlier load and store before every later one (MFENCE): x86 may
// otherwise let a later load pass an earlier store.
func Fence()
