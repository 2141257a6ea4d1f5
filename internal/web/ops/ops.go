// Package ops serves the live operations board for leads and admins:
// /ops draws a card per team (and one for the desk) from ops.Snapshot,
// /ops/events keeps it current over server-sent events, /ops/export gives
// the chart's numbers as CSV, and /ops?kiosk=1 is the same board for a
// wall screen: large type, dark, no navigation. Without JavaScript the
// page is whole and a refresh updates it.
package ops

import (
	"context"
	"embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/ops"
	"github.com/centerdesk/centerdesk/internal/presence"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/staffing"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Ops      *ops.Service
	Bus      *events.Bus   // what changes the board
	Presence *presence.Hub // agents coming and going; nil for none
	// Stop ends every stream when it is closed (the server shutting down);
	// nil never does.
	Stop <-chan struct{}
	// Cadence of the live stream; zero values take the defaults.
	Cadence Cadence
	// Staffing makes the next hours' staffing plan; nil shows none.
	Staffing StaffingPlan
}

// Cadence is how the live stream paces itself.
type Cadence struct {
	Check     time.Duration // after a change, look again at most this often (default 2 s)
	Refresh   time.Duration // look again anyway, as time alone moves deadlines (default 30 s)
	Heartbeat time.Duration // a comment that keeps proxies from closing the stream (default 15 s)
}

func (c Cadence) withDefaults() Cadence {
	if c.Check <= 0 {
		c.Check = 2 * time.Second
	}
	if c.Refresh <= 0 {
		c.Refresh = 30 * time.Second
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = 15 * time.Second
	}
	return c
}

// Pages serves the surface's pages.
type Pages struct {
	kit.Surface
	Deps
}

//go:embed templates
var templates embed.FS

// New parses the surface's templates and returns its route table.
func New(k *kit.Kit, deps Deps) (kit.Table, error) {
	s, err := k.Surface(templates)
	if err != nil {
		return kit.Table{}, err
	}
	deps.Cadence = deps.Cadence.withDefaults()
	wb := &Pages{Surface: s, Deps: deps}
	return kit.Table{Surface: "ops", Routes: []kit.Route{
		{Pattern: "GET /ops", Level: kit.Lead, Handler: wb.boardPage},
		{Pattern: "GET /ops/events", Level: kit.Lead, Handler: wb.events},
		{Pattern: "GET /ops/export", Level: kit.Lead, Handler: wb.exportCSV},
	}}, nil
}

// StaffingPlan makes the staffing plan of the next hours as of now
// (staffing.Plan over the desk's real sources).
type StaffingPlan func(ctx context.Context, now time.Time) (staffing.PlanResult, error)

// staffingView is the plan as the board draws it, in the viewer's zone.
type staffingView struct {
	Channels []channelView
	Email    staffing.EmailCapacity
}

// channelView is one live channel's next hours.
type channelView struct {
	staffing.ChannelPlan
	Name string // "Phone"
	Rows []staffRow
	Asks []string // "Add 2 people 14:00–16:00"
}

// staffRow is one hour of a channel's plan.
type staffRow struct {
	Hour string
	staffing.PlanHour
}

func staffingOf(p staffing.PlanResult, loc *time.Location) *staffingView {
	v := &staffingView{Email: p.Email}
	for _, c := range p.Channels {
		cv := channelView{ChannelPlan: c, Name: channelNames[c.Channel]}
		if cv.Name == "" {
			cv.Name = c.Channel
		}
		for _, h := range c.Hours {
			cv.Rows = append(cv.Rows, staffRow{Hour: h.Start.In(loc).Format("15:04"), PlanHour: h})
		}
		for _, r := range c.Recommendations {
			cv.Asks = append(cv.Asks, fmt.Sprintf("Add %d %s %s–%s", r.Add, people(r.Add),
				r.From.In(loc).Format("15:04"), r.To.In(loc).Format("15:04")))
		}
		v.Channels = append(v.Channels, cv)
	}
	return v
}

var channelNames = map[string]string{"phone": "Phone", "chat": "Chat"}

func people(n int) string {
	if n == 1 {
		return "person"
	}
	return "people"
}

type boardPage struct {
	kit.Page
	Kiosk    bool
	Snapshot *ops.Snapshot
	Cards    []card
	Events   string        // the live stream's URL
	Staffing *staffingView // nil without a plan
}

// card is one card as the page draws it.
type card struct {
	ops.Card
	Key          string // the card's id in the page: "desk" or "team-N"
	Levels       []level
	Chart        template.JS  // the arrivals chart's data, JSON
	ArrivalRows  []arrivalRow // the same numbers, for the table beneath
	FeedbackRows []feedbackRow
}

// arrivalRow is one hour of the arrivals table.
type arrivalRow struct {
	Hour     string // its start in the viewer's zone, "14:00"
	Arrived  int64
	Forecast float64
}

// level is a service level in words: the figure, its colour and what the
// colour means, so that no one needs the colour to read it.
type level struct {
	ops.Judged
	ID      string // the element's id
	Name    string // the metric, for people
	Figure  string // "96.2%", or "–" with nothing decided
	Verdict string // "Green: on goal", "Orange: below goal", "Red: far below goal", "Grey: nothing due yet"
}

// feedbackRow is one line of the feedback table: today and 7 days.
type feedbackRow struct{ Label, Today, Week string }

