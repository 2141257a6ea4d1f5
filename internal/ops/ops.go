// Package ops answers the live operations board: for each team, and for
// the desk as a whole, one snapshot of how customers are being answered
// right now. Every figure comes from the domain that owns it (service level
// from internal/sla's one formula, surveys from internal/feedback's
// summary, arrivals from internal/report's roll-up and internal/staffing's
// forecast, who is online from presence); what this package owns is the
// backlog and the open clocks, each counted for every team in one grouped
// query.
//
// "Today" is a team's own day: local midnight to the next midnight in the
// zone of the team's schedule (else the desk's default schedule, else the
// desk's time zone setting). Teams that share a zone share their queries.
package ops

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/feedback"
	"github.com/centerdesk/centerdesk/internal/report"
	"github.com/centerdesk/centerdesk/internal/schedule"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/team"
)

// Roster names the agents online by one reckoning (presence on tickets,
// pages open); the board counts the union.
type Roster interface {
	Online() []int64
}

// Deps are the services the board reads.
type Deps struct {
	DB        *db.DB
	SLA       *sla.Service
	Schedules *schedule.Service
	Teams     *team.Service
	Settings  *settings.Store
	Feedback  *feedback.Service
	Reports   *report.Service
	Rosters   []Roster
	Now       func() time.Time // the clock; db.Now when nil
}

// Service answers snapshots of the board.
type Service struct {
	Deps
}

// New returns the board's service.
func New(deps Deps) *Service {
	if deps.Now == nil {
		deps.Now = db.Now
	}
	return &Service{Deps: deps}
}

// Snapshot is the whole board at one moment.
type Snapshot struct {
	GeneratedAt time.Time `json:"generated_at"`
	Desk        Card      `json:"desk"`
	Teams       []Card    `json:"teams"`
}

// Card is one team's figures, or the desk's (TeamID null: every ticket,
// those of no team included).
type Card struct {
	TeamID       *int64        `json:"team_id"`
	Name         string        `json:"name"`
	TimeZone     string        `json:"time_zone"`
	Today        Period        `json:"today"`
	Goal         sla.Goal      `json:"goal"`
	ServiceLevel ServiceLevels `json:"service_level"`
	Backlog      Backlog       `json:"backlog"`
	Breaches     Breaches      `json:"breaches"`
	Arrivals     []HourCount   `json:"arrivals"`
	Feedback     Feedback      `json:"feedback"`
	AgentsOnline int           `json:"agents_online"`
}

// Period is a span of time, [From, To).
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// ServiceLevels are today's service levels of the metrics the board shows.
type ServiceLevels struct {
	FirstReply Judged `json:"first_reply"`
	Resolution Judged `json:"resolution"`
}

// Judged is a service level with its colour against the card's goal.
type Judged struct {
	sla.Level
	Colour string `json:"colour"` // green, orange, red, or grey with nothing decided
}

// Backlog is the unsolved work.
type Backlog struct {
	Unsolved   int      `json:"unsolved"`   // new, open, pending or on hold
	Unassigned int      `json:"unassigned"` // of those, with nobody assigned
	Longest    *Waiting `json:"longest_waiting"`
}

// Waiting is the ticket whose customer has waited on us the longest: an
// unsolved ticket, not pending on the customer, whose last public message
// is the customer's.
type Waiting struct {
	TicketID int64     `json:"ticket_id"`
	Number   int64     `json:"number"`
	Subject  string    `json:"subject"`
	Since    time.Time `json:"since"`
}

// Breaches are the clocks past their deadline and those about to be.
type Breaches struct {
	Now         int `json:"now"`           // open clocks breached (or past due, not yet recorded)
	DueNextHour int `json:"due_next_hour"` // active clocks due within the hour
}

// HourCount is one hour of today: tickets that arrived and the forecast.
type HourCount struct {
	Start    time.Time `json:"start"`
	Arrived  int64     `json:"arrived"`
	Forecast float64   `json:"forecast"` // the mean of the same weekday hour over recent weeks
}

// Feedback is the surveys' figures today and over the last 7 days.
type Feedback struct {
	Today Survey `json:"today"`
	Week  Survey `json:"week"`
}

// Survey is the part of feedback.Group the board shows.
type Survey struct {
	Answered  int      `json:"answered"`
	CSATScore *float64 `json:"csat_score"` // percent of CSAT answers scoring 4 or 5
	CESMean   *float64 `json:"ces_mean"`   // 1 to 7
	CESEasy   *float64 `json:"ces_easy"`   // percent of CES answers scoring 5 to 7
}

func surveyOf(g feedback.Group) Survey {
	return Survey{Answered: g.Answered, CSATScore: g.CSATScore, CESMean: g.CESMean, CESEasy: g.CESEasy}
}

