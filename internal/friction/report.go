package friction

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Report limits: the default period is the last twelve weeks; a period is
// at most two years, so a week-by-week trend stays readable.
const (
	DefaultWeeks = 12
	MaxDays      = 731
	week         = 7 * 24 * time.Hour
	day          = 24 * time.Hour
)

// Period is the days a report covers: [From, To), both at 00:00 UTC; To
// is the day after the last day asked for.
type Period struct {
	From time.Time
	To   time.Time
}

// ParsePeriod reads from and to (YYYY-MM-DD, both days included); an
// empty to is today, an empty from twelve weeks before to.
func ParsePeriod(from, to string, now time.Time) (Period, error) {
	var p Period
	if strings.TrimSpace(to) == "" {
		n := now.UTC()
		p.To = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC).Add(day)
	} else {
		last, err := parseDay("to", to)
		if err != nil {
			return p, err
		}
		p.To = last.Add(day)
	}
	if strings.TrimSpace(from) == "" {
		p.From = p.To.Add(-DefaultWeeks * week)
	} else {
		first, err := parseDay("from", from)
		if err != nil {
			return p, err
		}
		p.From = first
	}
	if !p.From.Before(p.To) {
		return p, apperr.Invalid("from", "is after to")
	}
	if p.To.Sub(p.From) > MaxDays*day {
		return p, apperr.Invalid("to", "is more than %d days after from: ask for a shorter period", MaxDays)
	}
	return p, nil
}

// LastDay is the last day the period includes.
func (p Period) LastDay() time.Time { return p.To.Add(-day) }

// Figures are the counts of a set of tagged tickets.
type Figures struct {
	Tickets   int `json:"tickets"`
	Customers int `json:"customers"` // distinct requesters
	Contacts  int `json:"contacts"`  // customer messages on those tickets
	Reopens   int `json:"reopens"`
	// ChannelSwitches and CustomerWaitSeconds are the tickets' effort
	// (internal/effort): customer messages by another channel than their
	// previous one, and the time customers waited for an answer, summed.
	ChannelSwitches     int   `json:"channel_switches"`
	CustomerWaitSeconds int64 `json:"customer_wait_seconds"`
	// CSAT and CES of the tickets' answered surveys: the share of CSAT 4-5
	// in percent and the mean CES (1-7), null without an answer.
	CSATAnswers int      `json:"csat_answers"`
	CSATScore   *float64 `json:"csat_score"`
	CESAnswers  int      `json:"ces_answers"`
	CESMean     *float64 `json:"ces_mean"`
}

// tally counts each ticket once, however many of a department's points it
// is tagged with.
type tally struct {
	Figures
	tickets   map[int64]bool
	customers map[int64]bool
	waitMS    int64
	csatHappy int
	cesSum    int
}

func newTally() *tally { return &tally{tickets: map[int64]bool{}, customers: map[int64]bool{}} }

func (t *tally) add(f ticketFact) {
	if t.tickets[f.TicketID] {
		return
	}
	t.tickets[f.TicketID] = true
	t.Tickets++
	t.Contacts += f.Contacts
	t.Reopens += f.Reopens
	t.ChannelSwitches += f.Switches
	t.waitMS += f.WaitMS
	t.CSATAnswers += f.CSATAnswers
	t.csatHappy += f.CSATHappy
	t.CESAnswers += f.CESAnswers
	t.cesSum += f.CESSum
	if !t.customers[f.CustomerID] {
		t.customers[f.CustomerID] = true
		t.Customers++
	}
}

// figures are the tally's counts with the wait and the scores worked out,
// rounded to one decimal.
func (t *tally) figures() Figures {
	f := t.Figures
	f.CustomerWaitSeconds = t.waitMS / 1000
	f.CSATScore = ratio(100*t.csatHappy, t.CSATAnswers)
	f.CESMean = ratio(t.cesSum, t.CESAnswers)
	return f
}

// ratio is n/d to one decimal; nil when d is 0.
func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := math.Round(float64(n)/float64(d)*10) / 10
	return &r
}

// Side is one side of a fix: the figures of the tickets created in it, how
// many days of the period it spans, and its tickets per week.
type Side struct {
	Figures
	Days    int      `json:"days"`
	PerWeek *float64 `json:"tickets_per_week"` // null when the side has no days in the period
}

// Comparison is a fixed point's tickets before and after its fix date.
type Comparison struct {
	FixedOn time.Time `json:"fixed_on"`
	Before  Side      `json:"before"`
	After   Side      `json:"after"`
}

// PointRow is one friction point's line of the report.
type PointRow struct {
	ID             int64       `json:"id"`
	Name           string      `json:"name"`
	DepartmentID   int64       `json:"department_id"`
	DepartmentName string      `json:"department_name"`
	Status         Status      `json:"status"`
	StatusText     string      `json:"status_text"`
	FixedOn        *time.Time  `json:"fixed_on"`
	Figures                    // tickets created in the period
	Trend          []int       `json:"trend"` // tickets per week, one per Report.Weeks
	Fix            *Comparison `json:"fix"`   // for a fixed point only
}

// DepartmentRow is one department's line: its points' tickets, each once.
type DepartmentRow struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Points  int    `json:"points"` // accepted friction points
	Figures        //
	Trend   []int  `json:"trend"`
}

