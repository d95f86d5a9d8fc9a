package dev

import (
	"testing"
	"time"
)

func TestDaysFromCivilMatchesTimePackage(t *testing.T) {
	for d := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2400; d = d.AddDate(0, 0, 1) {
		got := daysFromCivil(int64(d.Year()), int64(d.Month()), int64(d.Day()))
		if want := d.Unix() / 86400; got != want {
			t.Fatalf("daysFromCivil(%s) = %d, want %d", d.Format("2006-01-02"), got, want)
		}
	}
}

func TestDaysFromCivilKnownDates(t *testing.T) {
	for _, c := range []struct{ y, m, d, want int64 }{
		{1970, 1, 1, 0},
		{2000, 1, 1, 10957},
		{2000, 2, 29, 11016},
		{2000, 3, 1, 11017},
		{2024, 2, 29, 19782},
		{2038, 1, 19, 24855},
		{2100, 3, 1, 47541}, // 2100 is not a leap year
	} {
		if got := daysFromCivil(c.y, c.m, c.d); got != c.want {
			t.Errorf("daysFromCivil(%d-%02d-%02d) = %d, want %d", c.y, c.m, c.d, got, c.want)
		}
	}
}

func TestRTCToUnix(t *testing.T) {
	const bcd24 = rtc24Hour
	for _, c := range []struct {
		name string
		in   rtcTime
		want int64
		ok   bool
	}{
		{"bcd 24h", rtcTime{sec: 0x07, min: 0x14, hour: 0x03, day: 0x19, month: 0x01, year: 0x38, century: 0x20, statusB: bcd24}, 2147483647, true},
		{"binary 24h", rtcTime{sec: 7, min: 14, hour: 3, day: 19, month: 1, year: 38, century: 20, statusB: rtcBinary | rtc24Hour}, 2147483647, true},
		{"bcd 12h pm", rtcTime{sec: 0, min: 0, hour: rtcPM | 0x12, day: 0x29, month: 0x02, year: 0x24, century: 0x20}, 1709208000, true},
		{"bcd 12h 12am", rtcTime{sec: 0, min: 0, hour: 0x12, day: 0x01, month: 0x01, year: 0x00, century: 0x20}, 946684800, true},
		{"bcd 12h 1pm", rtcTime{sec: 0, min: 0, hour: rtcPM | 0x01, day: 0x01, month: 0x01, year: 0x00, century: 0x20}, 946684800 + 13*3600, true},
		{"binary 12h 11pm", rtcTime{sec: 59, min: 59, hour: rtcPM | 11, day: 31, month: 12, year: 99, century: 19, statusB: rtcBinary}, 946684799, true},
		{"century missing", rtcTime{sec: 0, min: 0, hour: 0, day: 0x01, month: 0x01, year: 0x00, century: 0x00, statusB: bcd24}, 946684800, true},
		{"century garbage", rtcTime{sec: 0, min: 0, hour: 0, day: 0x01, month: 0x01, year: 0x00, century: 0xFF, statusB: bcd24}, 946684800, true},
		{"century 21", rtcTime{sec: 0, min: 0, hour: 0, day: 0x01, month: 0x03, year: 0x00, century: 0x21, statusB: bcd24}, 47541 * 86400, true},
		{"bad bcd digit", rtcTime{sec: 0x5A, min: 0, hour: 0, day: 1, month: 1, year: 0, statusB: bcd24}, 0, false},
		{"month 13", rtcTime{sec: 0, min: 0, hour: 0, day: 1, month: 0x13, year: 0, statusB: bcd24}, 0, false},
		{"hour 24", rtcTime{sec: 0, min: 0, hour: 0x24, day: 1, month: 1, year: 0, statusB: bcd24}, 0, false},
		{"12h hour 0", rtcTime{sec: 0, min: 0, hour: 0x00, day: 1, month: 1, year: 0}, 0, false},
		{"floating bus", rtcTime{sec: 0xFF, min: 0xFF, hour: 0xFF, day: 0xFF, month: 0xFF, year: 0xFF, century: 0xFF, statusB: 0xFF}, 0, false},
	} {
		got, ok := rtcToUnix(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: rtcToUnix = %d, %v; want %d, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}
