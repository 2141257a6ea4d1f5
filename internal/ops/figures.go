package ops

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/staffing"
)

// serviceLevels fills today's first reply and resolution service levels:
// internal/sla's formula by team, once per zone; the desk's is the sum of
// its zone's groups (tickets of no team included).
func (s *Service) serviceLevels(ctx context.Context, b *board) error {
	metrics := []struct {
		name string
		pick func(*ServiceLevels) *Judged
	}{
		{sla.FirstReply, func(l *ServiceLevels) *Judged { return &l.FirstReply }},
		{sla.Resolution, func(l *ServiceLevels) *Judged { return &l.Resolution }},
	}
	for i, z := range b.zones {
		for _, m := range metrics {
			groups, err := s.SLA.ServiceLevelBy(ctx, sla.LevelFilter{Metric: m.name, From: z.today.From, To: z.today.To}, "team")
			if err != nil {
				return err
			}
			var desk sla.Level
			for _, g := range groups {
				desk = desk.Add(g.Level)
				if c := b.card(g.Key); c != nil && c.TimeZone == z.loc.String() {
					*m.pick(&c.ServiceLevel) = Judged{Level: g.Level, Colour: c.Goal.Colour(g.Level)}
				}
			}
			if i == 0 { // the desk's zone
				*m.pick(&b.desk.ServiceLevel) = Judged{Level: desk, Colour: b.desk.Goal.Colour(desk)}
			}
		}
	}
	// A team with nothing due today is grey, with zero counts.
	for _, c := range append(b.cardList(), b.desk) {
		for _, m := range metrics {
			if j := m.pick(&c.ServiceLevel); j.Colour == "" {
				*j = Judged{Level: sla.LevelOf(0, 0, 0), Colour: sla.Grey}
			}
		}
	}
	return nil
}

func (b *board) cardList() []*Card {
	out := make([]*Card, 0, len(b.cards))
	for _, c := range b.cards {
		out = append(out, c)
	}
	return out
}

// Statuses of the backlog: unsolved, and of those, waiting on us (pending
// waits on the customer).
const (
	unsolvedStatuses = `('new', 'open', 'pending', 'on_hold')`
	ourTurnStatuses  = `('new', 'open', 'on_hold')`
)

// backlog counts unsolved and unassigned tickets by team in one query,
// and finds each team's longest wait in another.
func (s *Service) backlog(ctx context.Context, b *board) error {
	q := s.DB.Reader(ctx)
	rows, err := q.QueryContext(ctx, `SELECT team_id, COUNT(*), COALESCE(SUM(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END), 0)
		FROM tickets WHERE status IN `+unsolvedStatuses+` GROUP BY team_id`)
	if err != nil {
		return wrap("backlog", err)
	}
	defer rows.Close()
	for rows.Next() {
		var team *int64
		var unsolved, unassigned int
		if err := rows.Scan(&team, &unsolved, &unassigned); err != nil {
			return wrap("backlog", err)
		}
		b.desk.Backlog.Unsolved += unsolved
		b.desk.Backlog.Unassigned += unassigned
		if c := b.teamCard(team); c != nil {
			c.Backlog.Unsolved, c.Backlog.Unassigned = unsolved, unassigned
		}
	}
	if err := rows.Err(); err != nil {
		return wrap("backlog", err)
	}
	return s.longestWaits(ctx, b)
}

// longestWaits finds, per team, the ticket whose customer has waited the
// longest: one query whose branches each read the first entry of a team
// in index tickets_waiting_team (tickets of no team too); the desk's is
// the longest of them.
func (s *Service) longestWaits(ctx context.Context, b *board) error {
	const branch = `SELECT * FROM (SELECT team_id, id, number, subject, waiting_since FROM tickets
		WHERE %s AND waiting_since IS NOT NULL AND status IN ('new', 'open', 'on_hold')
		ORDER BY waiting_since, id LIMIT 1) w%d`
	branches := []string{fmt.Sprintf(branch, "team_id IS NULL", 0)}
	args := make([]any, 0, len(b.teams))
	for _, t := range b.teams {
		args = append(args, t.ID)
		branches = append(branches, fmt.Sprintf(branch, fmt.Sprintf("team_id = $%d", len(args)), len(args)))
	}
	rows, err := s.DB.Reader(ctx).QueryContext(ctx, strings.Join(branches, " UNION ALL "), args...)
	if err != nil {
		return wrap("longest wait", err)
	}
	defer rows.Close()
	for rows.Next() {
		var team *int64
		var w Waiting
		if err := rows.Scan(&team, &w.TicketID, &w.Number, &w.Subject, db.ScanTime(&w.Since)); err != nil {
			return wrap("longest wait", err)
		}
		if d := b.desk.Backlog.Longest; d == nil || w.Since.Before(d.Since) || w.Since.Equal(d.Since) && w.TicketID < d.TicketID {
			desk := w
			b.desk.Backlog.Longest = &desk
		}
		if c := b.teamCard(team); c != nil {
			c.Backlog.Longest = &w
		}
	}
	return wrap("longest wait", rows.Err())
}

func (b *board) teamCard(id *int64) *Card {
	if id == nil {
		return nil
	}
	return b.cards[*id]
}

