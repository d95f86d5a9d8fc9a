package dev

import "github.com/unigo-os/unigo/kernel/arch/amd64"

// The MC146818 CMOS real-time clock, read once at boot for the wall clock.
//
// Registers (Motorola MC146818A data sheet, "Address Map"; the century byte is the IBM PC
// convention that ACPI's FADT CENTURY field names and QEMU implements):
const (
	rtcSeconds = 0x00
	rtcMinutes = 0x02
	rtcHours   = 0x04
	rtcDay     = 0x07 // day of month, 1-31
	rtcMonth   = 0x08
	rtcYear    = 0x09 // 0-99
	rtcStatusA = 0x0A
	rtcStatusB = 0x0B
	rtcCentury = 0x32

	rtcUpdateInProgress = 1 << 7 // status A: registers are about to change
	rtc24Hour           = 1 << 1 // status B: hours are 0-23, else 1-12 with rtcPM
	rtcBinary           = 1 << 2 // status B: binary fields, else BCD
	rtcPM               = 1 << 7 // hours register in 12-hour mode

	// rtcAbsent is what a floating ISA bus returns; status A can never read 0xFF on a
	// real RTC (divider bits 110/111 hold it in reset).
	rtcAbsent = 0xFF

	// rtcUIPSpins bounds each wait for an update to finish (an update takes < 2 ms).
	rtcUIPSpins = 100000
	// rtcReadAttempts bounds the retries until two consecutive readings agree.
	rtcReadAttempts = 5
)

// rtcTime holds the raw register values of one reading.
type rtcTime struct {
	sec, min, hour, day, month, year, century, statusB uint8
}

// cmosRead reads one CMOS register. Bit 7 of the index is NMI-disable on PCs; we leave
// it clear so NMIs stay enabled.
func cmosRead(reg uint8) uint8 {
	amd64.Outb(CMOSIndex, reg)
	return amd64.Inb(CMOSData)
}

// rtcReadOnce waits for any update in progress to finish, then reads every field. After
// UIP reads clear the registers stay stable for at least 244 µs, far more than we need.
func rtcReadOnce() (t rtcTime, ok bool) {
	for i := 0; cmosRead(rtcStatusA)&rtcUpdateInProgress != 0; i++ {
		if i == rtcUIPSpins {
			return t, false
		}
	}
	t.sec = cmosRead(rtcSeconds)
	t.min = cmosRead(rtcMinutes)
	t.hour = cmosRead(rtcHours)
	t.day = cmosRead(rtcDay)
	t.month = cmosRead(rtcMonth)
	t.year = cmosRead(rtcYear)
	t.century = cmosRead(rtcCentury)
	t.statusB = cmosRead(rtcStatusB)
	return t, true
}

// ReadRTC returns the RTC's time as Unix seconds, assuming the RTC keeps UTC (QEMU's
// default, -rtc base=utc). It returns 0 if there is no RTC or it holds nonsense.
// It reads until two consecutive readings agree, so a second boundary between
// the fields cannot produce a torn time.
func ReadRTC() (unixSeconds int64) {
	if cmosRead(rtcStatusA) == rtcAbsent {
		return 0
	}
	prev, ok := rtcReadOnce()
	for i := 0; ok && i < rtcReadAttempts; i++ {
		cur, ok2 := rtcReadOnce()
		if !ok2 {
			break
		}
		if cur == prev {
			sec, valid := rtcToUnix(cur)
			if !valid {
				return 0
			}
			return sec
		}
		prev = cur
	}
	return 0
}

// rtcToUnix converts one raw reading into Unix seconds.
func rtcToUnix(t rtcTime) (sec int64, ok bool) {
	binary := t.statusB&rtcBinary != 0
	s, ok1 := rtcField(t.sec, binary)
	m, ok2 := rtcField(t.min, binary)
	h, ok3 := rtcField(t.hour&^rtcPM, binary)
	d, ok4 := rtcField(t.day, binary)
	mo, ok5 := rtcField(t.month, binary)
	y, ok6 := rtcField(t.year, binary)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return 0, false
	}
	if t.statusB&rtc24Hour == 0 { // 12-hour mode: 12 AM is 00h, 12 PM is 12h
		if h < 1 || h > 12 {
			return 0, false
		}
		if h == 12 {
			h = 0
		}
		if t.hour&rtcPM != 0 {
			h += 12
		}
	}
	if s > 59 || m > 59 || h > 23 || d < 1 || d > 31 || mo < 1 || mo > 12 || y > 99 {
		return 0, false
	}
	// The century byte is optional (and unset on some firmware): trust it only when it
	// decodes to something plausible, else assume 20xx.
	year := 2000 + y
	if c, ok := rtcField(t.century, binary); ok && c >= 19 && c <= 99 {
		year = c*100 + y
	}
	days := daysFromCivil(year, mo, d)
	return days*86400 + h*3600 + m*60 + s, true
}

// rtcField decodes a register that is BCD unless binary is set.
func rtcField(v uint8, binary bool) (int64, bool) {
	if binary {
		return int64(v), true
	}
	hi, lo := v>>4, v&0xF
	if hi > 9 || lo > 9 {
		return 0, false
	}
	return int64(hi*10 + lo), true
}

// daysFromCivil returns the number of days from 1970-01-01 to the given proleptic
// Gregorian date (month 1-12, day 1-31). It is Howard Hinnant's days_from_civil: shift
// the year to start in March so the leap day comes last, then count 400-year eras.
func daysFromCivil(year, month, day int64) int64 {
	if month <= 2 {
		year--
	}
	era := year / 400
	if year < 0 && year%400 != 0 {
		era-- // floor division for years before 0
	}
	yoe := year - era*400                  // [0, 399]
	mp := (month + 9) % 12                 // March = 0 ... February = 11
	doy := (153*mp+2)/5 + day - 1          // [0, 365]
	doe := yoe*365 + yoe/4 - yoe/100 + doy // [0, 146096]
	return era*146097 + doe - 719468       // 719468 = days from 0000-03-01 to 1970-01-01
}
