package spin

import (
	"runtime"
	"sync"
	"testing"
)

// Many goroutines on several OS threads increment one counter under the lock, and flip
// and add with the atomics: a lost update would show in the totals.
func TestLockAndAtomicsLoseNoUpdates(t *testing.T) {
	const workers, rounds = 8, 20000
	// A goroutine spinning in Lock cannot be preempted: give each its own P, so that the
	// holder is never descheduled in favour of a spinner.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(workers + 2))
	var (
		l       Lock
		counter int
		bits    [4]uint64
		sum     uint64
		wg      sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				l.Lock()
				counter++
				l.Unlock()
				Xor64(&bits[i%4], 1<<uint(w))
				Add64(&sum, 3)
			}
		}(w)
	}
	wg.Wait()
	if counter != workers*rounds {
		t.Errorf("counter = %d, want %d", counter, workers*rounds)
	}
	for i, b := range bits {
		if b != 0 { // each worker flips each bit rounds/4 times: an even number
			t.Errorf("bits[%d] = %#x, want 0", i, b)
		}
	}
	if sum != 3*workers*rounds {
		t.Errorf("sum = %d, want %d", sum, 3*workers*rounds)
	}
	if got := Add64(&sum, -1); got != 3*workers*rounds-1 {
		t.Errorf("Add64 returned %d, want the new value %d", got, 3*workers*rounds-1)
	}
}
