// Package wall serves the feedback wall page (/wall): customers' answers,
// positive and negative, newest first, for everyone signed in, with
// filters; leads turn a glowing comment into a recognition post from it.
// Package wall (the domain) does the work and decides who may do what.
package wall

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/user"
	feedbackwall "github.com/centerdesk/centerdesk/internal/wall"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the page calls.
type Deps struct {
	Users       *user.Service
	Teams       *team.Service
	Recognition *recognition.Service // the values a post can show
	Wall        *feedbackwall.Service
}

// Pages serves the surface.
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
	wb := &Pages{Surface: s, Deps: deps}
	return kit.Table{Surface: "wall", Routes: []kit.Route{
		{Pattern: "GET /wall", Level: kit.Agent, Handler: wb.wallPage},
		{Pattern: "POST /wall/{survey_id}/recognize", Level: kit.Lead, Handler: wb.recognize},
	}}, nil
}

type wallData struct {
	kit.Page
	Lead   bool
	Form   filterForm
	Items  []feedbackwall.Item
	More   string // the next page's URL, "" on the last
	Teams  []*team.Team
	Agents []*user.User
	Values []recognition.ValueOption
}

// filterForm is the filter as typed, shown back in the form.
type filterForm struct {
	Band, From, To     string
	TeamID, AgentID    int64
	HasComment         bool
	Problem, ProblemAt string
}

func (wb *Pages) wallPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := user.FromContext(ctx)
	d := &wallData{Page: wb.BasePage(r, "Feedback wall"), Lead: me.IsLead()}
	f, err := wb.filterOf(r, &d.Form)
	var page *feedbackwall.Page
	if err == nil {
		page, err = wb.Wall.List(ctx, me, f)
	}
	if err != nil {
		status, detail := httpx.Describe(ctx, err)
		if status >= 500 {
			return err
		}
		d.Form.Problem, d.Form.ProblemAt = detail.Message, detail.Field
		page = &feedbackwall.Page{}
	}
	d.Items = page.Items
	if page.NextCursor != "" {
		q := r.URL.Query()
		q.Set("cursor", page.NextCursor)
		d.More = "/wall?" + q.Encode()
	}
	if d.Teams, err = wb.Teams.List(ctx); err != nil {
		return err
	}
	if d.Agents, err = activeUsers(wb.Users, r); err != nil {
		return err
	}
	if d.Lead {
		if d.Values, err = wb.Recognition.ValueOptions(ctx); err != nil {
			return err
		}
	}
	wb.Render(w, r, http.StatusOK, "wall", d)
	return nil
}

func activeUsers(users *user.Service, r *http.Request) ([]*user.User, error) {
	all, err := users.List(r.Context())
	var out []*user.User
	for _, u := range all {
		if u.Active() {
			out = append(out, u)
		}
	}
	return out, err
}

// filterOf reads the filter from the query. With no query at all the
// wall shows comments only: it is a wall of what customers said.
func (wb *Pages) filterOf(r *http.Request, form *filterForm) (feedbackwall.Filter, error) {
	q := r.URL.Query()
	f := feedbackwall.Filter{Band: q.Get("band"), Cursor: q.Get("cursor"), Limit: 30}
	form.Band, form.From, form.To = f.Band, q.Get("from"), q.Get("to")
	form.HasComment = len(q) == 0 || q.Get("has_comment") == "true"
	if form.HasComment {
		yes := true
		f.HasComment = &yes
	}
	var err error
	if f.TeamID, err = formID(q, "team_id"); err != nil {
		return f, err
	}
	if f.AgentID, err = formID(q, "agent_id"); err != nil {
		return f, err
	}
	form.TeamID, form.AgentID = f.TeamID, f.AgentID
	loc := wb.Location(r)
	if f.From, err = day(q, "from", loc, false); err != nil {
		return f, err
	}
	if f.To, err = day(q, "to", loc, true); err != nil {
		return f, err
	}
	return f, f.Check()
}

func formID(q url.Values, name string) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, apperr.Invalid(name, "choose from the list")
	}
	return n, nil
}

// day reads a date typed in the viewer's zone: its start, or for the end
// of the range (end) the start of the next day.
func day(q url.Values, name string, loc *time.Location, end bool) (*time.Time, error) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return nil, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, v, loc)
	if err != nil {
		return nil, apperr.Invalid(name, "give a date as YYYY-MM-DD")
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return &t, nil
}

// recognize serves a lead's form under a comment: the post is made, or the
// refusal is told, and the lead is back at the comment.
func (wb *Pages) recognize(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := httpx.PathID(r, "survey_id")
	if err != nil {
		return err
	}
	value, _ := strconv.ParseInt(r.PostFormValue("value_id"), 10, 64)
	agent, _ := strconv.ParseInt(r.PostFormValue("agent_id"), 10, 64)
	a, err := wb.Wall.Recognize(ctx, user.FromContext(ctx), id, feedbackwall.NewRecognition{ValueID: value,
		Message: r.PostFormValue("message"), AgentID: agent})
	if err != nil {
		status, detail := httpx.Describe(ctx, err)
		if status >= 500 || status == http.StatusNotFound {
			return err
		}
		wb.Flash(r, "Not posted: "+detail.Message)
	} else {
		wb.Flash(r, fmt.Sprintf("Posted to the recognition feed: a %s badge.", a.ValueName))
	}
	http.Redirect(w, r, fmt.Sprintf("/wall#answer-%d", id), http.StatusSeeOther)
	return nil
}
