package ext2

// ResetForTest forgets volume vol's mount, for host tests that mount image after image.
// The kernel never calls it: its volumes stay mounted until power-off.
func ResetForTest(vol int) {
	vols[vol] = volume{}
	frames[vol] = [maxBuffers]uint64{}
}
