// Package jobs is Centerdesk's durable job queue: work that leaves the
// process (sending mail, later webhooks) is written as a row of the jobs
// table in the same transaction as the change that calls for it, and run
// by workers that retry it with backoff until it succeeds, fails for good,
// or runs out of attempts. A committed job is never lost: a worker that
// dies while running one loses its lease, and the job becomes due again
// when the lease ends.
//
// # Life of a job
//
//	queued ──claim──> running ──ok──────────────> done (pruned after a while)
//	   ^                 │ ──temporary error──> failed ──(run_at)──> claimed again
//	   │                 │ ──permanent error, or last attempt──> dead (kept, with the reason)
//	   └── lease ends ───┘   (worker died: the job is claimed again, one attempt used)
//
// A claim sets state running, adds one to attempts, and sets locked_by (the
// worker) and locked_until (the lease end, also copied to run_at so that one
// index finds every due job, running ones whose lease has ended included).
// Every later change a worker makes to the job is guarded by locked_by and
// attempts, so a worker that lost its lease cannot overwrite the work of the
// one that took the job over. A handler's context ends before its lease
// does, so a live worker does not normally lose a lease.
//
// Claims take FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers and
// nodes each take different jobs; SQLite has one writer, so claims are
// serialised there anyway.
//
// # Exactly once, as nearly as the outside world allows
//
// A handler whose work has an effect outside the database (an SMTP
// conversation) records the result and completes the job in one
// transaction (Queue.Finish). A crash before that commit leaves the job
// running; its lease ends and it runs again, repeating the effect. That
// window, between the remote side accepting the work and our commit, cannot
// be closed from our side: handlers make the repetition harmless (a resent
// mail carries the same Message-ID, which mail clients de-duplicate).
//
// # Why not River
//
// DESIGN.md prefers a well-kept library, and github.com/riverqueue/river was
// checked first. It could not be used as things stand: jobs must be
// inserted in our own *sql.Tx on both databases, and on PostgreSQL we use
// pgx through database/sql, which needs River's riverdatabasesql driver,
// whose newest release on the module proxy (v0.25.0) is far behind the
// River releases that have the SQLite driver (riversqlite v0.31+, v0.49) and
// does not build with them. River's SQLite driver also describes itself as
// in early testing and runs its own maintenance transactions in parallel on
// the pool it is given, which asks for a pool of one connection: ours is the
// single writer behind the group commit (internal/db), which those
// transactions would bypass and hold. The queue here is one table and a few
// hundred lines, tested on both databases.
package jobs
