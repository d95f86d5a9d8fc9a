package mm

import (
	"math/rand"
	"testing"
)

const (
	GiB    = 1 << 30
	testLo = 1 * GiB
	testHi = 1 << 47
)

func newRegions() *Regions {
	rs := new(Regions)
	rs.Init(testLo, testHi)
	return rs
}

func regionsAre(t *testing.T, rs *Regions, want ...Region) {
	t.Helper()
	ok := rs.Len() == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = rs.At(i) == want[i]
	}
	if !ok {
		got := make([]Region, rs.Len())
		for i := range got {
			got[i] = rs.At(i)
		}
		t.Fatalf("regions = %+v\nwant      %+v", got, want)
	}
}

func mustMap(t *testing.T, rs *Regions, hint, length uint64, prot Prot, fixed bool) uint64 {
	t.Helper()
	addr, err := rs.Map(hint, length, prot, fixed)
	if err != 0 {
		t.Fatalf("Map(%#x, %#x, %d, %v) = errno %d", hint, length, prot, fixed, err)
	}
	return addr
}

const rw = ProtRead | ProtWrite

func TestMapPicksLowestGapAndRoundsLength(t *testing.T) {
	rs := newRegions()
	a := mustMap(t, rs, 0, 100, rw, false)
	b := mustMap(t, rs, 0, PageSize, ProtRead, false)
	if a != testLo || b != testLo+PageSize {
		t.Fatalf("addresses %#x, %#x; want %#x, %#x", a, b, testLo, testLo+PageSize)
	}
	rs.Unmap(a, PageSize)
	if c := mustMap(t, rs, 0, 2*PageSize, rw, false); c != testLo+2*PageSize {
		t.Fatalf("2-page map at %#x, want past the 1-page hole at %#x", c, uint64(testLo+2*PageSize))
	}
	if d := mustMap(t, rs, 0, PageSize, ProtExec, false); d != testLo {
		t.Fatalf("1-page map at %#x, want in the hole at %#x", d, uint64(testLo))
	}
}

func TestMapUsesFreeHintOnly(t *testing.T) {
	rs := newRegions()
	hint := uint64(0xc0_0000_0000)
	if a := mustMap(t, rs, hint+1, 64*MiB, rw, false); a != hint+PageSize {
		t.Fatalf("Map at %#x, want the rounded-up hint %#x", a, hint+PageSize)
	}
	if a := mustMap(t, rs, hint, 2*PageSize, rw, false); a != testLo {
		t.Fatalf("Map over a taken hint at %#x, want lowest gap %#x", a, uint64(testLo))
	}
	if a := mustMap(t, rs, 0x10_0000, PageSize, rw, false); a == 0x10_0000 {
		t.Fatal("Map honoured a hint below the window (identity map)")
	}
}

func TestMapFixedReplacesAndSplits(t *testing.T) {
	rs := newRegions()
	base := mustMap(t, rs, 0, 10*PageSize, ProtNone, false)
	if a := mustMap(t, rs, base+2*PageSize, 3*PageSize, rw, true); a != base+2*PageSize {
		t.Fatalf("fixed Map = %#x, want %#x", a, base+2*PageSize)
	}
	regionsAre(t, rs,
		Region{base, base + 2*PageSize, ProtNone, AnonPrivate},
		Region{base + 2*PageSize, base + 5*PageSize, rw, AnonPrivate},
		Region{base + 5*PageSize, base + 10*PageSize, ProtNone, AnonPrivate})
	// Same prot as the neighbour on the left: merges back.
	mustMap(t, rs, base+5*PageSize, PageSize, rw, true)
	regionsAre(t, rs,
		Region{base, base + 2*PageSize, ProtNone, AnonPrivate},
		Region{base + 2*PageSize, base + 6*PageSize, rw, AnonPrivate},
		Region{base + 6*PageSize, base + 10*PageSize, ProtNone, AnonPrivate})
	// Covering several regions at once.
	mustMap(t, rs, base+PageSize, 8*PageSize, ProtRead, true)
	regionsAre(t, rs,
		Region{base, base + PageSize, ProtNone, AnonPrivate},
		Region{base + PageSize, base + 9*PageSize, ProtRead, AnonPrivate},
		Region{base + 9*PageSize, base + 10*PageSize, ProtNone, AnonPrivate})
}

func TestAdjacentMapsWithEqualProtMerge(t *testing.T) {
	rs := newRegions()
	a := mustMap(t, rs, 0, PageSize, rw, false)
	mustMap(t, rs, 0, PageSize, rw, false)
	mustMap(t, rs, 0, PageSize, ProtRead, false)
	regionsAre(t, rs,
		Region{a, a + 2*PageSize, rw, AnonPrivate},
		Region{a + 2*PageSize, a + 3*PageSize, ProtRead, AnonPrivate})
}

