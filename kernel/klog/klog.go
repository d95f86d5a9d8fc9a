// Package klog writes kernel messages to the serial console (COM1) without allocating, so
// it can be used from trap context and before the Go runtime exists.
package klog

import "github.com/unigo-os/unigo/kernel/arch/amd64"

const com1 = 0x3f8

// 16550 UART registers (offsets from the base port).
const (
	regData       = 0 // transmit holding register (DLAB=0)
	regIntEnable  = 1
	regFIFOCtl    = 2
	regLineCtl    = 3
	regModemCtl   = 4
	regLineStatus = 5

	lineStatusTHRE = 0x20 // transmit holding register empty
)

// Init programs COM1 for 115200 8N1 with FIFOs on and interrupts off.
func Init() {
	amd64.Outb(com1+regIntEnable, 0)
	amd64.Outb(com1+regLineCtl, 0x80) // DLAB on: the next two registers are the divisor
	amd64.Outb(com1+0, 1)             // 115200 baud
	amd64.Outb(com1+1, 0)
	amd64.Outb(com1+regLineCtl, 0x03) // 8 data bits, no parity, 1 stop bit, DLAB off
	amd64.Outb(com1+regFIFOCtl, 0xC7) // enable and clear FIFOs
	amd64.Outb(com1+regModemCtl, 0x03)
}

// PutByte writes one byte, waiting for room in the transmitter. QEMU's UART is always
// ready, so the wait costs one port read.
func PutByte(c byte) {
	for amd64.Inb(com1+regLineStatus)&lineStatusTHRE == 0 {
		amd64.Pause()
	}
	amd64.Outb(com1+regData, c)
}

// Write writes p to the console.
func Write(p []byte) {
	for _, c := range p {
		PutByte(c)
	}
}

// Str writes a string.
func Str(s string) {
	for i := 0; i < len(s); i++ {
		PutByte(s[i])
	}
}

// Hex writes v as 0x followed by hexadecimal digits.
func Hex(v uint64) {
	var buf [18]byte
	i := len(buf)
	for {
		i--
		buf[i] = "0123456789abcdef"[v&15]
		v >>= 4
		if v == 0 {
			break
		}
	}
	i--
	buf[i] = 'x'
	i--
	buf[i] = '0'
	Write(buf[i:])
}

// Dec writes v in decimal.
func Dec(v int64) {
	var buf [21]byte
	i := len(buf)
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	for {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if neg {
		i--
		buf[i] = '-'
	}
	Write(buf[i:])
}
