// Package background runs the server's periodic housekeeping (expired
// sessions and idempotency keys, orphan attachments) in one way: on a
// ticker, until the server's context ends, logging failures rather than
// stopping.
package background

import (
	"context"
	"log/slog"
	"time"
)

// Every runs fn every interval until ctx ends. A failure is logged under
// what and the next tick tries again; a failure caused by ctx ending is not
// logged, since it is the shutdown itself.
func Every(ctx context.Context, interval time.Duration, log *slog.Logger, what string, fn func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := fn(ctx); err != nil && ctx.Err() == nil {
				log.Error(what, "err", err)
			}
		}
	}
}
