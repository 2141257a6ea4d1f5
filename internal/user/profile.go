package user

import (
	"context"
	"database/sql"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// MaxSignatureLen bounds a signature, in characters: a few lines of name,
// role and a link, not a newsletter.
const MaxSignatureLen = 1000

// ProfilePatch is what a user changes about themselves (GET and PATCH
// /api/v1/me, the account page); nil fields stay as they are.
type ProfilePatch struct {
	Signature *string `json:"signature"`
}

// UpdateProfile applies a user's change to their own profile.
func (s *Service) UpdateProfile(ctx context.Context, id int64, p ProfilePatch) (*User, error) {
	var out *User
	err := s.writeUsers(ctx, func(ctx context.Context, tx *sql.Tx) error {
		u, err := getByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Signature != nil {
			sig, err := checkSignature(*p.Signature)
			if err != nil {
				return err
			}
			u.Signature = sig
		}
		out = u
		return saveUser(ctx, tx, u)
	})
	return out, err
}

// checkSignature trims a signature and checks it is plain text of a
// sensible length. Line ends are kept as "\n" so mail renders them alike.
func checkSignature(sig string) (string, error) {
	sig = strings.ReplaceAll(sig, "\r\n", "\n")
	return apperr.CheckText("signature", sig, MaxSignatureLen, false)
}
