package workspace

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/view"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// inboxPageSize is how many tickets one inbox page shows.
const inboxPageSize = 50

// homeRedirect sends a signed-in agent to their inbox, which picks the
// view to open on (landingView).
func (wb *Pages) homeRedirect(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
	return nil
}

// inboxRow is one ticket in the inbox with the names its columns show.
type inboxRow struct {
	*ticket.Ticket
	Requester, Assignee, Team string
	Snippet                   string      // the start of the last public message
	Cells                     []inboxCell // the columns' cells, in order (see fillCells)
}

// inboxTable is the table of a view's tickets: the part /inbox/rows
// re-renders.
type inboxTable struct {
	View    *view.View
	Columns []string
	Rows    []inboxRow
	Cursor  string // this page's cursor, "" on the first
	Next    string // the next page's cursor, "" on the last
}

// Span is how many cells a row has: the columns and the checkbox.
func (t inboxTable) Span() int { return len(t.Columns) + 1 }

// ColumnLabel is the heading of column c.
func (inboxTable) ColumnLabel(c string) string { return view.ColumnLabel(c) }

// viewNav is the list of views with their counts (nil until counted).
type viewNav struct {
	Views   []*view.View
	Current string
	Counts  map[string]int64
}

// CountOf returns a view's count as text, or "" before counting.
func (n viewNav) CountOf(id string) string {
	c, ok := n.Counts[id]
	if !ok {
		return ""
	}
	return strconv.FormatInt(c, 10)
}

type inboxPage struct {
	Page
	Nav     viewNav
	Table   inboxTable
	CanEdit bool
	Agents  []*user.User
	Teams   []*team.Team
	Options options
	Setup   []setupStep // how to set up an empty desk; nil once done
}

func (wb *Pages) inbox(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := user.FromContext(ctx)
	views, err := wb.Views.List(ctx, u)
	if err != nil {
		return err
	}
	table, err := wb.inboxTable(ctx, r)
	if err != nil {
		return err
	}
	agents, err := wb.Users.List(ctx)
	if err != nil {
		return err
	}
	teams, err := wb.Teams.List(ctx)
	if err != nil {
		return err
	}
	if err := wb.fillRows(ctx, table, agents, teams); err != nil {
		return err
	}
	setup, err := wb.setupChecklist(ctx, u, agents)
	if err != nil {
		return err
	}
	p := &inboxPage{
		Setup:   setup,
		Page:    wb.BasePage(r, table.View.Name),
		Nav:     viewNav{Views: views, Current: table.View.ID},
		Table:   *table,
		CanEdit: !table.View.BuiltIn && *table.View.OwnerID == u.ID,
		Agents:  kit.ActiveAgents(agents),
		Teams:   teams,
		Options: newOptions(),
	}
	wb.Render(w, r, http.StatusOK, "inbox", p)
	return nil
}

// inboxTable loads the page of the view the request names.
func (wb *Pages) inboxTable(ctx context.Context, r *http.Request) (*inboxTable, error) {
	u := user.FromContext(ctx)
	q := r.URL.Query()
	id := q.Get("view")
	if id == "" {
		var err error
		if id, err = wb.landingView(ctx, u); err != nil {
			return nil, err
		}
	}
	v, err := wb.Views.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	page, err := wb.Views.Tickets(ctx, u, v, q.Get("cursor"), inboxPageSize)
	if err != nil {
		return nil, err
	}
	t := &inboxTable{View: v, Columns: tableColumns(v), Cursor: q.Get("cursor"), Next: page.NextCursor}
	for _, tk := range page.Tickets {
		t.Rows = append(t.Rows, inboxRow{Ticket: tk})
	}
	return t, nil
}

// tableColumns are a view's columns, with the subject added if the view
// shows neither it nor the number: every row needs a link to open.
func tableColumns(v *view.View) []string {
	cols := v.Columns
	if !slices.Contains(cols, "subject") && !slices.Contains(cols, "number") {
		cols = append([]string{"subject"}, cols...)
	}
	return cols
}

