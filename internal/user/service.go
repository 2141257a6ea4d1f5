package user

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/secret"
)

// Service manages users and checks their credentials.
type Service struct {
	db     *db.DB
	box    *secret.Box
	params PasswordParams
	now    func() time.Time

	// dummyHash is checked against when an email address is unknown, so a
	// failed sign-in takes as long whether or not the account exists.
	dummyHash string

	tokens tokenCache // API tokens recently looked up (see tokencache.go)

	// require2FA reports whether the instance requires two-factor sign-in
	// (see SetTwoFactorPolicy); nil means it does not.
	require2FA func(context.Context) (bool, error)
}

// SetTwoFactorPolicy tells the Service how to learn whether the instance
// requires two-factor sign-in (the require_2fa setting), which decides
// whether unenrolled users may create or use API tokens. Whoever changes
// the answer calls ForgetTokens afterwards, so it holds at once.
func (s *Service) SetTwoFactorPolicy(required func(context.Context) (bool, error)) {
	s.require2FA = required
}

func (s *Service) twoFactorRequired(ctx context.Context) (bool, error) {
	if s.require2FA == nil {
		return false, nil
	}
	required, err := s.require2FA(ctx)
	if err != nil {
		return false, fmt.Errorf("user: read two-factor policy: %w", err)
	}
	return required, nil
}

// ForgetTokens empties the token cache, so a change made outside this
// Service that decides whether tokens work (the require_2fa setting)
// holds for the next API request.
func (s *Service) ForgetTokens() { s.tokens.forget() }

// NewService returns a Service. box seals two-factor secrets.
func NewService(d *db.DB, box *secret.Box, params PasswordParams) *Service {
	dummy, err := HashPassword("not a real password", params)
	if err != nil {
		panic(err)
	}
	return &Service{db: d, box: box, params: params, now: db.Now, dummyHash: dummy}
}

// NewUser is what it takes to create a user.
type NewUser struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

// Create adds a user and records it in the audit log.
func (s *Service) Create(ctx context.Context, n NewUser) (*User, error) {
	u, err := s.validateNew(n)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := insertUser(ctx, tx, u); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "user.created", "user", u.ID,
			map[string]any{"email": u.Email, "role": u.Role})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Service) validateNew(n NewUser) (*User, error) {
	email, err := NormalizeEmail("email", n.Email)
	if err != nil {
		return nil, err
	}
	name, err := checkName(n.Name)
	if err != nil {
		return nil, err
	}
	role, err := ParseRole(n.Role)
	if err != nil {
		return nil, err
	}
	if err := checkPassword("password", n.Password); err != nil {
		return nil, err
	}
	hash, err := HashPassword(n.Password, s.params)
	if err != nil {
		return nil, err
	}
	return &User{Email: email, Name: name, Role: role, passwordHash: hash}, nil
}

// Get returns a user by id.
func (s *Service) Get(ctx context.Context, id int64) (*User, error) {
	return getByID(ctx, s.db.Reader(ctx), id)
}

// GetByEmail returns a user by email address, in any case.
func (s *Service) GetByEmail(ctx context.Context, email string) (*User, error) {
	norm, err := NormalizeEmail("email", email)
	if err != nil {
		return nil, err
	}
	return getByEmail(ctx, s.db.Reader(ctx), norm)
}

// List returns every user, by name.
func (s *Service) List(ctx context.Context) ([]*User, error) {
	return listUsers(ctx, s.db.Reader(ctx))
}

// Count returns how many users exist, to tell a first start.
func (s *Service) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// Patch is an admin's change to a user; nil fields stay as they are.
type Patch struct {
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
}

