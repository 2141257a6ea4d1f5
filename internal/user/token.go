package user

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Token is an API token. Its secret is shown once, at creation; only its
// hash is stored.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// tokenPrefix marks Centerdesk tokens, so secret scanners can find leaked ones.
const tokenPrefix = "cdk_"

// lastUsedGranularity limits how often a token's last-used time is written:
// once a minute is precise enough to tell a live token from a dead one, and
// keeps a busy integration from writing on every request.
const lastUsedGranularity = time.Minute

func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateOwnToken makes a new token for a user who asked for it themselves
// (through the account page or the API), once they have re-authenticated
// (see Reauth), and returns it with its secret, which cannot be read again.
// When the instance requires two-factor sign-in, a user who has not
// enrolled gets no token: it would not work (see Authenticate).
func (s *Service) CreateOwnToken(ctx context.Context, userID int64, name string, re Reauth) (*Token, string, error) {
	name, err := checkTokenName(name)
	if err != nil {
		return nil, "", err
	}
	u, err := getByID(ctx, s.db.Reader(ctx), userID)
	if err != nil {
		return nil, "", err
	}
	if err := s.refuseUnenrolled(ctx, u); err != nil {
		return nil, "", err
	}
	if err := s.reauthenticate(ctx, u, re); err != nil {
		return nil, "", err
	}
	return s.CreateToken(ctx, userID, name)
}

// refuseUnenrolled refuses a user without two-factor sign-in when the
// instance requires it.
func (s *Service) refuseUnenrolled(ctx context.Context, u *User) error {
	if u.TOTPEnabled {
		return nil
	}
	required, err := s.twoFactorRequired(ctx)
	if err != nil || !required {
		return err
	}
	return errTwoFactorRequired
}

// errTwoFactorRequired says why an unenrolled user's token is refused, and
// how to fix it.
var errTwoFactorRequired = apperr.Forbidden("this Centerdesk requires two-factor sign-in and your account has none: " +
	"enrol in two-factor authentication at /account/two-factor, then API tokens work again")

func checkTokenName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", apperr.Invalid("name", "is required (say what the token is for)")
	}
	if utf8.RuneCountInString(name) > 100 {
		return "", apperr.Invalid("name", "is longer than 100 characters")
	}
	return name, nil
}

// CreateToken makes a new token for the user and returns it with its
// secret, which cannot be read again. It checks no password: it is for the
// operator's command line on the server; users go through CreateOwnToken.
func (s *Service) CreateToken(ctx context.Context, userID int64, name string) (*Token, string, error) {
	name, err := checkTokenName(name)
	if err != nil {
		return nil, "", err
	}
	secret := tokenPrefix + strings.ToLower(rand.Text()) // 26 base32 characters: 130 bits
	t := &Token{UserID: userID, Name: name, Prefix: secret[:len(tokenPrefix)+6], CreatedAt: s.now()}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		u, err := getByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `
			INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			userID, t.Name, t.Prefix, hashToken(secret), db.Time(t.CreatedAt)).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("user: insert token: %w", err)
		}
		return audit.Record(ctx, tx, "token.created", "api_token", t.ID,
			map[string]any{"name": t.Name, "owner": u.Email})
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// Tokens lists a user's tokens, newest first, revoked ones included.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]*Token, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `
		SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("user: list tokens: %w", err)
	}
	defer rows.Close()
	var out []*Token
	for rows.Next() {
		var t Token
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, db.ScanTime(&t.CreatedAt),
			db.ScanNullTime(&t.LastUsedAt), db.ScanNullTime(&t.RevokedAt)); err != nil {
			return nil, fmt.Errorf("user: scan token: %w", err)
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

// OwnedToken is a token with who owns it, as an admin reviews every token.
type OwnedToken struct {
	Token
	OwnerEmail string `json:"owner_email"`
	OwnerName  string `json:"owner_name"`
}

// AllTokens lists every user's tokens, live ones first, then newest first,
// for admins to see what can reach the API and revoke what should not.
func (s *Service) AllTokens(ctx context.Context) ([]*OwnedToken, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `
		SELECT t.id, t.user_id, t.name, t.prefix, t.created_at, t.last_used_at, t.revoked_at, u.email, u.name
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		ORDER BY t.revoked_at IS NOT NULL, t.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("user: list all tokens: %w", err)
	}
	defer rows.Close()
	var out []*OwnedToken
	for rows.Next() {
		var t OwnedToken
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, db.ScanTime(&t.CreatedAt),
			db.ScanNullTime(&t.LastUsedAt), db.ScanNullTime(&t.RevokedAt), &t.OwnerEmail, &t.OwnerName); err != nil {
			return nil, fmt.Errorf("user: scan token: %w", err)
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

// RevokeToken ends a token. by may revoke their own tokens; admins may revoke
// anyone's.
func (s *Service) RevokeToken(ctx context.Context, by *User, tokenID int64) error {
	return s.writeUsers(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var owner int64
		var revoked *time.Time
		err := tx.QueryRowContext(ctx, `SELECT user_id, revoked_at FROM api_tokens WHERE id = $1`, tokenID).
			Scan(&owner, db.ScanNullTime(&revoked))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != by.ID && !by.IsAdmin()) {
			return apperr.NotFound("token")
		}
		if err != nil {
			return fmt.Errorf("user: read token: %w", err)
		}
		if revoked != nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`,
			db.Time(s.now()), tokenID); err != nil {
			return fmt.Errorf("user: revoke token: %w", err)
		}
		return audit.Record(ctx, tx, "token.revoked", "api_token", tokenID, map[string]any{"owner_id": owner})
	})
}

