package customer

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Merging and erasing a customer reach into other domains' tables
// (tickets, messages, mail); internal/privacy runs them, in one
// transaction, and calls these for the customer's own rows.

// LockForMerge locks customers from and into, in id order, and reads them
// for a merge of from into into. A missing into, an erased customer, and a
// customer merged into themselves are refused.
func LockForMerge(ctx context.Context, tx *sql.Tx, from, into int64) (src, dst *Customer, err error) {
	if into <= 0 {
		return nil, nil, apperr.Invalid("into", "is required")
	}
	if from == into {
		return nil, nil, apperr.Unprocessable("into", "a customer cannot be merged into themselves")
	}
	for _, id := range []int64{min(from, into), max(from, into)} {
		if err := lockCustomer(ctx, tx, id); err != nil {
			if id == into && apperr.Is(err, apperr.KindNotFound) {
				return nil, nil, apperr.Unprocessable("into", "no customer has id %d", into)
			}
			return nil, nil, err
		}
	}
	if src, err = getByID(ctx, tx, from); err != nil {
		return nil, nil, err
	}
	if dst, err = getByID(ctx, tx, into); err != nil {
		return nil, nil, err
	}
	if src.ErasedAt != nil {
		return nil, nil, apperr.Unprocessable("id", "the customer's data was erased; they cannot be merged")
	}
	if dst.ErasedAt != nil {
		return nil, nil, apperr.Unprocessable("into", "customer %d was erased; merge into another", into)
	}
	return src, dst, nil
}

// MoveIdentities gives every identity of customer from to customer into,
// and returns how many moved. A merge moves identities before anything
// else, which waits for messages being resolved to from's identities (see
// lockIdentity) so that the rest of the merge sees their tickets.
func MoveIdentities(ctx context.Context, tx *sql.Tx, from, into int64) (int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE customer_identities SET customer_id = $1 WHERE customer_id = $2`,
		into, from)
	if err != nil {
		return 0, fmt.Errorf("customer: move identities of %d: %w", from, err)
	}
	moved, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("customer: move identities of %d: %w", from, err)
	}
	return moved, nil
}

// FinishMerge gives dst src's organization and notes where dst has none,
// and deletes src. Everything else that refers to src must have moved
// already.
func FinishMerge(ctx context.Context, tx *sql.Tx, src, dst *Customer) error {
	if dst.Organization == nil {
		dst.Organization = src.Organization
	}
	switch {
	case dst.Notes == "":
		dst.Notes = src.Notes
	case src.Notes != "":
		dst.Notes += "\n\n" + src.Notes
	}
	if err := saveCustomer(ctx, tx, dst); err != nil {
		return err
	}
	return deleteCustomer(ctx, tx, src.ID)
}

// Anonymise erases customer id's own personal data: the name becomes
// ErasedName, notes and organization are cleared, every identity is
// deleted, and erased_at is set. The row stays, so that tickets keep their
// requester. It returns the customer as they were, whose identities and
// name the caller scrubs from elsewhere.
func Anonymise(ctx context.Context, tx *sql.Tx, id int64) (*Customer, error) {
	if err := lockCustomer(ctx, tx, id); err != nil {
		return nil, err
	}
	before, err := getByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM customer_identities WHERE customer_id = $1`, id); err != nil {
		return nil, fmt.Errorf("customer: erase identities of %d: %w", id, err)
	}
	now := db.Time(db.Now())
	_, err = tx.ExecContext(ctx, `UPDATE customers SET name = $1, notes = '', organization_id = NULL,
		erased_at = $2, updated_at = $2 WHERE id = $3`, ErasedName, now, id)
	if err != nil {
		return nil, fmt.Errorf("customer: erase %d: %w", id, err)
	}
	return before, nil
}

// Get reads customer id through q, such as the caller's transaction.
func Get(ctx context.Context, q db.Queryer, id int64) (*Customer, error) {
	return getByID(ctx, q, id)
}
