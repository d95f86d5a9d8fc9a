package vmm

import "testing"

func TestParseMemSize(t *testing.T) {
	good := map[string]uint64{
		"256M": 256 * MiB, "256m": 256 * MiB, "256MiB": 256 * MiB, "256MB": 256 * MiB,
		"1G": GiB, "1g": GiB, "2GiB": 2 * GiB, "65536K": 64 * MiB, "16M": 16 * MiB,
		"512": 512 * MiB, " 64M ": 64 * MiB, "1024G": 1024 * GiB,
	}
	for in, want := range good {
		got, err := ParseMemSize(in)
		if err != nil || got != want {
			t.Errorf("ParseMemSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{
		"", "M", "abc", "12X", "1.5G", "-1G", "+1G", "0x100M", "1_000M", "256 M",
		"256b", "256iB", "1T", "100K", "15M", "0", "1025G", "99999999999999999999G",
	} {
		if got, err := ParseMemSize(in); err == nil {
			t.Errorf("ParseMemSize(%q) = %d, want error", in, got)
		}
	}
}

func TestFormatMemSize(t *testing.T) {
	for b, want := range map[uint64]string{256 * MiB: "256M", 2 * GiB: "2G", 1536 * MiB: "1536M", 4 * KiB: "4K"} {
		if got := FormatMemSize(b); got != want {
			t.Errorf("FormatMemSize(%d) = %q, want %q", b, got, want)
		}
	}
}
