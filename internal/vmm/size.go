package vmm

import (
	"fmt"
	"strconv"
	"strings"
)

// Binary size units.
const (
	KiB = 1 << 10
	MiB = 1 << 20
	GiB = 1 << 30
)

// Guest memory bounds accepted by ParseMemSize.
const (
	MinMem = 16 * MiB
	MaxMem = 1 << 40
)

// ParseMemSize parses a guest memory size such as "256M", "1G", "524288K" or
// "256" (a bare number is MiB, as for qemu -m). Suffixes are case-insensitive
// and may be followed by "B" or "iB"; all units are binary. The result is a
// whole number of MiB between MinMem and MaxMem.
func ParseMemSize(s string) (uint64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, suf := range []string{"ib", "b"} { // "MiB", "MB" -> "m"
		if u, ok := strings.CutSuffix(t, suf); ok && u != "" && strings.ContainsRune("kmg", rune(u[len(u)-1])) {
			t = u
			break
		}
	}
	unit := uint64(MiB)
	if t != "" {
		switch t[len(t)-1] {
		case 'k':
			unit, t = KiB, t[:len(t)-1]
		case 'm':
			unit, t = MiB, t[:len(t)-1]
		case 'g':
			unit, t = GiB, t[:len(t)-1]
		}
	}
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad memory size %q (want a number with K, M or G, e.g. 256M)", s)
	}
	if n > MaxMem/unit {
		return 0, fmt.Errorf("memory size %q is too large (max %dG)", s, uint64(MaxMem/GiB))
	}
	b := n * unit
	if b%MiB != 0 {
		return 0, fmt.Errorf("memory size %q is not a whole number of MiB", s)
	}
	if b < MinMem {
		return 0, fmt.Errorf("memory size %q is too small (min %dM)", s, MinMem/MiB)
	}
	return b, nil
}

// FormatMemSize renders a size as ParseMemSize accepts it, in the largest
// exact unit.
func FormatMemSize(b uint64) string {
	switch {
	case b != 0 && b%GiB == 0:
		return strconv.FormatUint(b/GiB, 10) + "G"
	case b%MiB == 0:
		return strconv.FormatUint(b/MiB, 10) + "M"
	}
	return strconv.FormatUint(b/KiB, 10) + "K"
}
