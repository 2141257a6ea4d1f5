package db

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// timeLayout is how times are written: UTC, fixed width, millisecond
// precision. Fixed width matters on SQLite, where times are TEXT and compare
// as strings; PostgreSQL parses the same text into a timestamptz.
const timeLayout = "2006-01-02T15:04:05.000Z"

// Time wraps t as a query argument that both dialects store and compare
// correctly. Pass every time.Time argument through it.
func Time(t time.Time) driver.Valuer { return timeArg(t) }

// NullTime is Time for an optional time: a nil or zero time is NULL.
func NullTime(t *time.Time) driver.Valuer {
	if t == nil || t.IsZero() {
		return nullArg{}
	}
	return timeArg(*t)
}

type timeArg time.Time

func (t timeArg) Value() (driver.Value, error) {
	return time.Time(t).UTC().Format(timeLayout), nil
}

type nullArg struct{}

func (nullArg) Value() (driver.Value, error) { return nil, nil }

// ScanTime returns a scan destination that fills *t from either dialect's
// representation of a time.
func ScanTime(t *time.Time) any { return &timeScanner{dst: t} }

// ScanNullTime is ScanTime for an optional column: NULL leaves *t nil.
func ScanNullTime(t **time.Time) any { return &nullTimeScanner{dst: t} }

type timeScanner struct{ dst *time.Time }

func (s *timeScanner) Scan(src any) error {
	t, err := parseTime(src)
	if err != nil {
		return err
	}
	if t == nil {
		return fmt.Errorf("db: NULL time in a NOT NULL column")
	}
	*s.dst = *t
	return nil
}

type nullTimeScanner struct{ dst **time.Time }

func (s *nullTimeScanner) Scan(src any) error {
	t, err := parseTime(src)
	if err != nil {
		return err
	}
	*s.dst = t
	return nil
}

func parseTime(src any) (*time.Time, error) {
	var s string
	switch v := src.(type) {
	case nil:
		return nil, nil
	case time.Time:
		t := v.UTC()
		return &t, nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return nil, fmt.Errorf("db: cannot scan %T into a time", src)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, fmt.Errorf("db: bad time %q: %w", s, err)
	}
	t = t.UTC()
	return &t, nil
}

// Now returns the current time at the precision the database keeps, so a
// value written and read back compares equal.
func Now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