func TestMunmapSplitsRegion(t *testing.T) {
	rs := newRegions()
	a := mustMap(t, rs, 0, 4*PageSize, rw, false)
	if err := rs.Unmap(a+PageSize, 2*PageSize-1); err != 0 {
		t.Fatalf("Unmap = %d", err)
	}
	regionsAre(t, rs,
		Region{a, a + PageSize, rw, AnonPrivate},
		Region{a + 3*PageSize, a + 4*PageSize, rw, AnonPrivate})
	if _, ok := rs.Find(a + PageSize); ok {
		t.Fatal("Find found the unmapped page")
	}
	if rs.Overlaps(a+PageSize, a+3*PageSize) || !rs.Overlaps(a+PageSize, a+3*PageSize+1) || !rs.Overlaps(a, a+1) {
		t.Fatal("Overlaps disagrees with the regions around the hole")
	}
	if i, ok := rs.Find(a + 3*PageSize + 5); !ok || i != 1 {
		t.Fatalf("Find = %d, %v; want 1, true", i, ok)
	}
}

func TestUnmapOfUnmappedSpaceSucceeds(t *testing.T) {
	rs := newRegions()
	if err := rs.Unmap(0x50_0000_0000, 1*GiB); err != 0 {
		t.Fatalf("Unmap of nothing = errno %d, want 0", err)
	}
}

func TestMapAndUnmapRejectBadArguments(t *testing.T) {
	rs := newRegions()
	for _, c := range []struct {
		name         string
		hint, length uint64
		prot         Prot
		fixed        bool
		want         Errno
	}{
		{"zero length", 0, 0, rw, false, EINVAL},
		{"unknown prot bit", 0, PageSize, 8, false, EINVAL},
		{"unaligned fixed", testLo + 1, PageSize, rw, true, EINVAL},
		{"length rounds past 2^64", 0, ^uint64(0), rw, false, ENOMEM},
		{"fixed end wraps", 1<<64 - PageSize, 2 * PageSize, rw, true, ENOMEM},
		{"fixed below window", 0x10_0000, PageSize, rw, true, ENOMEM},
		{"fixed above window", testHi, PageSize, rw, true, ENOMEM},
		{"larger than window", 0, testHi, rw, false, ENOMEM},
	} {
		if _, err := rs.Map(c.hint, c.length, c.prot, c.fixed); err != c.want {
			t.Errorf("Map %s: errno %d, want %d", c.name, err, c.want)
		}
	}
	if err := rs.Unmap(testLo+1, PageSize); err != EINVAL {
		t.Errorf("Unmap unaligned: errno %d, want EINVAL", err)
	}
	if err := rs.Unmap(testLo, 0); err != EINVAL {
		t.Errorf("Unmap zero length: errno %d, want EINVAL", err)
	}
	if err := rs.Unmap(PageSize, PageSize); err != EINVAL {
		t.Errorf("Unmap in the identity map: errno %d, want EINVAL", err)
	}
	if rs.Len() != 0 {
		t.Fatalf("failed calls left %d regions", rs.Len())
	}
}

func TestProtectOverHoleFailsWithoutChanges(t *testing.T) {
	rs := newRegions()
	a := mustMap(t, rs, 0, 3*PageSize, rw, false)
	rs.Unmap(a+PageSize, PageSize)
	if err := rs.Protect(a, 3*PageSize, ProtRead); err != ENOMEM {
		t.Fatalf("Protect over a hole = errno %d, want ENOMEM", err)
	}
	regionsAre(t, rs,
		Region{a, a + PageSize, rw, AnonPrivate},
		Region{a + 2*PageSize, a + 3*PageSize, rw, AnonPrivate})
	if err := rs.Protect(a+1, PageSize, ProtRead); err != EINVAL {
		t.Fatalf("Protect unaligned = errno %d, want EINVAL", err)
	}
	if err := rs.Protect(a+PageSize, 0, ProtRead); err != 0 {
		t.Fatalf("Protect length 0 = errno %d, want 0", err)
	}
}

func TestProtectMiddleSplitsAndMergesBack(t *testing.T) {
	rs := newRegions()
	a := mustMap(t, rs, 0, 5*PageSize, rw, false)
	rs.Protect(a+PageSize, 2*PageSize, ProtNone)
	regionsAre(t, rs,
		Region{a, a + PageSize, rw, AnonPrivate},
		Region{a + PageSize, a + 3*PageSize, ProtNone, AnonPrivate},
		Region{a + 3*PageSize, a + 5*PageSize, rw, AnonPrivate})
	rs.Protect(a+PageSize, 2*PageSize, rw)
	regionsAre(t, rs, Region{a, a + 5*PageSize, rw, AnonPrivate})
}

