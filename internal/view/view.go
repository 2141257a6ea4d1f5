// Package view holds agents' views: saved ticket filters with a sort order
// and the columns an inbox shows. A few ready-made views are built in as
// code; agents add their own and may share one with a team they belong to.
package view

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// View is a saved ticket filter. ID is a ready-made view's key ("mine",
// "unassigned"...) or a saved view's number written in decimal, so both kinds
// share one URL space (/inbox?view=mine, /inbox?view=12).
type View struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	BuiltIn   bool     `json:"built_in"`
	OwnerID   *int64   `json:"owner_id"` // nil for a ready-made view
	TeamID    *int64   `json:"team_id"`  // the team it is shared with, if any
	Filters   Filters  `json:"filters"`
	Sort      string   `json:"sort"`
	Ascending bool     `json:"ascending"`
	Columns   []string `json:"columns"`

	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`

	id int64 // the row id of a saved view
}

// Filters are the conditions a ticket must meet to be in a view; empty
// fields do not filter.
type Filters struct {
	// Statuses are built-in status categories (new, open, pending...).
	Statuses []string `json:"statuses,omitempty"`
	// Assignee is "me" (whoever looks at the view), "none" (unassigned) or
	// a user id written in decimal.
	Assignee    string   `json:"assignee,omitempty"`
	TeamID      *int64   `json:"team_id,omitempty"`
	Tag         string   `json:"tag,omitempty"`
	Priorities  []string `json:"priorities,omitempty"`
	Channels    []string `json:"channels,omitempty"`
	RequesterID *int64   `json:"requester_id,omitempty"`
	// UpdatedWithinDays keeps tickets changed in the last so many days.
	UpdatedWithinDays int `json:"updated_within_days,omitempty"`
	// DueWithinMinutes keeps tickets with an SLA deadline not met that
	// falls within so many minutes from now, or has passed.
	DueWithinMinutes int `json:"due_within_minutes,omitempty"`
}

// Assignee filter values other than a user id.
const (
	AssigneeMe   = "me"
	AssigneeNone = "none"
)

// Columns the inbox can show, in the order a form offers them.
var Columns = []string{"number", "subject", "requester", "status", "priority", "assignee", "team", "tags", "channel", "waiting", "updated", "created"}

// DefaultColumns is what a view shows when it names none: one calm line a
// ticket, as Help Scout and Front show it; the subject cell carries a
// snippet of the last message.
var DefaultColumns = []string{"number", "requester", "subject", "status", "assignee", "waiting"}

// ColumnLabel is the heading of a column.
func ColumnLabel(c string) string {
	switch c {
	case "number":
		return "#"
	case "updated":
		return "Updated"
	case "created":
		return "Created"
	case "requester":
		return "Customer"
	}
	return strings.ToUpper(c[:1]) + c[1:]
}

// Limits on what a view holds.
const (
	MaxName     = 100 // characters
	MaxDays     = 366
	MaxPerOwner = 100
)

// unsolved are the status categories of work still to do; open are those
// that wait on us (not on the customer, as pending does, or on a third
// party, as on hold does).
var (
	unsolved = []string{"new", "open", "pending", "on_hold"}
	open     = []string{"new", "open"}
)

// builtIns are the ready-made views every agent sees, in this order.
var builtIns = []*View{
	{ID: "mine", Name: "My open tickets", Filters: Filters{Statuses: unsolved, Assignee: AssigneeMe}},
	{ID: "unassigned", Name: "Unassigned", Filters: Filters{Statuses: unsolved, Assignee: AssigneeNone}},
	{ID: "open", Name: "All open", Filters: Filters{Statuses: open}},
	{ID: "pending", Name: "Pending", Filters: Filters{Statuses: []string{"pending"}}},
	{ID: "solved", Name: "Recently solved", Filters: Filters{Statuses: []string{"solved", "closed"}, UpdatedWithinDays: 7}},
}

func init() {
	for _, v := range builtIns {
		v.BuiltIn, v.Sort, v.Columns = true, ticket.SortUpdated, DefaultColumns
	}
}

// BuiltIns returns copies of the ready-made views.
func BuiltIns() []*View {
	out := make([]*View, len(builtIns))
	for i, v := range builtIns {
		c := *v
		out[i] = &c
	}
	return out
}

// DefaultID is the view the inbox opens on.
const DefaultID = "mine"

// NewView is what it takes to save a view.
type NewView struct {
	Name      string   `json:"name"`
	TeamID    *int64   `json:"team_id"`
	Filters   Filters  `json:"filters"`
	Sort      string   `json:"sort"`
	Ascending bool     `json:"ascending"`
	Columns   []string `json:"columns"`
}

// Patch changes a saved view; absent fields stay as they are. TeamID set to
// null stops sharing it.
type Patch struct {
	Name      *string           `json:"name"`
	TeamID    ticket.OptionalID `json:"team_id"`
	Filters   *Filters          `json:"filters"`
	Sort      *string           `json:"sort"`
	Ascending *bool             `json:"ascending"`
	Columns   *[]string         `json:"columns"`
}

func checkName(s string) (string, error) {
	return apperr.CheckText("name", s, MaxName, true)
}

func checkSort(s string) (string, error) {
	if s == "" {
		return ticket.SortUpdated, nil
	}
	if !slices.Contains(ticket.Sorts, s) {
		return "", apperr.Invalid("sort", "must be one of %s, not %q", strings.Join(ticket.Sorts, ", "), s)
	}
	return s, nil
}

// checkColumns keeps the allow-listed columns in the order given, once
// each; none means the default set.
func checkColumns(cols []string) ([]string, error) {
	if len(cols) == 0 {
		return slices.Clone(DefaultColumns), nil
	}
	out := make([]string, 0, len(cols))
	for _, c := range cols {
		if !slices.Contains(Columns, c) {
			return nil, apperr.Invalid("columns", "must be among %s, not %q", strings.Join(Columns, ", "), c)
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// check normalises f and checks what can be checked without the database.
func (f *Filters) check() error {
	sets := []struct {
		field  string
		values *[]string
		known  []string
	}{
		{"filters.statuses", &f.Statuses, ticket.Statuses},
		{"filters.priorities", &f.Priorities, ticket.Priorities},
		{"filters.channels", &f.Channels, ticket.Channels},
	}
	for _, s := range sets {
		var out []string
		for _, v := range *s.values {
			if !slices.Contains(s.known, v) {
				return apperr.Invalid(s.field, "must be among %s, not %q", strings.Join(s.known, ", "), v)
			}
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		*s.values = out
	}
	f.Assignee = strings.TrimSpace(f.Assignee)
	if f.Assignee != "" && f.Assignee != AssigneeMe && f.Assignee != AssigneeNone {
		if id, err := strconv.ParseInt(f.Assignee, 10, 64); err != nil || id <= 0 {
			return apperr.Invalid("filters.assignee", "must be me, none or a user id, not %q", f.Assignee)
		}
	}
	f.Tag = strings.ToLower(strings.TrimSpace(f.Tag))
	if utf8.RuneCountInString(f.Tag) > ticket.MaxTag {
		return apperr.Invalid("filters.tag", "is longer than %d characters", ticket.MaxTag)
	}
	if f.TeamID != nil && *f.TeamID <= 0 {
		return apperr.Invalid("filters.team_id", "is not a team id")
	}
	if f.RequesterID != nil && *f.RequesterID <= 0 {
		return apperr.Invalid("filters.requester_id", "is not a customer id")
	}
	if f.UpdatedWithinDays < 0 || f.UpdatedWithinDays > MaxDays {
		return apperr.Invalid("filters.updated_within_days", "must be between 0 and %d", MaxDays)
	}
	if f.DueWithinMinutes < 0 || f.DueWithinMinutes > MaxDays*24*60 {
		return apperr.Invalid("filters.due_within_minutes", "must be between 0 and %d", MaxDays*24*60)
	}
	return nil
}

// ticketFilter turns the view's filters into a ticket listing for the agent
// userID ("me"), as of now.
func (v *View) ticketFilter(userID int64, now time.Time) ticket.Filter {
	f := v.Filters
	tf := ticket.Filter{
		Statuses: f.Statuses, Priorities: f.Priorities, Channels: f.Channels,
		Tag: f.Tag, Sort: v.Sort, Ascending: v.Ascending,
	}
	switch f.Assignee {
	case "":
	case AssigneeMe:
		tf.AssigneeID = userID
	case AssigneeNone:
		tf.Unassigned = true
	default:
		tf.AssigneeID, _ = strconv.ParseInt(f.Assignee, 10, 64)
	}
	if f.TeamID != nil {
		tf.TeamID = *f.TeamID
	}
	if f.RequesterID != nil {
		tf.RequesterID = *f.RequesterID
	}
	if f.UpdatedWithinDays > 0 {
		tf.UpdatedSince = now.AddDate(0, 0, -f.UpdatedWithinDays)
	}
	if f.DueWithinMinutes > 0 {
		tf.DueBefore = now.Add(time.Duration(f.DueWithinMinutes) * time.Minute)
	}
	return tf
}
