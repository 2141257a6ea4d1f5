package schedule_test

import (
	"slices"
	"testing"

	"github.com/centerdesk/centerdesk/internal/schedule"
)

func TestParseICal(t *testing.T) {
	text := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//gov.uk//bank holidays\r\n" +
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261226\r\nSUMMARY:Christmas Day\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270102\r\nSUMMARY:New Year, a long\r\n  description folded\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:202612\r\n 24\r\nSUMMARY:Christmas Eve (folded date)\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nDTSTART;TZID=Europe/London:20270405T090000\r\nSUMMARY:Easter Monday\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	got, err := schedule.ParseICal(text)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-12-25", "2026-12-31", "2027-01-01", "2026-12-24", "2027-04-05"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for name, bad := range map[string]string{
		"not a calendar": "hello",
		"bad date":       "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2026XX01\nEND:VEVENT\nEND:VCALENDAR\n",
		"too long":       "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nDTEND;VALUE=DATE:20270101\nEND:VEVENT\nEND:VCALENDAR\n",
	} {
		if _, err := schedule.ParseICal(bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
