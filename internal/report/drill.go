package report

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// DrillLimit is the most tickets a point's list shows.
const DrillLimit = 200

// Drill names one point of a chart: a report's figure, for one period and
// group.
type Drill struct {
	Report, Column, Period string
	GroupBy, Key           string
	Interval, Metric       string
	Zone                   *time.Location
	Now                    time.Time
}

// TicketRef is a ticket behind a point.
type TicketRef struct {
	ID      int64  `json:"id"`
	Number  int64  `json:"number"`
	Subject string `json:"subject"`
	Status  string `json:"status"`
}

// drillColumns are the figures whose tickets a point lists, beyond those
// drawn (chartColumns).
var drillColumns = map[string][]string{
	FirstReplyTime: {"count"},
	ResolutionTime: {"count"},
	ServiceLevel:   {"met", "missed", "pending"},
	CSAT:           {"answers"},
	CES:            {"answers"},
}

// ParseDrill reads a point's query, as Chart's links write it.
func ParseDrill(q url.Values, zone *time.Location, now time.Time) (Drill, error) {
	d := Drill{Report: q.Get("report"), Column: q.Get("column"), Period: q.Get("period"),
		GroupBy: q.Get("group_by"), Key: q.Get("key"), Zone: zone, Now: now}
	p, err := ParseParams(d.Report, url.Values{"group_by": {d.GroupBy}, "time_zone": {q.Get("time_zone")},
		"interval": {q.Get("interval")}, "metric": {q.Get("metric")}}, zone, now)
	if err != nil {
		return d, err
	}
	d.Zone, d.Interval, d.Metric = p.Zone, p.Interval, p.Metric
	if !slices.Contains(chartColumns[d.Report], d.Column) && !slices.Contains(drillColumns[d.Report], d.Column) {
		return d, apperr.Invalid("column", "%q is not a figure of %s", d.Column, d.Report)
	}
	if d.Report == BacklogAge {
		if !slices.Contains(ageLabels(), d.Period) {
			return d, apperr.Invalid("period", "%q is not an age bucket", d.Period)
		}
	} else if _, err := time.ParseInLocation(time.DateOnly, d.Period, d.Zone); err != nil {
		return d, apperr.Invalid("period", "%q is not a date (YYYY-MM-DD)", d.Period)
	}
	return d, nil
}

// drillSource is the per-item shares a report was summed from: the table,
// its hour column, and what else a figure asks of them.
type drillSource struct {
	table, hour string
	where       []string
	args        []any
}

func (d Drill) source() drillSource {
	switch d.Report {
	case ServiceLevel:
		src := drillSource{table: "report_sla_facts", hour: "f.due_hour", where: []string{"f.metric = $3"}, args: []any{d.Metric}}
		now := d.Now.UnixMilli()
		switch d.Column {
		case "met":
			src.where = append(src.where, "f.outcome = 'met'")
		case "missed":
			src.where = append(src.where, "(f.outcome = 'missed' OR (f.outcome = 'open' AND f.due_ms <= $4))")
			src.args = append(src.args, now)
		case "pending":
			src.where = append(src.where, "f.outcome = 'open' AND f.due_ms > $4")
			src.args = append(src.args, now)
		}
		return src
	case CSAT:
		return drillSource{table: "report_survey_facts", hour: "f.answered_hour", where: []string{"f.csat IS NOT NULL"}}
	case CES:
		return drillSource{table: "report_survey_facts", hour: "f.answered_hour", where: []string{"f.ces IS NOT NULL"}}
	}
	col, _, _ := d.hours()
	src := drillSource{table: "report_facts", hour: col}
	if d.Report == BacklogAge {
		src.where = append(src.where, "f.open = 1")
	}
	return src
}

// Tickets lists the tickets counted in the point, newest first, from the
// same per-ticket shares the roll-up was summed from.
func (s *Service) Tickets(ctx context.Context, d Drill) ([]TicketRef, error) {
	src := d.source()
	_, lo, hi := d.hours()
	where := append([]string{src.hour + " >= $1", src.hour + " < $2"}, src.where...)
	args := append([]any{lo, hi}, src.args...)
	if d.GroupBy != "" {
		args = append(args, d.Key)
		n := len(args)
		switch d.GroupBy {
		case DimTeam:
			where = append(where, fmt.Sprintf("f.team_key = $%d", n))
		case DimAgent:
			where = append(where, fmt.Sprintf("f.agent_key = $%d", n))
		case DimChannel:
			where = append(where, fmt.Sprintf("f.channel = $%d", n))
		case DimTag:
			// tags are newline-separated; match the whole line.
			args[n-1] = "%\n" + escapeLike(d.Key) + "\n%"
			args = append(args, "\n")
			where = append(where, fmt.Sprintf(`($%d || f.tags || $%d) LIKE $%d ESCAPE '\'`, n+1, n+1, n))
		}
	}
	args = append(args, DrillLimit)
	q := `SELECT DISTINCT t.id, t.number, t.subject, t.status FROM ` + src.table + ` f JOIN tickets t ON t.id = f.ticket_id
		WHERE ` + strings.Join(where, " AND ") + fmt.Sprintf(` ORDER BY t.id DESC LIMIT $%d`, len(args))
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("report: tickets of a point: %w", err)
	}
	defer rows.Close()
	out := []TicketRef{}
	for rows.Next() {
		var t TicketRef
		if err := rows.Scan(&t.ID, &t.Number, &t.Subject, &t.Status); err != nil {
			return nil, fmt.Errorf("report: tickets of a point: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// hours is the ticket fact column and the hour range a point covers: its
// day, or its week from the Monday it is named by.
func (d Drill) hours() (string, int64, int64) {
	if d.Report == BacklogAge {
		now := hourOf(d.Now)
		i := slices.Index(ageLabels(), d.Period)
		lo, hi := int64(0), now+1
		if i < len(ageEdges) {
			lo = now - ageEdges[i] + 1
		}
		if i > 0 {
			hi = now - ageEdges[i-1] + 1
		}
		return "f.created_hour", lo, hi
	}
	day, _ := time.ParseInLocation(time.DateOnly, d.Period, d.Zone)
	days := 1
	if d.Interval == Week {
		days = 7
	}
	lo, hi := startHour(day), startHour(day.AddDate(0, 0, days))
	switch {
	case d.Report == FirstReplyTime:
		return "f.fr_hour", lo, hi
	case d.Report == ResolutionTime || d.Column == "solved":
		return "f.solved_hour", lo, hi
	}
	return "f.created_hour", lo, hi
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
