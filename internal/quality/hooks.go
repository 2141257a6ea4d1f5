package quality

import (
	"context"
	"database/sql"
)

// SubmitHook runs in the transaction that submits a review, once the
// review is saved with its ratings and score: a failing hook fails the
// submission. Other domains (recognition proposes badges) follow reviews
// through it without this package importing them.
type SubmitHook func(ctx context.Context, tx *sql.Tx, r *Review) error

// OnSubmit adds h to the hooks run when a review is submitted. Register
// hooks before the service is used.
func (s *Service) OnSubmit(h SubmitHook) { s.onSubmit = append(s.onSubmit, h) }

func (s *Service) runSubmitHooks(ctx context.Context, tx *sql.Tx, r *Review) error {
	for _, h := range s.onSubmit {
		if err := h(ctx, tx, r); err != nil {
			return err
		}
	}
	return nil
}
