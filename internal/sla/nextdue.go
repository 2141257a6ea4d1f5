package sla

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// NextDue answers the nearest deadline still ahead among the running
// clocks of the given metrics on tickets of a channel; nil when no running
// clock has one. Paused clocks are left out: their deadline moves until
// they run again.
func (s *Service) NextDue(ctx context.Context, channel string, metrics []string) (*time.Time, error) {
	if len(metrics) == 0 {
		return nil, nil
	}
	args := []any{channel, db.Time(s.now())}
	marks := make([]string, len(metrics))
	for i, m := range metrics {
		args = append(args, m)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	var due *time.Time
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT MIN(due_at) FROM sla_clocks
		WHERE state = 'active' AND channel = $1 AND due_at > $2 AND metric IN (`+strings.Join(marks, ", ")+`)`,
		args...).Scan(db.ScanNullTime(&due))
	if err != nil {
		return nil, fmt.Errorf("sla: next deadline of %s: %w", channel, err)
	}
	return due, nil
}

// TypicalTarget answers the target of metric that a typical new ticket of
// a channel gets (normal priority, no team, tag or organization): the
// first policy that matches it, as the clocks choose one; ok is false when
// none matches or the matching one does not target the metric.
func (s *Service) TypicalTarget(ctx context.Context, channel, metric string) (Target, bool, error) {
	policies, err := s.Policies(ctx)
	if err != nil {
		return Target{}, false, err
	}
	typical := Facts{Status: "new", Priority: "normal", Channel: channel}
	for _, p := range policies {
		if p.Matches(typical) {
			t, ok := p.Target(metric)
			return t, ok, nil
		}
	}
	return Target{}, false, nil
}