// Update applies an admin's change, refusing one that would leave the
// instance without an active admin.
func (s *Service) Update(ctx context.Context, id int64, p Patch) (*User, error) {
	var out *User
	err := s.writeUsers(ctx, func(ctx context.Context, tx *sql.Tx) error {
		u, err := getByID(ctx, tx, id)
		if err != nil {
			return err
		}
		changes, err := s.applyPatch(u, p)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			out = u
			return nil
		}
		if err := saveUser(ctx, tx, u); err != nil {
			return err
		}
		if err := keepAnAdmin(ctx, tx); err != nil {
			return err
		}
		out = u
		return audit.Record(ctx, tx, "user.updated", "user", u.ID, changes)
	})
	return out, err
}

// applyPatch changes u in memory and returns what changed, before and after.
func (s *Service) applyPatch(u *User, p Patch) (map[string]any, error) {
	changes := map[string]any{}
	if p.Name != nil {
		name, err := checkName(*p.Name)
		if err != nil {
			return nil, err
		}
		if name != u.Name {
			changes["name"] = []string{u.Name, name}
			u.Name = name
		}
	}
	if p.Role != nil {
		role, err := ParseRole(*p.Role)
		if err != nil {
			return nil, err
		}
		if role != u.Role {
			changes["role"] = []Role{u.Role, role}
			u.Role = role
		}
	}
	if p.Disabled != nil && *p.Disabled != !u.Active() {
		changes["disabled"] = []bool{!u.Active(), *p.Disabled}
		if *p.Disabled {
			now := s.now()
			u.DisabledAt = &now
			u.SessionEpoch++ // sign the user out everywhere
		} else {
			u.DisabledAt = nil
		}
	}
	return changes, nil
}

// keepAnAdmin runs inside the transaction after a change is saved: if no
// active admin is left, it fails and the transaction rolls the change back.
func keepAnAdmin(ctx context.Context, tx *sql.Tx) error {
	n, err := countActiveAdmins(ctx, tx)
	if err != nil {
		return err
	}
	if n == 0 {
		return apperr.Conflict("", "this would leave no active admin: make another user an admin first")
	}
	return nil
}

// ChangePassword sets a new password once the user has re-authenticated
// (see Reauth), and ends the user's other sign-ins.
func (s *Service) ChangePassword(ctx context.Context, id int64, re Reauth, next string) error {
	if err := checkPassword("new_password", next); err != nil {
		return err
	}
	hash, err := HashPassword(next, s.params)
	if err != nil {
		return err
	}
	if err := s.reauthenticateID(ctx, id, re); err != nil {
		return err
	}
	return s.writeUsers(ctx, func(ctx context.Context, tx *sql.Tx) error {
		u, err := getByID(ctx, tx, id)
		if err != nil {
			return err
		}
		u.passwordHash = hash
		u.SessionEpoch++
		if err := saveUser(ctx, tx, u); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "user.password_changed", "user", u.ID, nil)
	})
}

// ChangeEmail sets the user's email address (what they sign in with) once
// they have re-authenticated (see Reauth).
func (s *Service) ChangeEmail(ctx context.Context, id int64, re Reauth, email string) (*User, error) {
	norm, err := NormalizeEmail("email", email)
	if err != nil {
		return nil, err
	}
	if err := s.reauthenticateID(ctx, id, re); err != nil {
		return nil, err
	}
	var out *User
	err = s.writeUsers(ctx, func(ctx context.Context, tx *sql.Tx) error {
		u, err := getByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if u.Email == norm {
			out = u
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET email = $1, updated_at = $2 WHERE id = $3`,
			norm, db.Time(s.now()), u.ID)
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("email", "a user with the email address %s already exists", norm)
		}
		if err != nil {
			return fmt.Errorf("user: change email of %d: %w", u.ID, err)
		}
		before := u.Email
		u.Email = norm
		out = u
		return audit.Record(ctx, tx, "user.email_changed", "user", u.ID, map[string]any{"email": []string{before, norm}})
	})
	return out, err
}

// reauthenticateID reads the user and checks re against them.
func (s *Service) reauthenticateID(ctx context.Context, id int64, re Reauth) error {
	u, err := getByID(ctx, s.db.Reader(ctx), id)
	if err != nil {
		return err
	}
	return s.reauthenticate(ctx, u, re)
}