// fillRows fills in the requester, assignee and team names of the table's
// rows (one query for the requesters; the agents and teams are already
// loaded), then their cells.
func (wb *Pages) fillRows(ctx context.Context, t *inboxTable, agents []*user.User, teams []*team.Team) error {
	rows := t.Rows
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		if !slices.Contains(ids, r.RequesterID) {
			ids = append(ids, r.RequesterID)
		}
	}
	names, err := wb.Customers.Names(ctx, ids)
	if err != nil {
		return err
	}
	snippets, err := wb.snippets(ctx, t)
	if err != nil {
		return err
	}
	agentNames := make(map[int64]string, len(agents))
	for _, a := range agents {
		agentNames[a.ID] = a.Name
	}
	now := time.Now()
	teamNames := make(map[int64]string, len(teams))
	for _, t := range teams {
		teamNames[t.ID] = t.Name
	}
	for i := range rows {
		r := &rows[i]
		r.Requester = names[r.RequesterID]
		if r.AssigneeID != nil {
			r.Assignee = agentNames[*r.AssigneeID]
		}
		if r.TeamID != nil {
			r.Team = teamNames[*r.TeamID]
		}
		r.Snippet = snippets[r.ID]
		r.fillCells(t.Columns, now)
	}
	return nil
}

// snippets loads the start of each row's last message, when the table
// shows subjects, which they follow.
func (wb *Pages) snippets(ctx context.Context, t *inboxTable) (map[int64]string, error) {
	if !slices.Contains(t.Columns, "subject") {
		return nil, nil
	}
	ids := make([]int64, len(t.Rows))
	for i, r := range t.Rows {
		ids[i] = r.ID
	}
	return wb.Tickets.Snippets(ctx, ids)
}

// inboxRowsFragment answers GET /inbox/rows: the <tr> elements of the view,
// for htmx and live updates to swap into #inbox-rows.
func (wb *Pages) inboxRowsFragment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	table, err := wb.inboxTable(ctx, r)
	if err != nil {
		return err
	}
	agents, err := wb.Users.List(ctx)
	if err != nil {
		return err
	}
	teams, err := wb.Teams.List(ctx)
	if err != nil {
		return err
	}
	if err := wb.fillRows(ctx, table, agents, teams); err != nil {
		return err
	}
	wb.Fragment(w, r, http.StatusOK, "inbox", "inbox-rows", table)
	return nil
}

// inboxCountsFragment answers GET /inbox/counts: the <nav id="views"> with
// every view's count, which the inbox loads after the page itself so the
// counts never slow the page down.
func (wb *Pages) inboxCountsFragment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := user.FromContext(ctx)
	views, err := wb.Views.List(ctx, u)
	if err != nil {
		return err
	}
	counts, err := wb.Views.Counts(ctx, u, views)
	if err != nil {
		return err
	}
	nav := viewNav{Views: views, Current: currentView(r), Counts: counts}
	wb.Fragment(w, r, http.StatusOK, "inbox", "view-nav", nav)
	return nil
}

// currentView is the view the inbox on screen shows, to mark in the list:
// the view parameter, or else that of the inbox page that asked (a live
// refresh may not say), or else the default.
func currentView(r *http.Request) string {
	if v := r.URL.Query().Get("view"); v != "" {
		return v
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Path == "/inbox" && ref.Query().Get("view") != "" {
		return ref.Query().Get("view")
	}
	return view.DefaultID
}

// option is one choice of a select or a set of checkboxes.
type option struct {
	Value, Label string
	Checked      bool
}

// options are the fixed choices the inbox and view forms offer.
type options struct {
	Statuses, Priorities, Channels, Sorts, Columns []option
}

func newOptions() options {
	return options{
		Statuses:   choices(ticket.Statuses, nil),
		Priorities: choices(ticket.Priorities, nil),
		Channels:   choices(ticket.Channels, nil),
		Sorts:      choices(ticket.Sorts, nil),
		Columns:    columnChoices(nil),
	}
}

// choices offers values, ticking those in checked.
func choices(values, checked []string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{Value: v, Label: humanize(v), Checked: slices.Contains(checked, v)}
	}
	return out
}

func columnChoices(checked []string) []option {
	out := choices(view.Columns, checked)
	for i := range out {
		out[i].Label = view.ColumnLabel(out[i].Value)
		if out[i].Value == "number" {
			out[i].Label = "Number"
		}
	}
	return out
}

// humanize turns a value such as on_hold into "On hold".
func humanize(v string) string {
	if v == "api" {
		return "API"
	}
	b := []byte(v)
	for i, c := range b {
		if c == '_' {
			b[i] = ' '
		}
	}
	if len(b) > 0 && b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b)
}