func TestFullRegionTableReturnsENOMEM(t *testing.T) {
	rs := newRegions()
	big := mustMap(t, rs, 0, 3*PageSize, ProtRead, false)
	// Alternate prots so nothing merges.
	for i := 0; rs.Len() < MaxRegions-1; i++ {
		mustMap(t, rs, 0, PageSize, Prot(i%2+2), false)
	}
	if _, err := rs.Map(0, PageSize, ProtExec, false); err != 0 {
		t.Fatalf("Map into the last slot = errno %d", err)
	}
	if _, err := rs.Map(0, PageSize, rw, false); err != ENOMEM {
		t.Fatalf("Map into a full table = errno %d, want ENOMEM", err)
	}
	// Punching a hole in the middle of a region needs a slot; removing one does not.
	if err := rs.Unmap(big+PageSize, PageSize); err != ENOMEM {
		t.Fatalf("splitting Unmap in a full table = errno %d, want ENOMEM", err)
	}
	if err := rs.Protect(big+PageSize, PageSize, rw); err != ENOMEM {
		t.Fatalf("splitting Protect in a full table = errno %d, want ENOMEM", err)
	}
	if err := rs.Unmap(big, 3*PageSize); err != 0 {
		t.Fatalf("Unmap of a whole region in a full table = errno %d", err)
	}
}

// TestRegionsMatchPageModel runs random Map/Unmap/Protect calls against a page-by-page
// model and checks the table's invariants after each.
func TestRegionsMatchPageModel(t *testing.T) {
	const pages = 64
	lo := uint64(testLo)
	rs := new(Regions)
	rs.Init(lo, lo+pages*PageSize)
	model := map[uint64]Prot{} // page index -> prot; absent = unmapped
	rng := rand.New(rand.NewSource(1))
	for step := 0; step < 20000; step++ {
		p := uint64(rng.Intn(pages))
		n := uint64(rng.Intn(8) + 1)
		if p+n > pages {
			n = pages - p
		}
		prot := Prot(rng.Intn(8))
		addr := lo + p*PageSize
		switch rng.Intn(4) {
		case 0: // fixed map
			mustMap(t, rs, addr, n*PageSize, prot, true)
			for i := p; i < p+n; i++ {
				model[i] = prot
			}
		case 1: // hinted map: must land on free pages inside the window
			got, err := rs.Map(addr, n*PageSize, prot, false)
			if err != 0 {
				if err != ENOMEM {
					t.Fatalf("step %d: Map errno %d", step, err)
				}
				break
			}
			q := (got - lo) / PageSize
			for i := q; i < q+n; i++ {
				if _, taken := model[i]; taken || i >= pages {
					t.Fatalf("step %d: Map returned %#x over taken page %d", step, got, i)
				}
				model[i] = prot
			}
		case 2:
			if err := rs.Unmap(addr, n*PageSize); err != 0 {
				t.Fatalf("step %d: Unmap errno %d", step, err)
			}
			for i := p; i < p+n; i++ {
				delete(model, i)
			}
		case 3:
			covered := true
			for i := p; i < p+n; i++ {
				_, ok := model[i]
				covered = covered && ok
			}
			err := rs.Protect(addr, n*PageSize, prot)
			if covered != (err == 0) {
				t.Fatalf("step %d: Protect errno %d, covered %v", step, err, covered)
			}
			if err == 0 {
				for i := p; i < p+n; i++ {
					model[i] = prot
				}
			}
		}
		checkRegions(t, rs, step)
		for i := uint64(0); i < pages; i++ {
			want, mapped := model[i]
			idx, ok := rs.Find(lo + i*PageSize)
			if ok != mapped || ok && rs.At(idx).Prot != want {
				t.Fatalf("step %d: page %d: found=%v (prot %v), model mapped=%v prot %v",
					step, i, ok, rs.At(idx).Prot, mapped, want)
			}
		}
	}
}

// checkRegions verifies the table invariants: sorted, disjoint, aligned, inside the
// window, non-empty, and merged.
func checkRegions(t *testing.T, rs *Regions, step int) {
	t.Helper()
	lo, hi := rs.Window()
	for i := 0; i < rs.Len(); i++ {
		r := rs.At(i)
		if r.Start >= r.End || r.Start&pageMask != 0 || r.End&pageMask != 0 || r.Start < lo || r.End > hi {
			t.Fatalf("step %d: bad region %d %+v", step, i, r)
		}
		if i > 0 {
			p := rs.At(i - 1)
			if p.End > r.Start {
				t.Fatalf("step %d: regions %d and %d overlap or are unsorted", step, i-1, i)
			}
			if p.End == r.Start && p.Prot == r.Prot && p.Kind == r.Kind {
				t.Fatalf("step %d: regions %d and %d should have merged", step, i-1, i)
			}
		}
	}
}