func feedbackRows(f ops.Feedback) []feedbackRow {
	return []feedbackRow{
		{"CSAT", percent(f.Today.CSATScore), percent(f.Week.CSATScore)},
		{"CES (1–7)", decimal(f.Today.CESMean), decimal(f.Week.CESMean)},
		{"Answers", strconv.Itoa(f.Today.Answered), strconv.Itoa(f.Week.Answered)},
	}
}

func percent(p *float64) string {
	if p == nil {
		return "–"
	}
	return strconv.FormatFloat(*p, 'f', 1, 64) + "%"
}

func decimal(p *float64) string {
	if p == nil {
		return "–"
	}
	return strconv.FormatFloat(*p, 'f', 2, 64)
}

func (wb *Pages) boardPage(w http.ResponseWriter, r *http.Request) error {
	pg, err := wb.load(r)
	if err != nil {
		return err
	}
	if pg.Kiosk {
		wb.Fragment(w, r, http.StatusOK, "ops", "kiosk", pg)
		return nil
	}
	wb.Render(w, r, http.StatusOK, "ops", pg)
	return nil
}

// load reads the snapshot and shapes it for the page's viewer.
func (wb *Pages) load(r *http.Request) (*boardPage, error) {
	snap, err := wb.Ops.Snapshot(r.Context())
	if err != nil {
		return nil, err
	}
	kiosk := r.URL.Query().Get("kiosk") == "1"
	pg := &boardPage{Page: wb.BasePage(r, "Operations"), Kiosk: kiosk, Snapshot: snap, Events: "/ops/events"}
	if kiosk {
		pg.Events += "?kiosk=1"
	}
	loc := wb.Location(r)
	if wb.Staffing != nil {
		plan, err := wb.Staffing(r.Context(), snap.GeneratedAt)
		if err != nil {
			return nil, err
		}
		pg.Staffing = staffingOf(plan, loc)
	}
	for _, c := range append([]ops.Card{snap.Desk}, snap.Teams...) {
		cv, err := cardOf(c, loc)
		if err != nil {
			return nil, err
		}
		pg.Cards = append(pg.Cards, cv)
	}
	return pg, nil
}

func cardOf(c ops.Card, loc *time.Location) (card, error) {
	key := "desk"
	if c.TeamID != nil {
		key = "team-" + strconv.FormatInt(*c.TeamID, 10)
	}
	chart, rows, err := chartOf(c, loc)
	if err != nil {
		return card{}, err
	}
	return card{Card: c, Key: key, Chart: chart, ArrivalRows: rows, FeedbackRows: feedbackRows(c.Feedback), Levels: []level{
		levelOf(c.ServiceLevel.FirstReply, "ops-"+key+"-first-reply", "First reply"),
		levelOf(c.ServiceLevel.Resolution, "ops-"+key+"-resolution", "Resolution"),
	}}, nil
}

// verdicts say each colour in words, the colour's name first.
var verdicts = map[string]string{sla.Green: "Green: on goal", sla.Orange: "Orange: below goal",
	sla.Red: "Red: far below goal", sla.Grey: "Grey: nothing due yet"}

func levelOf(j ops.Judged, id, name string) level {
	l := level{Judged: j, ID: id, Name: name, Figure: "–", Verdict: verdicts[j.Colour]}
	if j.Share != nil {
		l.Figure = strconv.FormatFloat(*j.Share*100, 'f', 1, 64) + "%"
	}
	return l
}

// arrivalsChart is what static/ops.js draws: hours in the viewer's zone,
// tickets arrived (bars) and the forecast (a line).
type arrivalsChart struct {
	Hours    []string  `json:"hours"`
	Arrived  []int64   `json:"arrived"`
	Forecast []float64 `json:"forecast"`
}

// chartOf is a card's arrivals as the chart's JSON and as table rows: the
// same numbers.
func chartOf(c ops.Card, loc *time.Location) (template.JS, []arrivalRow, error) {
	ch := arrivalsChart{Hours: []string{}, Arrived: []int64{}, Forecast: []float64{}}
	var rows []arrivalRow
	for _, h := range c.Arrivals {
		row := arrivalRow{Hour: h.Start.In(loc).Format("15:04"), Arrived: h.Arrived, Forecast: hundredths(h.Forecast)}
		rows = append(rows, row)
		ch.Hours = append(ch.Hours, row.Hour)
		ch.Arrived = append(ch.Arrived, row.Arrived)
		ch.Forecast = append(ch.Forecast, row.Forecast)
	}
	b, err := json.Marshal(ch)
	return template.JS(b), rows, err
}

// hundredths rounds a forecast for people: 0.25 tickets an hour, not
// 0.2500000001.
func hundredths(x float64) float64 { return math.Round(x*100) / 100 }

// exportCSV gives every card's arrivals per hour against the forecast: the
// numbers its chart draws, hours in the viewer's zone.
func (wb *Pages) exportCSV(w http.ResponseWriter, r *http.Request) error {
	snap, err := wb.Ops.Snapshot(r.Context())
	if err != nil {
		return err
	}
	loc := wb.Location(r)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="arrivals_today.csv"`)
	out := csv.NewWriter(w)
	out.Write([]string{"team", "hour", "arrived", "forecast"})
	for _, c := range append([]ops.Card{snap.Desk}, snap.Teams...) {
		for _, h := range c.Arrivals {
			out.Write([]string{c.Name, h.Start.In(loc).Format("2006-01-02 15:04"), strconv.FormatInt(h.Arrived, 10),
				strconv.FormatFloat(hundredths(h.Forecast), 'f', -1, 64)})
		}
	}
	out.Flush()
	return out.Error()
}