// Report is the friction report of a period.
type Report struct {
	From        time.Time       `json:"from"`
	To          time.Time       `json:"to"` // the last day included
	Weeks       []time.Time     `json:"weeks"`
	Points      []PointRow      `json:"points"`
	Departments []DepartmentRow `json:"departments"`
}

// Report counts the tagged tickets created in p, per friction point and per
// department, most tickets first.
func (s *Service) Report(ctx context.Context, p Period) (*Report, error) {
	q := s.db.Reader(ctx)
	points, err := listPoints(ctx, q, PointFilter{})
	if err != nil {
		return nil, err
	}
	departmentOf := make(map[int64]int64, len(points))
	for _, pt := range points {
		departmentOf[pt.ID] = pt.DepartmentID
	}
	facts, err := ticketFacts(ctx, q, p.From, p.To, departmentOf, !s.db.InTransaction(ctx))
	if err != nil {
		return nil, err
	}
	deps, err := listDepartments(ctx, q)
	if err != nil {
		return nil, err
	}
	r := &Report{From: p.From, To: p.LastDay(), Weeks: weeksOf(p), Points: []PointRow{}, Departments: []DepartmentRow{}}
	byPoint := map[int64][]ticketFact{}
	byDept := map[int64][]ticketFact{}
	for _, f := range facts {
		byPoint[f.FrictionID] = append(byPoint[f.FrictionID], f)
		byDept[f.DepartmentID] = append(byDept[f.DepartmentID], f)
	}
	accepted := map[int64]int{}
	for _, pt := range points {
		if pt.State != Accepted && len(byPoint[pt.ID]) == 0 {
			continue
		}
		accepted[pt.DepartmentID]++
		r.Points = append(r.Points, pointRow(pt, byPoint[pt.ID], p, r.Weeks))
	}
	for _, d := range deps {
		r.Departments = append(r.Departments, DepartmentRow{ID: d.ID, Name: d.Name, Points: accepted[d.ID],
			Figures: count(byDept[d.ID]), Trend: trend(byDept[d.ID], r.Weeks)})
	}
	slices.SortStableFunc(r.Points, func(a, b PointRow) int { return cmp.Compare(b.Tickets, a.Tickets) })
	slices.SortStableFunc(r.Departments, func(a, b DepartmentRow) int { return cmp.Compare(b.Tickets, a.Tickets) })
	return r, nil
}

func pointRow(pt *Point, facts []ticketFact, p Period, weeks []time.Time) PointRow {
	row := PointRow{ID: pt.ID, Name: pt.Name, DepartmentID: pt.DepartmentID, DepartmentName: pt.DepartmentName,
		Status: pt.Status, StatusText: pt.StatusText(), FixedOn: pt.FixedOn,
		Figures: count(facts), Trend: trend(facts, weeks)}
	if pt.Status == StatusFixed && pt.FixedOn != nil {
		row.Fix = compare(facts, p, *pt.FixedOn)
	}
	return row
}

func count(facts []ticketFact) Figures {
	t := newTally()
	for _, f := range facts {
		t.add(f)
	}
	return t.figures()
}

// compare splits a point's tickets at its fix date. The two sides differ
// in length, so each carries its tickets per week.
func compare(facts []ticketFact, p Period, fixedOn time.Time) *Comparison {
	before, after := newTally(), newTally()
	for _, f := range facts {
		if f.CreatedAt.Before(fixedOn) {
			before.add(f)
		} else {
			after.add(f)
		}
	}
	split := fixedOn
	switch {
	case split.Before(p.From):
		split = p.From
	case split.After(p.To):
		split = p.To
	}
	return &Comparison{FixedOn: fixedOn,
		Before: side(before.figures(), split.Sub(p.From)),
		After:  side(after.figures(), p.To.Sub(split))}
}

func side(f Figures, span time.Duration) Side {
	s := Side{Figures: f, Days: int(span / day)}
	if s.Days > 0 {
		rate := math.Round(float64(f.Tickets)*7/float64(s.Days)*10) / 10
		s.PerWeek = &rate
	}
	return s
}

// weeksOf lists the Mondays (00:00 UTC) of the weeks p touches.
func weeksOf(p Period) []time.Time {
	var out []time.Time
	for w := WeekStart(p.From); w.Before(p.To); w = w.Add(week) {
		out = append(out, w)
	}
	return out
}

// trend counts the tickets created each week of weeks, each ticket once.
func trend(facts []ticketFact, weeks []time.Time) []int {
	out := make([]int, len(weeks))
	if len(weeks) == 0 {
		return out
	}
	seen := map[int64]bool{}
	for _, f := range facts {
		if seen[f.TicketID] {
			continue
		}
		seen[f.TicketID] = true
		if i := int(WeekStart(f.CreatedAt).Sub(weeks[0]) / week); i >= 0 && i < len(out) {
			out[i]++
		}
	}
	return out
}

// WeekStart returns the Monday 00:00 UTC on or before t.
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// Period reads a report's period as ParsePeriod does, today being the
// service's.
func (s *Service) Period(from, to string) (Period, error) { return ParsePeriod(from, to, s.now()) }