// breaches counts, by team in one query, the open clocks past their
// deadline (breached and not yet met, or active past due before the check
// job has recorded it) and the active ones due within the hour.
func (s *Service) breaches(ctx context.Context, b *board) error {
	now, soon := b.now, b.now.Add(time.Hour)
	rows, err := s.DB.Reader(ctx).QueryContext(ctx, `
		SELECT team_id, 0 AS due_soon, COUNT(*) FROM sla_clocks
			WHERE state = 'breached' AND fulfilled_at IS NULL GROUP BY team_id
		UNION ALL
		SELECT team_id, CASE WHEN due_at <= $1 THEN 0 ELSE 1 END AS due_soon, COUNT(*) FROM sla_clocks
			WHERE state = 'active' AND due_at <= $2 GROUP BY team_id, CASE WHEN due_at <= $1 THEN 0 ELSE 1 END`,
		db.Time(now), db.Time(soon))
	if err != nil {
		return wrap("breaches", err)
	}
	defer rows.Close()
	for rows.Next() {
		var team *int64
		var dueSoon, n int
		if err := rows.Scan(&team, &dueSoon, &n); err != nil {
			return wrap("breaches", err)
		}
		cards := []*Card{b.desk}
		if c := b.teamCard(team); c != nil {
			cards = append(cards, c)
		}
		for _, c := range cards {
			if dueSoon == 1 {
				c.Breaches.DueNextHour += n
			} else {
				c.Breaches.Now += n
			}
		}
	}
	return wrap("breaches", rows.Err())
}

// forecastQueue sizes the forecast's hours; the board shows only their
// arrivals (staffing plans are drawn apart), so any valid queue serves.
var forecastQueue = staffing.Input{AHTSeconds: 300, TargetSeconds: 20, Goal: staffing.DefaultGoal,
	MaxOccupancy: staffing.DefaultMaxOccupancy}

// arrivals fills each card's hours of today: tickets created (the report
// roll-up, one query for the teams and one for the desk, every zone's
// hours at once) against the forecast of staffing.ForecastHours, fed from
// the same counts.
func (s *Service) arrivals(ctx context.Context, b *board) error {
	var hours []int64
	for _, z := range b.zones {
		for h := range hoursOf(z.today) {
			hours = append(hours, h)
			for w := int64(1); w <= staffing.ForecastWeeks; w++ {
				hours = append(hours, h-w*168)
			}
		}
	}
	byTeam, err := s.Reports.CreatedPerHourByKey(ctx, report.DimTeam, hours)
	if err != nil {
		return err
	}
	all, err := s.Reports.CreatedPerHourByKey(ctx, report.DimAll, hours)
	if err != nil {
		return err
	}
	if b.desk.Arrivals, err = hourCounts(ctx, all[""], b.desk.Today); err != nil {
		return err
	}
	for id, c := range b.cards {
		if c.Arrivals, err = hourCounts(ctx, byTeam[strconv.FormatInt(id, 10)], c.Today); err != nil {
			return err
		}
	}
	return nil
}

// hoursOf yields the roll-up hours (since the epoch) a day covers.
func hoursOf(p Period) func(yield func(int64) bool) {
	return func(yield func(int64) bool) {
		for h := p.From.Unix() / 3600; h*3600 < p.To.Unix(); h++ {
			if !yield(h) {
				return
			}
		}
	}
}

// counted answers staffing's ArrivalCounter from counts already read.
type counted map[int64]int64

func (c counted) CreatedPerHour(_ context.Context, _ string, hours []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(hours))
	for _, h := range hours {
		out[h] = c[h]
	}
	return out, nil
}

func hourCounts(ctx context.Context, counts map[int64]int64, day Period) ([]HourCount, error) {
	n := 0
	for range hoursOf(day) {
		n++
	}
	f, err := staffing.ForecastHours(ctx, counted(counts), "", day.From, n, forecastQueue)
	if err != nil {
		return nil, err
	}
	out := make([]HourCount, 0, n)
	for _, h := range f.Hours {
		out = append(out, HourCount{Start: h.Start, Arrived: counts[h.Start.Unix()/3600], Forecast: h.ArrivalsPerHour})
	}
	return out, nil
}

// feedback fills CSAT and CES from feedback's summary: today by team once
// per zone, the last 7 days by team once, and the desk's overall of each,
// all read at once.
func (s *Service) feedback(ctx context.Context, b *board) error {
	week := Period{From: b.now.Add(-7 * 24 * time.Hour), To: b.now}
	today := make([]*feedback.Summary, len(b.zones))
	var weekByTeam *feedback.Summary
	var deskToday, deskWeek feedback.Group
	errs := make([]error, len(b.zones)+3)
	var wg sync.WaitGroup
	for i, z := range b.zones {
		wg.Go(func() { today[i], errs[i] = s.Feedback.Summarize(ctx, "team", z.today.From, z.today.To) })
	}
	n := len(b.zones)
	desk := b.zones[0].today // the desk's zone
	wg.Go(func() { deskToday, errs[n] = s.Feedback.Overall(ctx, desk.From, desk.To) })
	wg.Go(func() { weekByTeam, errs[n+1] = s.Feedback.Summarize(ctx, "team", week.From, week.To) })
	wg.Go(func() { deskWeek, errs[n+2] = s.Feedback.Overall(ctx, week.From, week.To) })
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for i, z := range b.zones {
		for _, g := range today[i].Groups {
			if c := b.card(g.Key); c != nil && c.TimeZone == z.loc.String() {
				c.Feedback.Today = surveyOf(g)
			}
		}
	}
	for _, g := range weekByTeam.Groups {
		if c := b.card(g.Key); c != nil {
			c.Feedback.Week = surveyOf(g)
		}
	}
	b.desk.Feedback.Today, b.desk.Feedback.Week = surveyOf(deskToday), surveyOf(deskWeek)
	return nil
}
