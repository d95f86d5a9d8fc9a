package ext2

import "github.com/unigo-os/unigo/kernel/abi/linux"

// maxOpen bounds the inodes of one volume held open at once: the kernel's open files
// (1024) and the current directory fit.
const maxOpen = 1280

// openTable counts the holders (Ref minus Release) of each open inode of a volume. An
// inode whose last name goes while it is held keeps its blocks until the last Release,
// as on Linux (ext2 has no orphan list: a crash meanwhile leaves it for e2fsck).
type openTable struct {
	Ino   [maxOpen]Ino
	Count [maxOpen]int32
	N     int
}

func (t *openTable) count(ino Ino) int32 {
	for k := 0; k < t.N; k++ {
		if t.Ino[k] == ino {
			return t.Count[k]
		}
	}
	return 0
}

// Ref records one more holder of inode ino (an open file, the current directory).
// It touches only memory, so it needs no lock and no disk.
func Ref(vol int, ino Ino) {
	t := &vols[vol].opens
	for k := 0; k < t.N; k++ {
		if t.Ino[k] == ino {
			t.Count[k]++
			return
		}
	}
	if t.N == maxOpen {
		panic("ext2: Ref: open-inode table full")
	}
	t.Ino[t.N], t.Count[t.N] = ino, 1
	t.N++
}

// Release drops a holder taken by Ref; the last one frees an inode that has no name left.
func Release(e Env, vol int, ino Ino) linux.Errno {
	t := &vols[vol].opens
	k := 0
	for k < t.N && t.Ino[k] != ino {
		k++
	}
	if k == t.N {
		panic("ext2: Release without Ref")
	}
	t.Count[k]--
	if t.Count[k] > 0 {
		return 0
	}
	t.N--
	t.Ino[k], t.Count[k] = t.Ino[t.N], t.Count[t.N]
	if vols[vol].ReadOnly {
		return 0
	}
	e.Disk.Lock(vol)
	r0 := releaseLocked(e, vol, ino)
	e.Disk.Unlock(vol)
	return r0
}

// releaseLocked frees inode ino, whose last holder is gone, if it has no name left.
func releaseLocked(e Env, vol int, ino Ino) linux.Errno {
	v := &vols[vol]
	var n inode
	if err := v.readInode(e, vol, ino, &n); err != 0 {
		return err
	}
	if n.links() > 0 || n.mode() == 0 || le32(n.Raw[:], inDtime) != 0 {
		return 0 // still named (or already freed): nothing changes
	}
	if err := v.beginWrite(e, vol); err != 0 {
		return err
	}
	return v.freeIfDead(e, vol, &n)
}

// freeIfDead frees inode n, its blocks and its extended-attribute block, once it has no
// name and no holder. n is written back either way.
func (v *volume) freeIfDead(e Env, vol int, n *inode) linux.Errno {
	if n.links() > 0 || v.opens.count(n.Ino) > 0 || n.mode() == 0 || le32(n.Raw[:], inDtime) != 0 {
		return v.writeInode(e, vol, n)
	}
	var first linux.Errno
	if v.hasBlockMap(n) {
		first = v.freeFrom(e, vol, n, 0)
	}
	if acl := le32(n.Raw[:], inFileACL); acl != 0 {
		if err := v.dropEA(e, vol, acl); err != 0 && first == 0 {
			first = err
		}
		put32(n.Raw[:], inFileACL, 0)
		n.addSectors(-int64(v.BlockSize >> 9))
	}
	dir := n.isDir()
	t := e.now()
	put32(n.Raw[:], inDtime, uint32(t.Sec))
	n.setTime(inCtime, inCtimeExtra, t)
	if n.typ() == linux.S_IFREG || n.typ() == linux.S_IFDIR {
		n.setSize(0)
	}
	if err := v.writeInode(e, vol, n); err != 0 && first == 0 {
		first = err
	}
	if err := v.freeInode(e, vol, n.Ino, dir); err != 0 && first == 0 {
		first = err
	}
	return first
}

// dropEA releases one reference to extended-attribute block blk (shared between inodes
// with identical attributes), freeing it with the last.
func (v *volume) dropEA(e Env, vol int, blk uint32) linux.Errno {
	i, err := v.get(e, vol, blk)
	if err != 0 {
		return err
	}
	b := v.bytes(e, i)
	if le32(b, 0) != eaMagic {
		return linux.EIO
	}
	if refs := le32(b, eaRefcount); refs > 1 {
		put32(b, eaRefcount, refs-1)
		v.dirty(i)
		return 0
	}
	return v.freeBlock(e, vol, blk)
}
