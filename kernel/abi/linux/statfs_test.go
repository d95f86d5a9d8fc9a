package linux

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestStatfsAndFlockMatchXSys(t *testing.T) {
	checkAgainstXSys(t, Statfs_t{}, unix.Statfs_t{}, true, nil)
	checkAgainstXSys(t, Flock{}, unix.Flock_t{}, true, nil)
}
