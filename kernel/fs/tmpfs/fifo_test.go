package tmpfs

import (
	"testing"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

func TestCreateMakesFIFOAndSocketNodes(t *testing.T) {
	e, _ := setup(t, 1<<20, 1<<20)
	f := mustCreate(t, e, Root, "fifo", TypeFIFO)
	s := mustCreate(t, e, Root, "sock", TypeSock)
	if got := Stat(f).Mode; got != linux.S_IFIFO|0644 {
		t.Errorf("FIFO mode %#o, want %#o", got, linux.S_IFIFO|0644)
	}
	if Type(s) != linux.S_IFSOCK || Type(f) != linux.S_IFIFO || IsDir(f) || IsSymlink(f) {
		t.Errorf("Type(sock) = %#o, Type(fifo) = %#o", Type(s), Type(f))
	}
	types := map[string]uint8{}
	for c := uint64(0); ; {
		d, ok := ReadDir(e, Root, c, 1)
		if !ok {
			break
		}
		types[d.Name] = d.Type
		c = d.Next
	}
	if types["fifo"] != linux.DT_FIFO || types["sock"] != linux.DT_SOCK {
		t.Errorf("ReadDir types: %v, want fifo DT_FIFO and sock DT_SOCK", types)
	}
	if err := Truncate(e, f, 0); err != linux.EINVAL {
		t.Errorf("Truncate(FIFO) = %v, want EINVAL", err)
	}
	if _, err := WriteAt(e, f, 0, []byte("x")); err != linux.EINVAL {
		t.Errorf("WriteAt(FIFO) = %v, want EINVAL (its data lives in a pipe)", err)
	}
	if _, err := Create(e, Root, "chr", linux.S_IFCHR, 0600, 0, 0); err != linux.EINVAL {
		t.Errorf("Create(S_IFCHR) = %v, want EINVAL", err)
	}
	if err := Unlink(e, Root, "fifo"); err != 0 {
		t.Errorf("Unlink(fifo) = %v", err)
	}
}
