package alert

import (
	"context"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/timezone"
)

// unsolved are the statuses a ticket of the backlog has.
var unsolved = []string{"new", "open", "pending", "on_hold"}

// csatWindow is the period csat_7d looks back over.
const csatWindow = 7 * 24 * time.Hour

// scope is one metric of one team (0: the desk): one reading serves every
// rule that watches it.
type scope struct {
	metric string
	teamID int64
}

// measurer reads each scope once per evaluation.
type measurer struct {
	s      *Service
	now    time.Time
	values map[scope]*float64
}

func (s *Service) measurer(now time.Time) *measurer {
	return &measurer{s: s, now: now, values: map[scope]*float64{}}
}

// value is the rule's metric now; nil when it has none (no clock decided
// today, no CSAT answer in 7 days).
func (m *measurer) value(ctx context.Context, r *Rule) (*float64, error) {
	sc := scope{metric: r.Metric}
	if r.TeamID != nil {
		sc.teamID = *r.TeamID
	}
	if v, ok := m.values[sc]; ok {
		return v, nil
	}
	v, err := m.read(ctx, sc)
	if err != nil {
		return nil, fmt.Errorf("alert: measure %s of team %d: %w", sc.metric, sc.teamID, err)
	}
	m.values[sc] = v
	return v, nil
}

func (m *measurer) read(ctx context.Context, sc scope) (*float64, error) {
	src := m.s.src
	switch sc.metric {
	case MetricServiceLevel:
		from, to, err := m.today(ctx, sc.teamID)
		if err != nil {
			return nil, err
		}
		l, err := src.SLA.ServiceLevel(ctx, sla.LevelFilter{Metric: sla.FirstReply, From: from, To: to, TeamID: sc.teamID})
		if err != nil || l.Share == nil {
			return nil, err
		}
		return number(*l.Share * 100), nil
	case MetricBacklog:
		n, err := src.Tickets.Count(ctx, ticket.Filter{Statuses: unsolved, TeamID: sc.teamID})
		return number(float64(n)), err
	case MetricAtRisk, MetricBreached:
		risk, err := src.SLA.RiskNow(ctx, sc.teamID)
		if sc.metric == MetricAtRisk {
			return number(float64(risk.AtRisk)), err
		}
		return number(float64(risk.Breached)), err
	case MetricCSAT7d:
		return src.Feedback.CSATScore(ctx, sc.teamID, m.now.Add(-csatWindow), m.now)
	}
	return nil, fmt.Errorf("unknown metric %q", sc.metric)
}

// today is the day that now falls in, in the zone the live board reads
// the scope's day in: the team's schedule's, else the desk's default
// schedule's, else the desk's time zone setting. So a rule and the board
// judge the same clocks.
func (m *measurer) today(ctx context.Context, teamID int64) (time.Time, time.Time, error) {
	var team *int64
	if teamID != 0 {
		team = &teamID
	}
	sc, err := schedule.ForTeam(ctx, m.s.db.Reader(ctx), team)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	zone := ""
	if sc != nil {
		zone = sc.TimeZone
	} else {
		st, err := m.s.src.Settings.Get(ctx)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		zone = st.TimeZone
	}
	local := m.now.In(timezone.Location(zone))
	start := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, local.Location())
	return start.UTC(), start.AddDate(0, 0, 1).UTC(), nil
}

func number(v float64) *float64 { return &v }
