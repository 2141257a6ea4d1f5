package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// customerColumns selects a customer with their first email identity.
//
// The subquery filters on customer_id alone, so that SQLite looks the
// identities up by the customer_identities_customer index; with kind in the
// WHERE clause it picks the (kind, value) primary key and walks every email
// address of every customer.
const customerColumns = `c.id, c.name, c.created_at, c.updated_at,
	COALESCE((SELECT MIN(CASE WHEN i.kind = 'email' THEN i.value END) FROM customer_identities i
		WHERE i.customer_id = c.id), '')`

func scanCustomer(row interface{ Scan(...any) error }) (*Customer, error) {
	var c Customer
	err := row.Scan(&c.ID, &c.Name, db.ScanTime(&c.CreatedAt), db.ScanTime(&c.UpdatedAt), &c.Email)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func getByID(ctx context.Context, q db.Queryer, id int64) (*Customer, error) {
	c, err := scanCustomer(q.QueryRowContext(ctx,
		`SELECT `+customerColumns+` FROM customers c WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("customer")
	}
	if err != nil {
		return nil, fmt.Errorf("customer: get %d: %w", id, err)
	}
	return c, nil
}

// idByIdentity returns the customer an identity belongs to, or 0.
func idByIdentity(ctx context.Context, q db.Queryer, kind, value string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx,
		`SELECT customer_id FROM customer_identities WHERE kind = $1 AND value = $2`, kind, value).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("customer: find %s identity: %w", kind, err)
	}
	return id, nil
}

func insertCustomer(ctx context.Context, q db.Queryer, name string, now time.Time) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `
		INSERT INTO customers (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id`,
		name, db.Time(now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("customer: insert: %w", err)
	}
	return id, nil
}

// claimIdentity gives an identity to customerID unless another customer
// already has it. The primary key (kind, value) decides between racing
// transactions: on PostgreSQL the loser's insert waits for the winner to
// commit and then does nothing.
func claimIdentity(ctx context.Context, q db.Queryer, customerID int64, kind, value string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `
		INSERT INTO customer_identities (customer_id, kind, value, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (kind, value) DO NOTHING`,
		customerID, kind, value, db.Time(now))
	if err != nil {
		return false, fmt.Errorf("customer: claim %s identity: %w", kind, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("customer: claim %s identity: %w", kind, err)
	}
	return n == 1, nil
}

func deleteCustomer(ctx context.Context, q db.Queryer, id int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM customers WHERE id = $1`, id); err != nil {
		return fmt.Errorf("customer: delete %d: %w", id, err)
	}
	return nil
}

func updateName(ctx context.Context, q db.Queryer, c *Customer) error {
	c.UpdatedAt = db.Now()
	_, err := q.ExecContext(ctx, `UPDATE customers SET name = $1, updated_at = $2 WHERE id = $3`,
		c.Name, db.Time(c.UpdatedAt), c.ID)
	if err != nil {
		return fmt.Errorf("customer: update %d: %w", c.ID, err)
	}
	return nil
}

// listCustomers returns up to limit customers with ids below before (all
// when before is 0), newest first.
func listCustomers(ctx context.Context, q db.Queryer, before int64, limit int) ([]*Customer, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT `+customerColumns+` FROM customers c
		WHERE ($1 = 0 OR c.id < $1) ORDER BY c.id DESC LIMIT $2`, before, limit)
	if err != nil {
		return nil, fmt.Errorf("customer: list: %w", err)
	}
	defer rows.Close()
	var out []*Customer
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, fmt.Errorf("customer: scan: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
