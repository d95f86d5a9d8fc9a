// Terminal structures for the TCGETS/TIOCGWINSZ ioctls, from
// include/uapi/asm-generic/termbits.h (struct termios, which x86-64 uses) and
// include/uapi/asm-generic/termios.h (struct winsize).

package linux

// Termios mirrors the kernel's struct termios (include/uapi/asm-generic/termbits.h),
// 36 bytes, as read and written by TCGETS/TCSETS*. It is not glibc's struct termios
// (60 bytes, NCCS 32, with speeds), nor struct termios2 (TCGETS2, 44 bytes).
type Termios struct {
	Iflag uint32      // c_iflag
	Oflag uint32      // c_oflag
	Cflag uint32      // c_cflag
	Lflag uint32      // c_lflag
	Line  uint8       // c_line
	Cc    [NCCS]uint8 // c_cc
}

// Winsize mirrors struct winsize (include/uapi/asm-generic/termios.h), for
// TIOCGWINSZ/TIOCSWINSZ.
type Winsize struct {
	Row    uint16 // ws_row
	Col    uint16 // ws_col
	Xpixel uint16 // ws_xpixel
	Ypixel uint16 // ws_ypixel
}
