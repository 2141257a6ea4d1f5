package alert

import (
	"context"
	"database/sql"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/jobs"
)

// Job kinds of this package.
const (
	KindEvaluate = "alert.evaluate" // one evaluation of every rule, a minute
	KindEmail    = "alert.email"    // one alert mail
	KindWebhook  = "alert.webhook"  // one signed post
)

const (
	evaluateAttempts = 3
	deliveryAttempts = 8
	// Interval is how often the rules are evaluated.
	Interval = time.Minute
)

// decide is the state machine: the state a rule moves to when its metric
// reads value at now. A rule with no value stays as it is.
func decide(r *Rule, value *float64, now time.Time) string {
	if value == nil {
		return r.State
	}
	holds := r.holds(*value)
	held := now.Sub(r.StateSince) >= time.Duration(r.DurationMinutes)*time.Minute
	switch r.State {
	case StatePending:
		switch {
		case !holds:
			return StateOK
		case held:
			return StateFiring
		}
	case StateFiring:
		if !holds {
			return StateResolved
		}
	case StateResolved:
		switch {
		case holds && r.DurationMinutes == 0:
			return StateFiring
		case holds:
			return StatePending
		case held:
			return StateOK // clear for the duration again
		}
	default: // ok
		switch {
		case holds && r.DurationMinutes == 0:
			return StateFiring
		case holds:
			return StatePending
		}
	}
	return r.State
}

// tells reports whether moving into state is announced to people.
func tells(state string) bool { return state == StateFiring || state == StateResolved }

// Evaluate reads every rule's metric and records what changes, telling
// people of changes into firing and resolved, all in one transaction.
// The evaluation job calls it; tests call it with their clock.
func (s *Service) Evaluate(ctx context.Context) error {
	return s.evaluate(ctx, nil)
}

// evaluate measures outside the transaction (reads only), then decides and
// records in one; more, when set, runs in that transaction too (the job
// queues its successor and completes itself there).
func (s *Service) evaluate(ctx context.Context, more func(ctx context.Context, tx *sql.Tx) error) error {
	now := s.now()
	rules, err := listRules(ctx, s.db.Reader(ctx))
	if err != nil {
		return err
	}
	m := s.measurer(now)
	values := make(map[int64]*float64, len(rules))
	for _, r := range rules {
		// A metric that cannot be read leaves its rules as they are this
		// minute; the other rules are still judged.
		if values[r.ID], err = m.value(ctx, r); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.log.Error("alert: read a rule's metric", "rule", r.ID, "metric", r.Metric, "err", err)
		}
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, seen := range rules {
			// The rule as it is now, in this transaction: decided against
			// its revision, recorded only if nobody changed it meanwhile.
			r, err := getRule(ctx, tx, seen.ID)
			if apperr.Is(err, apperr.KindNotFound) {
				continue // deleted since
			}
			if err != nil {
				return err
			}
			if err := s.step(ctx, tx, r, values[r.ID], now); err != nil {
				return err
			}
		}
		if more != nil {
			return more(ctx, tx)
		}
		return nil
	})
}

// step records one rule's evaluation, and its change of state if any.
func (s *Service) step(ctx context.Context, tx *sql.Tx, r *Rule, value *float64, now time.Time) error {
	to := decide(r, value, now)
	moved, err := move(ctx, tx, r, to, value, now)
	if err != nil || !moved || to == r.State {
		return err
	}
	h := &History{RuleID: r.ID, From: r.State, To: to, Value: value, Threshold: r.Threshold, At: now,
		Notified: tells(to) && !r.Silenced(now)}
	if err := insertHistory(ctx, tx, h); err != nil {
		return err
	}
	if !h.Notified {
		return nil
	}
	return s.tell(ctx, tx, r, h)
}

// Schedule makes sure an evaluation is queued: at every start of every
// node, cheaply, since only the first finds none. Each evaluation queues
// the next under the minute's unique key, so the chain stays one.
func (s *Service) Schedule(ctx context.Context) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state IN ('queued', 'running', 'failed')`,
			KindEvaluate).Scan(&n)
		if err != nil || n > 0 {
			return err
		}
		// A key of its own: the minute's key may belong to a done run.
		now := s.now()
		_, err = s.queue.Enqueue(ctx, tx, KindEvaluate, struct{}{},
			jobs.EnqueueOptions{RunAt: now, UniqueKey: "alert-evaluate:start:" + now.UTC().Format(time.RFC3339Nano)})
		return err
	})
}

func (s *Service) queueEvaluation(ctx context.Context, tx *sql.Tx, at time.Time) error {
	_, err := s.queue.Enqueue(ctx, tx, KindEvaluate, struct{}{},
		jobs.EnqueueOptions{RunAt: at, UniqueKey: "alert-evaluate:" + at.UTC().Format(time.RFC3339)})
	return err
}

// evaluationDied keeps the chain going when an evaluation failed for
// good: the next minute's is queued in the transaction that buries it.
func (s *Service) evaluationDied(ctx context.Context, tx *sql.Tx, _ *jobs.Job, _ string) error {
	return s.queueEvaluation(ctx, tx, s.now().Truncate(Interval).Add(Interval))
}

// evaluateJob is the KindEvaluate job: evaluate, queue the next minute's
// evaluation (from the time it runs, so a chain that fell behind after
// downtime catches up with one run, not one per missed minute), complete.
func (s *Service) evaluateJob(ctx context.Context, j *jobs.Job) error {
	return s.evaluate(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.queueEvaluation(ctx, tx, s.now().Truncate(Interval).Add(Interval)); err != nil {
			return err
		}
		return s.queue.Finish(ctx, tx, j)
	})
}
