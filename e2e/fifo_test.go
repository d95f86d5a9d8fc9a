package e2e

import "testing"

// TestFIFOsAndPipesWork runs e2e/testdata/fifo: mkfifo and mknod with Linux's errors,
// opens that wait for their partner in either order (and go on waiting across
// signals), O_NONBLOCK's ENXIO and EOF through
// the netpoller, EOF and EPIPE, O_RDWR, two readers and two writers at once, and 200
// anonymous pipes plus 100 goroutines reading 100 more; on one CPU and on two. Then a
// FIFO on an ext2 volume, after which e2fsck finds the image clean.
func TestFIFOsAndPipesWork(t *testing.T) {
	for _, cpus := range []string{"1", "2"} {
		t.Run("cpus="+cpus, func(t *testing.T) {
			t.Parallel()
			r := runProg(t, opts{}, "fifo", []string{"--cpus", cpus})
			for _, c := range []string{"mkfifo", "blocking", "interrupt", "nonblock", "eof-epipe", "rdwr", "many", "pipes"} {
				wantCheckOK(t, r, c)
			}
			wantPass(t, r, "fifo")
		})
	}
	t.Run("volume", func(t *testing.T) {
		t.Parallel()
		img := newVolume(t, "16M")
		r := runProg(t, opts{}, "fifo", []string{"-v", img + ":/data"}, "volume")
		wantCheckOK(t, r, "volume")
		wantPass(t, r, "fifo")
		fsckClean(t, img)
	})
}
