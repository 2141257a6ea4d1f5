package user

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const userColumns = `id, email, name, role, password_hash, totp_secret, totp_enabled,
	totp_last_step, session_epoch, time_zone, disabled_at, created_at, updated_at, signature`

// scanUser reads userColumns, after any extra leading columns a query selects.
func scanUser(row interface{ Scan(...any) error }, extra ...any) (*User, error) {
	var u User
	err := row.Scan(append(extra, &u.ID, &u.Email, &u.Name, &u.Role, &u.passwordHash, &u.totpSecret, &u.TOTPEnabled,
		&u.totpLastStep, &u.SessionEpoch, &u.TimeZone, db.ScanNullTime(&u.DisabledAt), db.ScanTime(&u.CreatedAt),
		db.ScanTime(&u.UpdatedAt), &u.Signature)...)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

func getUser(ctx context.Context, q db.Queryer, where string, arg any) (*User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("user")
	}
	if err != nil {
		return nil, fmt.Errorf("user: get: %w", err)
	}
	return u, nil
}

func getByID(ctx context.Context, q db.Queryer, id int64) (*User, error) {
	return getUser(ctx, q, "id = $1", id)
}

func getByEmail(ctx context.Context, q db.Queryer, email string) (*User, error) {
	return getUser(ctx, q, "email = $1", email)
}

func insertUser(ctx context.Context, q db.Queryer, u *User) error {
	now := db.Now()
	err := q.QueryRowContext(ctx, `
		INSERT INTO users (email, name, role, password_hash, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
		u.Email, u.Name, u.Role, u.passwordHash, db.Time(now)).Scan(&u.ID)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("email", "a user with the email address %s already exists", u.Email)
	}
	if err != nil {
		return fmt.Errorf("user: insert: %w", err)
	}
	u.CreatedAt, u.UpdatedAt = now, now
	return nil
}

// saveUser writes every mutable column of u.
func saveUser(ctx context.Context, q db.Queryer, u *User) error {
	u.UpdatedAt = db.Now()
	_, err := q.ExecContext(ctx, `
		UPDATE users SET name = $1, role = $2, password_hash = $3, totp_secret = $4, totp_enabled = $5,
			totp_last_step = $6, session_epoch = $7, time_zone = $8, disabled_at = $9, updated_at = $10,
			signature = $11
		WHERE id = $12`,
		u.Name, u.Role, u.passwordHash, u.totpSecret, u.TOTPEnabled,
		u.totpLastStep, u.SessionEpoch, u.TimeZone, db.NullTime(u.DisabledAt), db.Time(u.UpdatedAt),
		u.Signature, u.ID)
	if err != nil {
		return fmt.Errorf("user: save %d: %w", u.ID, err)
	}
	return nil
}

func listUsers(ctx context.Context, q db.Queryer) ([]*User, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("user: list: %w", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("user: scan: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// countActiveAdmins guards against an instance left without an admin.
func countActiveAdmins(ctx context.Context, q db.Queryer) (int, error) {
	var n int
	err := q.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("user: count admins: %w", err)
	}
	return n, nil
}
