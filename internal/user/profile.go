package user

import (
	"context"
	"database/sql"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/timezone"
)

// MaxSignatureLen bounds a signature, in characters: a few lines of name,
// role and a link, not a newsletter.
const MaxSignatureLen = 1000

// ProfilePatch is what a user changes about themselves (GET and PATCH
// /api/v1/me, the account page); nil fields stay as they are.
type ProfilePatch struct {
	// TimeZone is an IANA zone name such as Europe/Oslo.
	TimeZone *string `json:"time_zone"`
	// Signature is written below the user's replies in mail (plain text).
	Signature *string `json:"signature"`
}

// UpdateProfile applies a user's change to their own profile.
// Both fields are checked before anything is written, so a bad one
// changes neither.
func (s *Service) UpdateProfile(ctx context.Context, id int64, p ProfilePatch) (*User, error) {
	if p.TimeZone != nil {
		if _, err := timezone.Check("time_zone", *p.TimeZone); err != nil {
			return nil, err
		}
	}
	var sig string
	if p.Signature != nil {
		var err error
		if sig, err = checkSignature(*p.Signature); err != nil {
			return nil, err
		}
	}
	var out *User
	err := s.writeUsers(ctx, func(ctx context.Context, tx *sql.Tx) error {
		u, err := getByID(ctx, tx, id)
		if err != nil {
			return err
		}
		out = u
		before := u.TimeZone
		if p.TimeZone != nil {
			u.TimeZone = *p.TimeZone
		}
		if p.Signature != nil {
			u.Signature = sig
		}
		if err := saveUser(ctx, tx, u); err != nil {
			return err
		}
		if u.TimeZone == before {
			return nil
		}
		return audit.Record(ctx, tx, "user.updated", "user", u.ID, map[string]any{"time_zone": []string{before, u.TimeZone}})
	})
	return out, err
}

// checkSignature trims a signature and checks it is plain text of a
// sensible length. Line ends are kept as "\n" so mail renders them alike.
func checkSignature(sig string) (string, error) {
	sig = strings.ReplaceAll(sig, "\r\n", "\n")
	return apperr.CheckText("signature", sig, MaxSignatureLen, false)
}
