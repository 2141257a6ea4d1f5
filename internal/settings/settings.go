// Package settings keeps instance-wide settings that admins change at run
// time (as opposed to the start-up configuration in package config).
package settings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/timezone"
)

// Settings are the instance-wide settings, with their defaults.
type Settings struct {
	// Require2FA makes every user enrol a second factor before working.
	Require2FA bool `json:"require_2fa"`
	// AttachmentMaxBytes bounds the size of one uploaded file.
	AttachmentMaxBytes int64 `json:"attachment_max_bytes"`
	// CompanyName brands the customer portal and its mail.
	CompanyName string `json:"company_name"`
	// BrandColour is the portal's colour, as #rrggbb.
	BrandColour string `json:"brand_colour"`
	// PhoneRegion is the region whose national phone numbers need no
	// country code (ISO 3166-1 alpha-2, such as GB); empty for none.
	PhoneRegion string `json:"phone_region"`
	// TimeZone is the desk's IANA zone: pages show times in it to users who
	// have not chosen their own and to customers, and mail to customers
	// dates in it.
	TimeZone string `json:"time_zone"`
	// JoinWindowDays is how long after its last update an unsolved ticket
	// takes a customer's new message about the same issue (see joinwindow.go).
	JoinWindowDays int `json:"join_window_days"`
}

// Defaults and bounds of the settings.
const (
	DefaultAttachmentMaxBytes = 25 << 20
	MinAttachmentMaxBytes     = 1 << 10
	MaxAttachmentMaxBytes     = 1 << 30
	DefaultCompanyName        = "Centerdesk"
	DefaultBrandColour        = "#1f5f99"
	MaxCompanyName            = 100 // characters
)

// Keys of the settings table.
const (
	keyRequire2FA         = "require_2fa"
	keyAttachmentMaxBytes = "attachment_max_bytes"
	keyCompanyName        = "company_name"
	keyBrandColour        = "brand_colour"
	keyTimeZone           = "time_zone"
)

// keys lists every setting in the order an update writes them.
var keys = []string{keyRequire2FA, keyAttachmentMaxBytes, keyCompanyName, keyBrandColour, keyPhoneRegion, keyTimeZone, keyJoinWindowDays}

// defaults returns the settings of an instance where nobody changed any.
func defaults() Settings {
	return Settings{AttachmentMaxBytes: DefaultAttachmentMaxBytes,
		CompanyName: DefaultCompanyName, BrandColour: DefaultBrandColour, TimeZone: timezone.Default,
		JoinWindowDays: DefaultJoinWindowDays}
}

// Patch is a partial update: nil fields are left as they are.
type Patch struct {
	Require2FA         *bool   `json:"require_2fa"`
	AttachmentMaxBytes *int64  `json:"attachment_max_bytes"`
	CompanyName        *string `json:"company_name"`
	BrandColour        *string `json:"brand_colour"`
	PhoneRegion        *string `json:"phone_region"`
	TimeZone           *string `json:"time_zone"`
	JoinWindowDays     *int    `json:"join_window_days"`
}

// values checks p and returns the stored text of each setting it changes.
func (p Patch) values() (map[string]string, error) {
	out := map[string]string{}
	if p.Require2FA != nil {
		out[keyRequire2FA] = strconv.FormatBool(*p.Require2FA)
	}
	if p.AttachmentMaxBytes != nil {
		n := *p.AttachmentMaxBytes
		if n < MinAttachmentMaxBytes || n > MaxAttachmentMaxBytes {
			return nil, apperr.Invalid(keyAttachmentMaxBytes, "must be between %d and %d bytes",
				MinAttachmentMaxBytes, MaxAttachmentMaxBytes)
		}
		out[keyAttachmentMaxBytes] = strconv.FormatInt(n, 10)
	}
	if err := p.brandValues(out); err != nil {
		return nil, err
	}
	if p.PhoneRegion != nil {
		r, err := NormalizePhoneRegion(*p.PhoneRegion)
		if err != nil {
			return nil, err
		}
		out[keyPhoneRegion] = r
	}
	if p.TimeZone != nil {
		if _, err := timezone.Check(keyTimeZone, *p.TimeZone); err != nil {
			return nil, err
		}
		out[keyTimeZone] = *p.TimeZone
	}
	if p.JoinWindowDays != nil {
		if err := checkJoinWindowDays(*p.JoinWindowDays); err != nil {
			return nil, err
		}
		out[keyJoinWindowDays] = strconv.Itoa(*p.JoinWindowDays)
	}
	if len(out) == 0 {
		return nil, apperr.Invalid("", "nothing to change")
	}
	return out, nil
}