// errBadToken is the one answer to a token that does not authenticate,
// whether it is malformed, unknown, revoked or its owner disabled, so the
// answer tells a guesser nothing about which.
var errBadToken = apperr.Unauthorized("the API token is not valid (mistyped, revoked, or its owner disabled)")

// Authenticate returns the active user a token belongs to, for a request
// from ip. Unknown, revoked and disabled-owner tokens are refused alike,
// and count toward a throttle on ip: once it has failed too often, every
// token from ip is refused for a while, before it is even looked up. When
// the instance requires two-factor sign-in, the token of a user who has
// not enrolled is refused, saying why. A token looked up in the last
// tokenCacheTTL is answered from memory (see tokencache.go).
func (s *Service) Authenticate(ctx context.Context, secret, ip string) (*User, error) {
	now := s.now()
	if until, ok := s.tokens.lockedAddr(ip, now); ok {
		return nil, lockout("too many failed API token authentications from your address", until, now)
	}
	hash := hashToken(secret)
	e, ok := s.tokens.get(hash, now)
	if !ok {
		var err error
		if e, err = s.lookUpToken(ctx, hash, ip, now); err != nil {
			return nil, err
		}
	}
	if e.unenrolled {
		return nil, errTwoFactorRequired
	}
	if e.lastUsed == nil || now.Sub(*e.lastUsed) >= lastUsedGranularity {
		if _, err := s.db.Writer(ctx).ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`,
			db.Time(now), e.tokenID); err != nil {
			return nil, fmt.Errorf("user: touch token: %w", err)
		}
		s.tokens.touched(hash, now)
	}
	u := e.user
	return &u, nil
}

// lookUpToken refuses ip if it is locked out, then reads the token and its
// active owner and caches them. Whether the owner must enrol a second
// factor is read after the token, so a change of the require_2fa setting
// that empties the cache meanwhile keeps the entry out of it.
func (s *Service) lookUpToken(ctx context.Context, hash, ip string, now time.Time) (tokenEntry, error) {
	gen := s.tokens.generation()
	var e tokenEntry
	keys := tokenThrottleKeys(ip)
	until, err := lockedUntil(ctx, s.db.Reader(ctx), keys, now)
	if err != nil {
		return e, err
	}
	if !until.IsZero() {
		s.tokens.lockAddr(ip, until)
		return e, lockout("too many failed API token authentications from your address", until, now)
	}
	u, err := scanUser(s.db.Reader(ctx).QueryRowContext(ctx, `
		SELECT t.id, t.last_used_at, `+prefixed("u", userColumns)+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL`, hash),
		&e.tokenID, db.ScanNullTime(&e.lastUsed))
	if errors.Is(err, sql.ErrNoRows) {
		return e, s.failToken(ctx, keys, ip, now)
	}
	if err != nil {
		return e, fmt.Errorf("user: authenticate token: %w", err)
	}
	if !u.TOTPEnabled {
		if e.unenrolled, err = s.twoFactorRequired(ctx); err != nil {
			return e, err
		}
	}
	e.user, e.expires = *u, now.Add(tokenCacheTTL)
	s.tokens.put(hash, gen, e)
	return e, nil
}

// failToken counts a failed token authentication against ip and returns
// the one answer every bad token gets.
func (s *Service) failToken(ctx context.Context, keys []throttleKey, ip string, now time.Time) error {
	var locked time.Time
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		locked, err = recordFailure(ctx, tx, keys, now)
		return err
	})
	if err != nil {
		return err
	}
	if !locked.IsZero() {
		s.tokens.lockAddr(ip, locked)
	}
	return errBadToken
}

// writeUsers runs fn in a transaction that changes users or tokens, and
// then empties the token cache, so the change holds for API requests at
// once.
func (s *Service) writeUsers(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	defer s.tokens.forget()
	return s.db.Tx(ctx, fn)
}

// prefixed qualifies each column in a comma-separated list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
