package report

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/sla"
)

// percent turns a share into a percentage rounded to hundredths: the one
// rounding of shares, so the JSON, the CSV and the chart agree.
func percent(share float64) float64 { return math.Round(share*10000) / 100 }

// levelRow is a period and group's clock counts before they become a Row.
type levelRow struct {
	period               int64
	key                  string
	met, missed, pending int
	undecidedNow         int // open clocks due in the current hour: missed or pending by the minute
}

// serviceLevel answers service_level from report_sla_hourly: per period and
// group, the clocks of p.Metric due in it, met, missed and pending, and the
// share sla.LevelOf makes of them (the formula of sla.ServiceLevel). Open
// clocks due in hours before the current one are missed, after it pending;
// those due in the current hour are split at this minute from their facts.
func (s *Service) serviceLevel(ctx context.Context, p Params) ([]Row, error) {
	nowHour := hourOf(p.Now)
	// The current UTC day is read in hours: its open clocks are missed
	// before this hour and pending after. A whole day before it or after
	// it has them all one way, so its daily row's hour compares the same.
	q, args := p.sums(sumsQuery{hourly: slaHourlyTable, daily: slaDailyTable, args: []any{p.dim(), p.Metric, nowHour},
		where: "metric = $2", cols: []string{"met", "missed", "open", "hour"},
		sums: `SUM(met), SUM(missed) + SUM(CASE WHEN hour < $3 THEN open ELSE 0 END),
			SUM(CASE WHEN hour > $3 THEN open ELSE 0 END), SUM(CASE WHEN hour = $3 THEN open ELSE 0 END)`,
		having: "SUM(met) <> 0 OR SUM(missed) <> 0 OR SUM(open) <> 0", hourlyDay: nowHour / 24})
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("report: service level: %w", err)
	}
	var levels []levelRow
	for rows.Next() {
		var l levelRow
		if err := rows.Scan(&l.period, &l.key, &l.met, &l.missed, &l.pending, &l.undecidedNow); err != nil {
			rows.Close()
			return nil, fmt.Errorf("report: service level: %w", err)
		}
		levels = append(levels, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: service level: %w", err)
	}
	if err := s.splitCurrentHour(ctx, p, levels); err != nil {
		return nil, err
	}
	goals := goalCache{levels: s.levels, byKey: map[string]float64{}}
	out := make([]Row, 0, len(levels))
	for _, l := range levels {
		level := sla.LevelOf(l.met, l.missed, l.pending)
		goal, err := goals.of(ctx, p.GroupBy, l.key)
		if err != nil {
			return nil, err
		}
		v := map[string]float64{"goal": goal, "met": float64(level.Met), "missed": float64(level.Missed),
			"pending": float64(level.Pending)}
		if level.Share != nil {
			v["service_level"] = percent(*level.Share)
		}
		out = append(out, Row{Period: p.periodLabel(l.period), GroupKey: l.key, Values: v})
	}
	return out, nil
}

// splitCurrentHour decides the open clocks due in the current hour: missed
// when their deadline is at or before now, pending after, as
// sla.ServiceLevel decides them. It reads one hour's clock facts.
func (s *Service) splitCurrentHour(ctx context.Context, p Params, levels []levelRow) error {
	undecided := false
	for _, l := range levels {
		undecided = undecided || l.undecidedNow > 0
	}
	if !undecided {
		return nil
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT team_key, channel, agent_key, tags, COUNT(*)
		FROM report_sla_facts WHERE metric = $1 AND due_hour = $2 AND outcome = 'open' AND due_ms <= $3
		GROUP BY team_key, channel, agent_key, tags`, p.Metric, hourOf(p.Now), p.Now.UnixMilli())
	if err != nil {
		return fmt.Errorf("report: service level now: %w", err)
	}
	defer rows.Close()
	passed := map[string]int{}
	dim := p.dim()
	for rows.Next() {
		var f clockFact
		var n int
		if err := rows.Scan(&f.team, &f.channel, &f.agent, &f.tags, &n); err != nil {
			return fmt.Errorf("report: service level now: %w", err)
		}
		for _, k := range f.keys() {
			if k[0] == dim {
				passed[k[1]] += n
			}
		}
	}
	for i := range levels {
		if l := &levels[i]; l.undecidedNow > 0 {
			l.missed += passed[l.key]
			l.pending += l.undecidedNow - passed[l.key]
		}
	}
	return rows.Err()
}

// goalCache reads each group's goal once: a team's own (or the desk's it
// follows), and the desk's for channels, agents, tags, the whole desk and
// no team.
type goalCache struct {
	levels *sla.Service
	byKey  map[string]float64
}

func (g goalCache) of(ctx context.Context, groupBy, key string) (float64, error) {
	if groupBy != DimTeam {
		key = ""
	}
	if v, ok := g.byKey[key]; ok {
		return v, nil
	}
	var goal sla.Goal
	var err error
	if id, perr := strconv.ParseInt(key, 10, 64); perr == nil && key != "" {
		goal, err = g.levels.TeamGoal(ctx, id)
	} else {
		goal, err = g.levels.DeskGoal(ctx)
	}
	if err != nil {
		return 0, err
	}
	g.byKey[key] = goal.GoalPercent
	return goal.GoalPercent, nil
}
