package tarfs

// Tar header decoding. A tar archive is a sequence of 512-byte blocks: a header, then the
// entry's data rounded up to a block, ended by (at least) one all-zero block.
//
// POSIX ustar header (offsets in bytes; strings NUL-terminated unless they fill the field,
// numbers octal ASCII, or GNU base-256 when the first byte has bit 7 set):
//
//	  0 name[100]   100 mode[8]   108 uid[8]   116 gid[8]   124 size[12]   136 mtime[12]
//	148 chksum[8]   156 typeflag  157 linkname[100]   257 magic[6]   263 version[2]
//	265 uname[32]   297 gname[32] 329 devmajor[8]  337 devminor[8]   345 prefix[155]
//
// The path is prefix + "/" + name when magic is "ustar\x00" (POSIX); GNU archives
// ("ustar  \x00") use the prefix area for other things and carry long paths in a
// preceding 'L' entry instead. PAX ('x') entries carry "path" and "linkpath" records
// for the next header.

const blockSize = 512

// Header fields: offset and length.
const (
	hName     = 0
	hMode     = 100
	hSize     = 124
	hMtime    = 136
	hChksum   = 148
	hType     = 156
	hLinkname = 157
	hMagic    = 257
	hPrefix   = 345

	lName     = 100
	lMode     = 8
	lSize     = 12
	lMtime    = 12
	lChksum   = 8
	lLinkname = 100
	lPrefix   = 155
)

// Type flags (typeflag byte).
const (
	tReg      = '0'
	tRegOld   = 0 // pre-POSIX regular file
	tLink     = '1'
	tSymlink  = '2'
	tChar     = '3'
	tBlock    = '4'
	tDir      = '5'
	tFifo     = '6'
	tCont     = '7' // contiguous file: a regular file
	tGNULong  = 'L' // data is the next entry's path
	tGNULLink = 'K' // data is the next entry's link target
	tPAX      = 'x' // data is records for the next entry
	tPAXGlob  = 'g' // records for all later entries: ignored
)

// field returns the string in the header field [h+off, h+off+n), up to its first NUL.
func field(h, off, n uint64) string { return cString(h+off, n) }

// number decodes a numeric field: octal digits between optional spaces/NULs, or GNU
// base-256 (big-endian, first byte 0x80) for values that do not fit.
func number(h, off, n uint64) (uint64, bool) {
	b := bytesAt(h+off, n)
	if b[0]&0x80 != 0 {
		if b[0] != 0x80 {
			return 0, false // negative
		}
		var v uint64
		for _, c := range b[1:] {
			if v>>56 != 0 {
				return 0, false
			}
			v = v<<8 | uint64(c)
		}
		return v, true
	}
	var v uint64
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == 0) {
		i++
	}
	for ; i < len(b) && b[i] >= '0' && b[i] <= '7'; i++ {
		if v>>61 != 0 {
			return 0, false
		}
		v = v<<3 | uint64(b[i]-'0')
	}
	for ; i < len(b); i++ {
		if b[i] != ' ' && b[i] != 0 {
			return 0, false
		}
	}
	return v, true
}

// zeroBlock reports whether the block at h is all zeros (the end-of-archive marker).
func zeroBlock(h uint64) bool {
	for _, c := range bytesAt(h, blockSize) {
		if c != 0 {
			return false
		}
	}
	return true
}

// checksumOK verifies the header checksum: the unsigned sum of the header's bytes with
// the checksum field itself counted as spaces.
func checksumOK(h uint64) bool {
	want, ok := number(h, hChksum, lChksum)
	if !ok {
		return false
	}
	var sum uint64
	for i, c := range bytesAt(h, blockSize) {
		if i >= hChksum && i < hChksum+lChksum {
			c = ' '
		}
		sum += uint64(c)
	}
	return sum == want
}

// isPOSIX reports whether the header's magic is POSIX ustar's, whose prefix field
// extends the name.
func isPOSIX(h uint64) bool { return strAt(h+hMagic, 6) == "ustar\x00" }

// paxRecords scans the PAX extended header data [off, off+n) ("%d key=value\n" records)
// and returns the values of path and linkpath, if present, as archive strings.
func paxRecords(off, n uint64) (path, linkpath string, ok bool) {
	s := strAt(off, n)
	for len(s) > 0 {
		// Record length: decimal, then a space; it counts the whole record.
		l, i := 0, 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			l = l*10 + int(s[i]-'0')
			if l > len(s) {
				return "", "", false
			}
			i++
		}
		if i == 0 || i >= len(s) || s[i] != ' ' || l <= i+1 || s[l-1] != '\n' {
			return "", "", false
		}
		rec := s[i+1 : l-1]
		s = s[l:]
		eq := 0
		for eq < len(rec) && rec[eq] != '=' {
			eq++
		}
		if eq == len(rec) {
			return "", "", false
		}
		switch rec[:eq] {
		case "path":
			path = rec[eq+1:]
		case "linkpath":
			linkpath = rec[eq+1:]
		}
	}
	return path, linkpath, true
}

// cString returns the archive string [off, off+n) up to its first NUL (GNU long names
// include a terminating NUL in their size).
func cString(off, n uint64) string {
	s := strAt(off, n)
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i]
		}
	}
	return s
}
