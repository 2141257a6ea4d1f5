// Package dashboard keeps the dashboards leads compose from report widgets,
// who may see each (its owner, a team, everyone), and the scheduled emails
// of a dashboard or of one report: each sent daily or weekly at an hour of
// the recipient's own time zone, once per period, with every report's CSV
// attached. Widgets name reports from the report registry (report.Names),
// so a report added there can be put on a dashboard without a change here.
package dashboard

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/report"
)

// Who a dashboard is shared with, besides its owner.
const (
	ShareNobody   = "nobody"
	ShareTeam     = "team"
	ShareEveryone = "everyone"
)

// Shares lists the choices of shared_with.
var Shares = []string{ShareNobody, ShareTeam, ShareEveryone}

// Chart types a widget is drawn as; "auto" is the report's own (bars for
// counts, lines for times).
var Charts = []string{"auto", "line", "bar", "table"}

// Sizes of a widget: half the row or all of it (on a phone every widget
// takes the whole width).
var Sizes = []string{"half", "full"}

// Limits that keep a dashboard readable and its page quick.
const (
	MaxWidgets = 12
	maxName    = 120
	maxTitle   = 120
)

// Dashboard is a named, ordered set of widgets with its owner and sharing.
type Dashboard struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	OwnerID    int64     `json:"owner_id"`
	SharedWith string    `json:"shared_with"` // nobody, team or everyone
	TeamID     *int64    `json:"team_id"`     // the team when shared_with is team
	Widgets    []Widget  `json:"widgets"`     // in display order: a widget's position is its index
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Widget is one report drawn on a dashboard.
type Widget struct {
	Report  string `json:"report"`          // a name of report.Names
	GroupBy string `json:"group_by"`        // "" (the whole desk), team, agent, channel or tag
	Range   string `json:"range"`           // see Ranges
	Chart   string `json:"chart"`           // see Charts
	Size    string `json:"size"`            // see Sizes
	Title   string `json:"title,omitempty"` // "" names it after its report
}

// NewDashboard is what creating a dashboard takes.
type NewDashboard struct {
	Name       string   `json:"name"`
	SharedWith string   `json:"shared_with"` // default nobody
	TeamID     *int64   `json:"team_id"`
	Widgets    []Widget `json:"widgets"`
}

// Patch changes the fields it sets; Widgets, when set, replaces them all
// (so reordering is sending them in the new order).
type Patch struct {
	Name       *string   `json:"name"`
	SharedWith *string   `json:"shared_with"`
	TeamID     *int64    `json:"team_id"`
	Widgets    *[]Widget `json:"widgets"`
}

// Heading is the widget's title, or its report's name for people.
func (w Widget) Heading() string {
	if w.Title != "" {
		return w.Title
	}
	return ReportLabel(w.Report)
}

// ReportLabel names a report for people: "first_reply_time" is "First
// reply time". Any registered name reads well this way, new ones included.
func ReportLabel(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// check normalises and checks a dashboard's fields; the team's existence is
// checked against the database by the caller.
func (n *NewDashboard) check() error {
	name, err := apperr.CheckText("name", n.Name, maxName, true)
	if err != nil {
		return err
	}
	n.Name = name
	if n.SharedWith == "" {
		n.SharedWith = ShareNobody
	}
	if !slices.Contains(Shares, n.SharedWith) {
		return apperr.Invalid("shared_with", "%q is not a choice; use nobody, team or everyone", n.SharedWith)
	}
	switch {
	case n.SharedWith == ShareTeam && n.TeamID == nil:
		return apperr.Invalid("team_id", "is required to share with a team")
	case n.SharedWith != ShareTeam:
		n.TeamID = nil
	}
	if n.Widgets == nil {
		n.Widgets = []Widget{}
	}
	return checkWidgets(n.Widgets)
}

func checkWidgets(ws []Widget) error {
	if len(ws) > MaxWidgets {
		return apperr.Invalid("widgets", "a dashboard holds at most %d widgets", MaxWidgets)
	}
	for i := range ws {
		if err := ws[i].check(fmt.Sprintf("widgets[%d].", i)); err != nil {
			return err
		}
	}
	return nil
}

// check normalises a widget (defaults for what is left out) and names the
// first bad field, prefixed with its place in the list.
func (w *Widget) check(prefix string) error {
	if !slices.Contains(report.Names, w.Report) {
		return apperr.Invalid(prefix+"report", "%q is not a report; reports are %s", w.Report, strings.Join(report.Names, ", "))
	}
	if w.GroupBy == "none" {
		w.GroupBy = ""
	}
	if !slices.Contains(report.Groups, w.GroupBy) {
		return apperr.Invalid(prefix+"group_by", "%q is not a grouping; use team, agent, channel or tag", w.GroupBy)
	}
	if err := checkChoice(prefix+"range", &w.Range, Ranges); err != nil {
		return err
	}
	if err := checkChoice(prefix+"chart", &w.Chart, Charts); err != nil {
		return err
	}
	if err := checkChoice(prefix+"size", &w.Size, Sizes); err != nil {
		return err
	}
	title, err := apperr.CheckText(prefix+"title", w.Title, maxTitle, false)
	w.Title = title
	return err
}

// checkChoice takes the first choice for "" and refuses anything else not
// among them.
func checkChoice(field string, v *string, choices []string) error {
	if *v == "" {
		*v = choices[0]
		return nil
	}
	if !slices.Contains(choices, *v) {
		return apperr.Invalid(field, "%q is not a choice; use %s", *v, strings.Join(choices, ", "))
	}
	return nil
}
