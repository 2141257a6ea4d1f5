// Package user holds the people who work in Centerdesk (agents, leads and
// admins)
// and how they prove who they are: passwords, two-factor codes, API tokens,
// and the throttle that slows down guessing.
package user

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Role is what a user may do.
type Role string

// The roles. A lead is an agent who also runs the team's quality
// programme (its philosophy, reviews and coaching) but does not administer
// the desk; what a lead may do beyond an agent is decided by
// (*User).IsLead, never by "not an admin".
const (
	RoleAdmin Role = "admin"
	RoleLead  Role = "lead"
	RoleAgent Role = "agent"
)

// Roles lists the roles, most powerful first, for forms.
var Roles = []Role{RoleAdmin, RoleLead, RoleAgent}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleAdmin, RoleLead, RoleAgent:
		return r, nil
	}
	return "", apperr.Invalid("role", "must be admin, lead or agent, not %q", s)
}

// User is an agent, lead or admin.
type User struct {
	ID          int64  `json:"id"`
	Email       string `json:"email"`
	Name        string `json:"name"`
	Role        Role   `json:"role"`
	TOTPEnabled bool   `json:"two_factor_enabled"`
	// TimeZone is the IANA zone pages show the user times in; "" until
	// they choose one or first sign in from a browser that says (pages use
	// the desk's zone meanwhile).
	TimeZone   string     `json:"time_zone"`
	DisabledAt *time.Time `json:"disabled_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	// Signature is written below the user's replies in mail (plain text).
	Signature string `json:"signature"`

	passwordHash string
	totpSecret   string // sealed
	totpLastStep int64
	// SessionEpoch changes whenever existing sign-ins must end (password
	// changed, account disabled, second factor reset).
	SessionEpoch int64 `json:"-"`
}

// IsAdmin reports whether u administers the instance.
func (u *User) IsAdmin() bool { return u.Role == RoleAdmin }

// IsLead reports whether u may run the quality programme: write the
// philosophy, build scorecards, draw queues, resolve disputes and read every
// review. Leads do, and so do admins, who answer for the whole desk. A nil
// user does not.
func (u *User) IsLead() bool { return u != nil && (u.Role == RoleAdmin || u.Role == RoleLead) }

// Active reports whether u may sign in.
func (u *User) Active() bool { return u.DisabledAt == nil }

type ctxKey struct{}

// WithUser returns ctx carrying the signed-in user.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, ctxKey{}, u)
}

// FromContext returns the signed-in user, or nil.
func FromContext(ctx context.Context) *User {
	u, _ := ctx.Value(ctxKey{}).(*User)
	return u
}

// NormalizeEmail checks an email address and returns it lower-cased, which
// is how addresses are stored and compared.
func NormalizeEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", apperr.Invalid(field, "is required")
	}
	if len(s) > 254 {
		return "", apperr.Invalid(field, "is longer than 254 characters")
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return "", apperr.Invalid(field, "%q is not a valid email address", s)
	}
	return strings.ToLower(s), nil
}

func checkName(name string) (string, error) {
	return apperr.CheckText("name", name, 200, true)
}

// Password length bounds: long enough to resist guessing, short enough that
// hashing cannot be abused to burn CPU.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

func checkPassword(field, pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return apperr.Invalid(field, "must be at least %d characters", MinPasswordLen)
	case n > MaxPasswordLen:
		return apperr.Invalid(field, "must be at most %d characters", MaxPasswordLen)
	}
	return nil
}
