package ext2

import "github.com/unigo-os/unigo/kernel/abi/linux"

// The superblock's state field says whether the volume was cleanly unmounted. Before
// the first change after a mount or a SyncAll, the superblock goes to the disk marked
// not clean (a crash from then on sends e2fsck in); SyncAll, which the kernel calls for
// sync(2) and at exit, writes everything and marks it clean again, unless it was not
// clean when mounted (as Linux keeps an unchecked volume marked for e2fsck).

// beginWrite marks the volume not clean on the disk before its first change.
func (v *volume) beginWrite(e Env, vol int) linux.Errno {
	if !v.Clean {
		return 0
	}
	put16(v.Super[:], sbState, v.MountState&^stateValid)
	if err := v.writeSuper(e, vol); err != 0 {
		return err
	}
	i := v.cache.find(v.superBlock())
	if err := v.transfer(e, vol, true, v.superBlock(), i); err != 0 {
		return err
	}
	v.cache.Bufs[i].Dirty = false
	if err := e.Disk.Flush(vol); err != 0 {
		return err
	}
	v.Clean = false
	return 0
}

// superBlock is the block holding the superblock (at byte 1024).
func (v *volume) superBlock() uint32 { return sbOffset >> v.Shift }

// writeSuper copies the superblock, with the live free counts, into its buffer.
func (v *volume) writeSuper(e Env, vol int) linux.Errno {
	s := v.Super[:]
	put32(s, sbFreeBlocks, v.FreeBlocks)
	put32(s, sbFreeInodes, v.FreeInodes)
	put32(s, sbWtime, uint32(e.now().Sec))
	blk := v.superBlock()
	i, err := v.get(e, vol, blk)
	if err != 0 {
		return err
	}
	copy(v.bytes(e, i)[sbOffset-blk<<v.Shift:], s)
	v.dirty(i)
	v.SuperDirty = false
	return 0
}

// Sync writes back every dirty buffer of volume vol, with the superblock, then flushes
// the disk's cache: when it returns 0, every change made before the call is durable.
// This is fsync(2) and fdatasync(2) for any file of the volume.
func Sync(e Env, vol int) linux.Errno {
	e.Disk.Lock(vol)
	r0 := syncLocked(e, vol)
	e.Disk.Unlock(vol)
	return r0
}

// syncLocked is Sync, with the volume's lock held.
func syncLocked(e Env, vol int) linux.Errno {
	return vols[vol].sync(e, vol, false)
}

func (v *volume) sync(e Env, vol int, clean bool) linux.Errno {
	if !v.Mounted || v.ReadOnly {
		return 0
	}
	if clean && !v.Clean {
		put16(v.Super[:], sbState, v.MountState)
	}
	if v.SuperDirty || clean { // an fsync that allocated nothing leaves it alone
		if err := v.writeSuper(e, vol); err != 0 {
			return err
		}
	}
	if err := v.flush(e, vol, maxBuffers); err != 0 {
		return err
	}
	if err := e.Disk.Flush(vol); err != 0 {
		return err
	}
	if clean {
		v.Clean = v.MountState&stateValid != 0
	}
	return 0
}

// SyncAll syncs every mounted volume and marks each cleanly unmounted until its next
// change: sync(2), and the kernel's exit path. Errors are ignored, as sync(2) does.
func SyncAll(e Env) {
	for vol := range vols {
		if !vols[vol].Mounted || vols[vol].ReadOnly {
			continue
		}
		e.Disk.Lock(vol)
		vols[vol].sync(e, vol, true)
		e.Disk.Unlock(vol)
	}
}

// Shutdown is the last call before the machine powers off: every inode still held open
// with no name left is freed (no holder will ever release it), then every volume is
// synced and marked cleanly unmounted, as SyncAll. Without it, such files stay on the
// disk as orphans for e2fsck to reclaim, as after a crash of a Linux ext2.
func Shutdown(e Env) {
	for vol := range vols {
		v := &vols[vol]
		if !v.Mounted || v.ReadOnly {
			continue
		}
		e.Disk.Lock(vol)
		for k := v.opens.N - 1; k >= 0; k-- {
			ino := v.opens.Ino[k]
			v.opens.N--
			v.opens.Ino[k], v.opens.Count[k] = v.opens.Ino[v.opens.N], v.opens.Count[v.opens.N]
			releaseLocked(e, vol, ino)
		}
		v.sync(e, vol, true)
		e.Disk.Unlock(vol)
	}
}
