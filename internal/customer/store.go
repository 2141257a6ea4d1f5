package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// customerColumns selects a customer with their first email identity and
// their organization's name.
//
// The subquery filters on customer_id alone, so that SQLite looks the
// identities up by the customer_identities_customer index; with kind in the
// WHERE clause it picks the (kind, value) key and walks every email address
// of every customer.
const customerColumns = `c.id, c.name, c.notes, c.organization_id, COALESCE(o.name, ''), c.erased_at,
	c.created_at, c.updated_at,
	COALESCE((SELECT MIN(CASE WHEN i.kind = 'email' THEN i.value END) FROM customer_identities i
		WHERE i.customer_id = c.id), '')`

const customerFrom = ` FROM customers c LEFT JOIN organizations o ON o.id = c.organization_id`

func scanCustomer(row interface{ Scan(...any) error }) (*Customer, error) {
	var (
		c       Customer
		orgID   *int64
		orgName string
	)
	err := row.Scan(&c.ID, &c.Name, &c.Notes, &orgID, &orgName, db.ScanNullTime(&c.ErasedAt),
		db.ScanTime(&c.CreatedAt), db.ScanTime(&c.UpdatedAt), &c.Email)
	if err != nil {
		return nil, err
	}
	if orgID != nil {
		c.Organization = &OrgRef{ID: *orgID, Name: orgName}
	}
	c.Identities = []Identity{}
	return &c, nil
}

func getByID(ctx context.Context, q db.Queryer, id int64) (*Customer, error) {
	c, err := scanCustomer(q.QueryRowContext(ctx, `SELECT `+customerColumns+customerFrom+` WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("customer")
	}
	if err != nil {
		return nil, fmt.Errorf("customer: get %d: %w", id, err)
	}
	if err := loadIdentities(ctx, q, []*Customer{c}); err != nil {
		return nil, err
	}
	return c, nil
}

// loadIdentities fills the identities of cs with one query.
func loadIdentities(ctx context.Context, q db.Queryer, cs []*Customer) error {
	if len(cs) == 0 {
		return nil
	}
	byID := make(map[int64]*Customer, len(cs))
	marks := make([]string, len(cs))
	args := make([]any, len(cs))
	for i, c := range cs {
		byID[c.ID] = c
		marks[i] = fmt.Sprintf("$%d", i+1)
		args[i] = c.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT customer_id, id, kind, value, created_at FROM customer_identities
		WHERE customer_id IN (`+strings.Join(marks, ", ")+`) ORDER BY id`, args...)
	if err != nil {
		return fmt.Errorf("customer: identities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			owner int64
			i     Identity
		)
		if err := rows.Scan(&owner, &i.ID, &i.Kind, &i.Value, db.ScanTime(&i.CreatedAt)); err != nil {
			return fmt.Errorf("customer: scan identity: %w", err)
		}
		byID[owner].Identities = append(byID[owner].Identities, i)
	}
	return rows.Err()
}

// lockCustomer takes customer id's row lock before it is read for a
// change, so that two changes of one customer (an edit, a merge, an
// erasure) see each other's result; a merge takes its pair's in id order,
// so that two merges of one pair cannot deadlock. A no-op UPDATE does it in
// both dialects. A customer that does not exist (any more) is not found.
func lockCustomer(ctx context.Context, q db.Queryer, id int64) error {
	res, err := q.ExecContext(ctx, `UPDATE customers SET id = id WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("customer: lock %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("customer: lock %d: %w", id, err)
	}
	if n == 0 {
		return apperr.NotFound("customer")
	}
	return nil
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

// lockIdentity returns the customer an identity belongs to, or 0, and
// holds the identity's row lock until the transaction ends. A merge or an
// erasure changes identities first, so on PostgreSQL a message resolved
// while one runs either waits for it and then finds the survivor (or no
// one, and makes a new customer), or holds the merge or erasure back until
// its ticket has committed, and is then moved or erased with the rest.
// A plain read would see the old owner and write to a customer being
// merged away or erased. On SQLite the one writer orders them anyway.
func lockIdentity(ctx context.Context, q db.Queryer, kind, value string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `UPDATE customer_identities SET customer_id = customer_id
		WHERE kind = $1 AND value = $2 RETURNING customer_id`, kind, value).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("customer: lock %s identity: %w", kind, err)
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
// already has it. The unique (kind, value) decides between racing
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

// saveCustomer writes a customer's own columns.
func saveCustomer(ctx context.Context, q db.Queryer, c *Customer) error {
	c.UpdatedAt = db.Now()
	var orgID *int64
	if c.Organization != nil {
		orgID = &c.Organization.ID
	}
	_, err := q.ExecContext(ctx, `UPDATE customers SET name = $1, notes = $2, organization_id = $3,
		updated_at = $4 WHERE id = $5`, c.Name, c.Notes, orgID, db.Time(c.UpdatedAt), c.ID)
	if err != nil {
		return fmt.Errorf("customer: update %d: %w", c.ID, err)
	}
	return nil
}

// listCustomers returns up to limit customers with ids below before (all
// when before is 0), newest first, only those of organization org when it
// is not 0.
func listCustomers(ctx context.Context, q db.Queryer, org, before int64, limit int) ([]*Customer, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+customerColumns+customerFrom+`
		WHERE ($1 = 0 OR c.id < $1) AND ($2 = 0 OR c.organization_id = $2)
		ORDER BY c.id DESC LIMIT $3`, before, org, limit)
	if err != nil {
		return nil, fmt.Errorf("customer: list: %w", err)
	}
	return scanCustomers(ctx, q, rows, "list")
}

// scanCustomers reads every row of a customers query, closes rows, and
// loads the customers' identities; op names the query in errors.
func scanCustomers(ctx context.Context, q db.Queryer, rows *sql.Rows, op string) ([]*Customer, error) {
	out := []*Customer{}
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("customer: scan: %w", err)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("customer: %s: %w", op, err)
	}
	return out, loadIdentities(ctx, q, out)
}
