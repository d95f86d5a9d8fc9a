package volume

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strings"
)

// Info is what a volume's superblock says about it.
type Info struct {
	Size        int64 // the image file's size
	BlockSize   uint32
	Blocks      uint32
	FreeBlocks  uint32
	Inodes      uint32
	FreeInodes  uint32
	Label       string
	UUID        string
	Clean       bool   // s_state says it was cleanly unmounted (or never mounted)
	Unsupported string // why the guest cannot mount it, or ""
}

// The features the guest's ext2 driver understands; anything else in the incompat set
// makes it refuse the volume.
const (
	knownIncompat = featIncompatFiletype
	knownROCompat = featROCompatSparse | featROCompatLargeFile
)

// Inspect reads the superblock of the volume image at path. It fails, with a message that
// says what is wrong, when the file is not an ext2 file system; a file system the guest
// cannot mount read-write (an ext4 image, say) is reported in Info.Unsupported.
func Inspect(path string) (*Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	sb := make([]byte, 1024)
	if _, err := f.ReadAt(sb, superOffset); err != nil {
		if err == io.EOF {
			return nil, fmt.Errorf("%s is too small (%d bytes) to hold an ext2 file system", path, st.Size())
		}
		return nil, err
	}
	le := binary.LittleEndian
	if m := le.Uint16(sb[56:]); m != superMagic {
		return nil, fmt.Errorf("%s is not an ext2 volume (superblock magic %#04x, want %#04x); make one with `unigo volume create`", path, m, superMagic)
	}
	in := &Info{
		Size:       st.Size(),
		BlockSize:  1024 << le.Uint32(sb[24:]),
		Blocks:     le.Uint32(sb[4:]),
		FreeBlocks: le.Uint32(sb[12:]),
		Inodes:     le.Uint32(sb[0:]),
		FreeInodes: le.Uint32(sb[16:]),
		Label:      strings.TrimRight(string(sb[120:136]), "\x00"),
		UUID:       formatUUID(sb[104:120]),
		Clean:      le.Uint16(sb[58:])&stateClean != 0,
	}
	if le.Uint32(sb[24:]) > 2 {
		return nil, fmt.Errorf("%s: corrupt superblock (block size field %d)", path, le.Uint32(sb[24:]))
	}
	if int64(in.Blocks)*int64(in.BlockSize) > in.Size {
		return nil, fmt.Errorf("%s: the file system claims %d bytes but the image has %d (truncated?)", path, int64(in.Blocks)*int64(in.BlockSize), in.Size)
	}
	var why []string
	if le.Uint32(sb[76:]) != revDynamic {
		why = append(why, "revision 0 (old) file system")
	}
	if x := le.Uint32(sb[96:]) &^ knownIncompat; x != 0 {
		why = append(why, fmt.Sprintf("incompatible features %#x (ext3/ext4: journal recovery, extents, 64bit...)", x))
	}
	if x := le.Uint32(sb[100:]) &^ knownROCompat; x != 0 {
		why = append(why, fmt.Sprintf("read-only-compatible features %#x (it mounts read-only)", x))
	}
	in.Unsupported = strings.Join(why, "; ")
	return in, nil
}

func formatUUID(b []byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
