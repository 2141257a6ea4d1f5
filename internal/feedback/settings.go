package feedback

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
)

// settingsKey keys the survey settings (one JSON value) in the settings
// table, which package settings writes for us (settings.PutTx).
const settingsKey = "feedback"

// Settings say which solves get a survey and what it offers.
type Settings struct {
	// Enabled turns surveys on; on by default.
	Enabled bool `json:"enabled"`
	// Channels are the ticket channels whose solves get a survey; empty
	// means every channel.
	Channels []string `json:"channels"`
	// DelayMinutes is how long after the solve the survey is sent.
	DelayMinutes int `json:"delay_minutes"`
	// CustomerIntervalDays allows one survey per customer per this many
	// days; 0 means no limit.
	CustomerIntervalDays int `json:"customer_interval_days"`
	// Reasons are what a customer giving a low score may pick from.
	Reasons []string `json:"reasons"`
}

// Bounds of the settings.
const (
	MaxDelayMinutes = 30 * 24 * 60
	MaxIntervalDays = 365
	MaxReasons      = 20
	MaxReason       = 100 // characters
)

// KnownChannels are the channels a ticket may have (the tickets CHECK).
var KnownChannels = []string{"email", "portal", "api", "chat", "phone", "walk_in", "other"}

// DefaultSettings are the settings of a desk that never changed them.
func DefaultSettings() Settings {
	return Settings{Enabled: true, Channels: []string{}, Reasons: []string{
		"It took too long", "My issue is not solved", "I had to repeat myself",
		"I was passed around", "The answer was unclear"}}
}

// SettingsPatch changes the settings; nil fields stay as they are.
type SettingsPatch struct {
	Enabled              *bool     `json:"enabled"`
	Channels             *[]string `json:"channels"`
	DelayMinutes         *int      `json:"delay_minutes"`
	CustomerIntervalDays *int      `json:"customer_interval_days"`
	Reasons              *[]string `json:"reasons"`
}

// LoadSettings reads the settings through q (a pool or a transaction).
func LoadSettings(ctx context.Context, q db.Queryer) (Settings, error) {
	out := DefaultSettings()
	v, err := settings.Value(ctx, q, settingsKey)
	if err != nil || v == "" {
		return out, err
	}
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return DefaultSettings(), fmt.Errorf("feedback: stored settings: %w", err)
	}
	if out.Channels == nil {
		out.Channels = []string{}
	}
	if out.Reasons == nil {
		out.Reasons = []string{}
	}
	return out, nil
}

// apply checks p against s and returns the changed settings.
func (p SettingsPatch) apply(s Settings) (Settings, error) {
	if p.Enabled != nil {
		s.Enabled = *p.Enabled
	}
	if p.Channels != nil {
		chans := []string{}
		for _, c := range *p.Channels {
			if !slices.Contains(KnownChannels, c) {
				return s, apperr.Invalid("channels", "%q is not a channel (%s)", c, strings.Join(KnownChannels, ", "))
			}
			if !slices.Contains(chans, c) {
				chans = append(chans, c)
			}
		}
		s.Channels = chans
	}
	if p.DelayMinutes != nil {
		if *p.DelayMinutes < 0 || *p.DelayMinutes > MaxDelayMinutes {
			return s, apperr.Invalid("delay_minutes", "must be between 0 and %d", MaxDelayMinutes)
		}
		s.DelayMinutes = *p.DelayMinutes
	}
	if p.CustomerIntervalDays != nil {
		if *p.CustomerIntervalDays < 0 || *p.CustomerIntervalDays > MaxIntervalDays {
			return s, apperr.Invalid("customer_interval_days", "must be between 0 and %d", MaxIntervalDays)
		}
		s.CustomerIntervalDays = *p.CustomerIntervalDays
	}
	if p.Reasons != nil {
		rs, err := checkReasons(*p.Reasons)
		if err != nil {
			return s, err
		}
		s.Reasons = rs
	}
	return s, nil
}

func checkReasons(in []string) ([]string, error) {
	if len(in) > MaxReasons {
		return nil, apperr.Invalid("reasons", "holds at most %d reasons", MaxReasons)
	}
	out := []string{}
	for _, r := range in {
		r = strings.TrimSpace(r)
		if r == "" {
			return nil, apperr.Invalid("reasons", "has an empty reason")
		}
		if utf8.RuneCountInString(r) > MaxReason {
			return nil, apperr.Invalid("reasons", "has a reason longer than %d characters", MaxReason)
		}
		if err := apperr.CheckStorable("reasons", r); err != nil {
			return nil, err
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// UpdateSettings applies p and records the change in the audit log.
func (s *Service) UpdateSettings(ctx context.Context, p SettingsPatch) (Settings, error) {
	var out Settings
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		before, err := LoadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if out, err = p.apply(before); err != nil {
			return err
		}
		raw, err := json.Marshal(out)
		if err != nil {
			return err
		}
		if err := settings.PutTx(ctx, tx, settingsKey, string(raw), s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "settings.updated", "setting", settingsKey,
			map[string]any{"before": before, "after": out})
	})
	return out, err
}

// Settings returns the current settings.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	return LoadSettings(ctx, s.db.Reader(ctx))
}
