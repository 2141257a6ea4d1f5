package jobs

import "context"

// Claim takes up to n due jobs without running them: a test's worker that
// "crashes" right after claiming.
func (q *Queue) Claim(ctx context.Context, n int) ([]*Job, error) { return q.claim(ctx, n) }

// Backoff exposes the retry wait for tests of its bounds.
func (q *Queue) Backoff(attempt int) int64 { return int64(q.backoff(attempt)) }
