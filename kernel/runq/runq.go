// Package runq keeps the scheduler's per-CPU run queues: one FIFO of runnable threads per
// CPU, linked through thread indices, with the placement and work-stealing rules. It knows
// nothing of thread states, stacks or IPIs: the kernel pushes a thread when it becomes
// runnable (at the CPU Place chooses), pops the next one when it switches, steals when its
// own queue is empty, and sends the IPIs. All state is in Queues, fixed-size arrays of
// integers (no pointers: kernel code may not store them), so tests use one on the host.
//
// Locking: Queues has no lock of its own; the kernel guards its one Queues with the kernel
// lock (see kernel/lock.go), which also keeps a thread that is being switched away from off
// every other CPU until its stack is free.
package runq

const (
	// MaxCPUs bounds CPU numbers: 0..MaxCPUs-1.
	MaxCPUs = 64
	// MaxThreads bounds thread indices: 1..MaxThreads-1 (0 is a CPU's idle loop, never
	// queued, and doubles as the end of a list and "nothing to run").
	MaxThreads = 1024
)

const none = 0

// Queues is the set of run queues. The zero value has every queue empty.
type Queues struct {
	head, tail [MaxCPUs]uint16
	n          [MaxCPUs]int32
	next, prev [MaxThreads]uint16
	on         [MaxThreads]uint8  // CPU+1 whose queue holds the thread; 0 = not queued
	aff        [MaxThreads]uint64 // CPUs the thread may run on, as of its Push
}

// Push adds thread t at the back of CPU cpu's queue; aff (bit i = CPU i) is where it may
// run, which Steal honours.
//
// Preconditions (each checked; a violation panics):
//   - 0 <= cpu < MaxCPUs, 0 < t < MaxThreads, t is not queued, and aff allows cpu.
func (q *Queues) Push(cpu, t int, aff uint64) {
	if cpu < 0 || cpu >= MaxCPUs || t <= 0 || t >= MaxThreads {
		panic("runq: Queues.Push: CPU or thread out of range")
	}
	if q.on[t] != 0 {
		panic("runq: Queues.Push: thread already queued")
	}
	if aff&(1<<cpu) == 0 {
		panic("runq: Queues.Push: CPU outside the thread's affinity")
	}
	q.aff[t] = aff
	q.on[t] = uint8(cpu + 1)
	q.next[t] = none
	q.prev[t] = q.tail[cpu]
	if q.tail[cpu] == none {
		q.head[cpu] = uint16(t)
	} else {
		q.next[q.tail[cpu]] = uint16(t)
	}
	q.tail[cpu] = uint16(t)
	q.n[cpu]++
}

// Remove takes t off whatever queue holds it and reports whether one did.
func (q *Queues) Remove(t int) bool {
	if t <= 0 || t >= MaxThreads || q.on[t] == 0 {
		return false
	}
	cpu := int(q.on[t]) - 1
	n, p := q.next[t], q.prev[t]
	if p == none {
		q.head[cpu] = n
	} else {
		q.next[p] = n
	}
	if n == none {
		q.tail[cpu] = p
	} else {
		q.prev[n] = p
	}
	q.on[t] = 0
	q.next[t], q.prev[t] = none, none
	q.n[cpu]--
	return true
}

// Pop takes the thread at the front of cpu's queue, or returns 0 if it is empty.
func (q *Queues) Pop(cpu int) int {
	t := int(q.head[cpu])
	if t != none {
		q.Remove(t)
	}
	return t
}

// Len is the number of threads waiting in cpu's queue.
func (q *Queues) Len(cpu int) int { return int(q.n[cpu]) }

// On reports which CPU's queue holds t.
func (q *Queues) On(t int) (cpu int, ok bool) {
	if t <= 0 || t >= MaxThreads || q.on[t] == 0 {
		return 0, false
	}
	return int(q.on[t]) - 1, true
}

// Steal takes, for CPU thief, the oldest thread that may run on thief from the longest
// other queue holding at least min threads and one such thread; 0 if there is none.
// Ties go to the lowest CPU number.
func (q *Queues) Steal(thief, min int) int {
	best, bestLen := -1, 0
	for cpu := 0; cpu < MaxCPUs; cpu++ {
		l := int(q.n[cpu])
		if cpu == thief || l < min || l <= bestLen || q.first(cpu, thief) == none {
			continue
		}
		best, bestLen = cpu, l
	}
	if best < 0 {
		return none
	}
	t := q.first(best, thief)
	q.Remove(t)
	return t
}

// first returns the oldest thread in cpu's queue that may run on thief.
func (q *Queues) first(cpu, thief int) int {
	for t := int(q.head[cpu]); t != none; t = int(q.next[t]) {
		if q.aff[t]&(1<<thief) != 0 {
			return t
		}
	}
	return none
}

// Place chooses the CPU whose queue a thread that becomes runnable joins. aff is where it
// may run, last the CPU it last ran on, waker the CPU doing the waking, online the CPUs
// that run threads and idle those running none (in their idle loop). The load of a CPU is
// its queue's length, plus one if it runs a thread.
//
//   - last, if the thread may run there and it is idle with an empty queue (its caches
//     may still be warm);
//   - else the least loaded CPU it may run on; ties go to last, then waker, then the
//     lowest number.
//
// If aff allows no online CPU (a kernel bug) it returns -1.
func (q *Queues) Place(aff uint64, last, waker int, online, idle uint64) int {
	allowed := aff & online
	if allowed&(1<<last) != 0 && idle&(1<<last) != 0 && q.n[last] == 0 {
		return last
	}
	best, bestScore := -1, 0
	for cpu := 0; cpu < MaxCPUs; cpu++ {
		if allowed&(1<<cpu) == 0 {
			continue
		}
		load := int(q.n[cpu])
		if idle&(1<<cpu) == 0 {
			load++
		}
		score := load*4 + 2 // ties: last (+0), waker (+1), others by number
		switch cpu {
		case last:
			score -= 2
		case waker:
			score--
		}
		if best < 0 || score < bestScore {
			best, bestScore = cpu, score
		}
	}
	return best
}