// Snapshot answers the board as of now: the desk, then each team by name.
func (s *Service) Snapshot(ctx context.Context) (*Snapshot, error) {
	now := s.Now()
	b, err := s.plan(ctx, now)
	if err != nil {
		return nil, err
	}
	// The figures are independent, each filling its own fields of the
	// cards: they are read at once, on connections of their own.
	steps := []func(context.Context, *board) error{s.serviceLevels, s.backlog, s.breaches, s.arrivals, s.feedback}
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, step := range steps {
		wg.Go(func() { errs[i] = step(ctx, b) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s.online(b)
	return &Snapshot{GeneratedAt: now, Desk: *b.desk, Teams: b.teamCards()}, nil
}

// board is a snapshot being filled: its cards by team, and the zones whose
// days they follow.
type board struct {
	now     time.Time
	desk    *Card
	teams   []*team.Team
	cards   map[int64]*Card
	members map[int64][]int64
	zones   []*zoneDay // each distinct zone once, the desk's first
}

// zoneDay is today in one zone and the teams that live in it.
type zoneDay struct {
	loc   *time.Location
	today Period
	teams []int64
}

func (b *board) teamCards() []Card {
	out := make([]Card, 0, len(b.teams))
	for _, t := range b.teams {
		out = append(out, *b.cards[t.ID])
	}
	return out
}

// card is a team's card; nil for a key that is no team on the board (a
// team deleted since, or tickets of no team).
func (b *board) card(key string) *Card {
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		return nil
	}
	return b.cards[id]
}

// plan lists the teams, their goals and their zones, and makes each card.
func (s *Service) plan(ctx context.Context, now time.Time) (*board, error) {
	teams, err := s.Teams.List(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(teams, func(a, c *team.Team) int {
		if a.Name != c.Name {
			if a.Name < c.Name {
				return -1
			}
			return 1
		}
		return int(a.ID - c.ID)
	})
	// The zones and each goal are read at once: a round trip each.
	var zoneOf map[int64]*time.Location
	var deskZone *time.Location
	var deskGoal sla.Goal
	goals := make([]sla.Goal, len(teams))
	errs := make([]error, len(teams)+2)
	var wg sync.WaitGroup
	wg.Go(func() { zoneOf, deskZone, errs[0] = s.zones(ctx) })
	wg.Go(func() { deskGoal, errs[1] = s.SLA.DeskGoal(ctx) })
	for i, t := range teams {
		wg.Go(func() { goals[i], errs[i+2] = s.SLA.TeamGoal(ctx, t.ID) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	b := &board{now: now, teams: teams, cards: map[int64]*Card{}, members: map[int64][]int64{}}
	b.desk = &Card{Name: "Whole desk", Goal: deskGoal}
	b.place(b.desk, 0, deskZone)
	for i, t := range teams {
		id := t.ID
		c := &Card{TeamID: &id, Name: t.Name, Goal: goals[i]}
		b.cards[t.ID] = c
		b.members[t.ID] = t.MemberIDs
		loc, ok := zoneOf[t.ID]
		if !ok {
			loc = deskZone
		}
		b.place(c, t.ID, loc)
	}
	return b, nil
}

// place gives a card its zone's day, and its team to that zone.
func (b *board) place(c *Card, teamID int64, loc *time.Location) {
	var z *zoneDay
	for _, have := range b.zones {
		if have.loc.String() == loc.String() {
			z = have
		}
	}
	if z == nil {
		z = &zoneDay{loc: loc, today: dayAround(b.now, loc)}
		b.zones = append(b.zones, z)
	}
	if teamID != 0 {
		z.teams = append(z.teams, teamID)
	}
	c.TimeZone, c.Today = loc.String(), z.today
}

// dayAround is the local day now falls in: midnight to the next midnight,
// however long daylight saving makes it.
func dayAround(now time.Time, loc *time.Location) Period {
	l := now.In(loc)
	from := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	to := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
	return Period{From: from.UTC(), To: to.UTC()}
}

// zones answers each team's zone from its schedule, and the desk's: the
// default schedule's, else the desk's time zone setting.
func (s *Service) zones(ctx context.Context) (map[int64]*time.Location, *time.Location, error) {
	schedules, err := s.Schedules.List(ctx)
	if err != nil {
		return nil, nil, err
	}
	settings, err := s.Settings.Get(ctx)
	if err != nil {
		return nil, nil, err
	}
	desk := loadZone(settings.TimeZone)
	byTeam := map[int64]*time.Location{}
	for _, sc := range schedules {
		loc := loadZone(sc.TimeZone)
		if sc.Default {
			desk = loc
		}
		for _, id := range sc.TeamIDs {
			byTeam[id] = loc
		}
	}
	return byTeam, desk, nil
}

// loadZone loads a stored zone; they were checked when saved, so one that
// no longer loads (a zone database without it) falls back to UTC rather
// than taking the board down.
func loadZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// online counts, per card, the agents whom any roster names.
func (s *Service) online(b *board) {
	on := map[int64]bool{}
	for _, r := range s.Rosters {
		for _, id := range r.Online() {
			on[id] = true
		}
	}
	b.desk.AgentsOnline = len(on)
	for id, c := range b.cards {
		for _, m := range b.members[id] {
			if on[m] {
				c.AgentsOnline++
			}
		}
	}
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("ops: %s: %w", what, err)
}