// apply sets the field that key names from its stored text. Text that does
// not parse (written by hand, or by an older version) leaves the default.
func (s *Settings) apply(key, value string) {
	switch key {
	case keyRequire2FA:
		s.Require2FA, _ = strconv.ParseBool(value)
	case keyAttachmentMaxBytes:
		if n, err := strconv.ParseInt(value, 10, 64); err == nil && n > 0 {
			s.AttachmentMaxBytes = n
		}
	case keyCompanyName:
		if value != "" {
			s.CompanyName = value
		}
	case keyBrandColour:
		if c, err := NormalizeColour(value); err == nil {
			s.BrandColour = c
		}
	case keyPhoneRegion:
		if r, err := NormalizePhoneRegion(value); err == nil {
			s.PhoneRegion = r
		}
	case keyTimeZone:
		if _, err := timezone.Check(keyTimeZone, value); err == nil {
			s.TimeZone = value
		}
	case keyJoinWindowDays:
		s.JoinWindowDays = parseJoinWindowDays(value)
	}
}

// Store reads and writes settings.
type Store struct {
	db        *db.DB
	onUpdates []func()
}

// OnUpdate registers fn to run after every committed update, for those who
// keep what a setting decides in memory (the API token cache follows
// require_2fa). Register before serving.
func (s *Store) OnUpdate(fn func()) { s.onUpdates = append(s.onUpdates, fn) }

// NewStore returns a Store over d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// Get returns the current settings.
func (s *Store) Get(ctx context.Context) (Settings, error) {
	out := defaults()
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return out, fmt.Errorf("settings: read: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key, value string
		if err := rows.Scan(&key, &value); err != nil {
			return out, fmt.Errorf("settings: scan: %w", err)
		}
		out.apply(key, value)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("settings: read: %w", err)
	}
	return out, nil
}

// Value returns a setting's stored text through q (a pool, or the caller's
// transaction); "" when it was never set. Domains that keep their own keys
// in the table read them with it.
func Value(ctx context.Context, q db.Queryer, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("settings: read %s: %w", key, err)
	}
	return v, nil
}

// Update applies p and records each changed setting in the audit log.
func (s *Store) Update(ctx context.Context, p Patch) (Settings, error) {
	changes, err := p.values()
	if err != nil {
		return Settings{}, err
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, key := range keys {
			after, ok := changes[key]
			if !ok {
				continue
			}
			before, err := Value(ctx, tx, key)
			if err != nil {
				return err
			}
			if err := put(ctx, tx, key, after); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, "settings.updated", "setting", key,
				map[string]any{"before": before, "after": after}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Settings{}, err
	}
	for _, fn := range s.onUpdates {
		fn()
	}
	return s.Get(ctx)
}

func put(ctx context.Context, tx *sql.Tx, key, value string) error {
	return PutTx(ctx, tx, key, value, db.Now())
}

// PutTx stores value under key in the caller's transaction, changed at at.
// It is the one writer of the settings table: the domains that keep their
// own keys there (standing's tier cut-offs, coaching's visibility,
// recognition's webhook) change them with it, beside their own audit entry,
// and tests guard that no other package writes the table.
func PutTx(ctx context.Context, tx *sql.Tx, key, value string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, db.Time(at))
	if err != nil {
		return fmt.Errorf("settings: write %s: %w", key, err)
	}
	return nil
}

// Location reads the desk's zone in q (a transaction or a pool): for mail
// to customers, which dates in it, without a whole Settings.
func Location(ctx context.Context, q db.Queryer) (*time.Location, error) {
	v, err := Value(ctx, q, keyTimeZone)
	if err != nil {
		return nil, err
	}
	return timezone.Location(v), nil
}
