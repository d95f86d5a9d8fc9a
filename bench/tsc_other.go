//go:build !amd64

package main

// hostTSCkHz is 0 (unknown) off amd64: Linux then calibrates its TSC itself.
func hostTSCkHz() int { return 0 }
