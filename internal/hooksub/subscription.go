// Package hooksub keeps webhook subscriptions to ticket events: an admin
// names a URL, the event types it wants and, optionally, a filter on the
// ticket; every such event committed afterwards is posted there once,
// signed (webhook.Sign), by a durable job through the guarded outbound
// client, retried with backoff for 24 hours and logged per subscription.
// A subscription whose posts keep failing is paused and the admins are
// told by mail.
package hooksub

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/joining"
	"github.com/centerdesk/centerdesk/internal/sla"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Events are the event types a subscription may ask for, as the event bus
// names them: every change to a ticket that is worth telling another
// system about.
var Events = []string{
	ticket.EventCreated,
	ticket.EventMessageAdded,
	"ticket.status_changed",
	"ticket.priority_changed",
	"ticket.subject_changed",
	"ticket.tags_changed",
	"ticket.assignee_changed",
	"ticket.team_changed",
	ticket.EventCustomStatusChanged,
	ticket.EventFieldChanged,
	ticket.EventLinked,
	ticket.EventUnlinked,
	ticket.EventMerged,
	ticket.EventSplit,
	ticket.EventFollowerAdded,
	joining.EventJoined,
	joining.EventChannelSwitched,
	sla.EventAtRisk,
	sla.EventBreached,
}

// Limits on what a subscription holds.
const (
	MaxFilterValues   = 50   // entries in each list of a filter
	MaxURLLen         = 2000 // characters of a URL
	DefaultPauseAfter = 10   // failed attempts in a row before a subscription is paused
	MaxPauseAfter     = 1000
)

// Subscription is one webhook subscription. Secret is shown once, in the
// answer that creates it (or rotates it); it is sealed at rest.
type Subscription struct {
	ID           int64     `json:"id"`
	URL          string    `json:"url"`
	Events       []string  `json:"events"`
	Filter       Filter    `json:"filter"`
	Active       bool      `json:"active"`
	PausedReason string    `json:"paused_reason"` // why it was paused; empty when active or paused by hand
	PauseAfter   int       `json:"pause_after"`   // failed attempts in a row that pause it
	Failures     int       `json:"failures"`      // failed attempts in a row so far
	Secret       string    `json:"secret,omitempty"`
	CreatedBy    *int64    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`

	secret string // the opened secret, for signing
}

// Filter narrows a subscription to some tickets. Each list that is not
// empty must match (a ticket in one of the teams, on one of the channels,
// with at least one of the tags); an empty filter passes every ticket. It
// is matched against the ticket as it is when the event is read, shortly
// after it was committed.
type Filter struct {
	TeamIDs  []int64  `json:"team_ids,omitempty"`
	Channels []string `json:"channels,omitempty"`
	Tags     []string `json:"tags,omitempty"`
}

// Input creates a subscription.
type Input struct {
	URL        string   `json:"url"`
	Events     []string `json:"events"`
	Filter     *Filter  `json:"filter"`
	Active     *bool    `json:"active"`      // true when omitted
	PauseAfter int      `json:"pause_after"` // DefaultPauseAfter when 0
}

// Patch changes a subscription; nil fields are kept. Setting active to
// true resumes a paused subscription and clears its failures.
type Patch struct {
	URL          *string   `json:"url"`
	Events       *[]string `json:"events"`
	Filter       *Filter   `json:"filter"`
	Active       *bool     `json:"active"`
	PauseAfter   *int      `json:"pause_after"`
	RotateSecret bool      `json:"rotate_secret"` // make a new secret, shown in the answer
}

// checkEvents validates event types, naming the unknown ones.
func checkEvents(in []string) ([]string, error) {
	if len(in) == 0 {
		return nil, apperr.Invalid("events", "name at least one event type, such as ticket.created")
	}
	var out, unknown []string
	for _, e := range in {
		e = strings.TrimSpace(e)
		if !slices.Contains(Events, e) {
			unknown = append(unknown, e)
			continue
		}
		out = append(out, e)
	}
	if len(unknown) > 0 {
		return nil, apperr.Invalid("events", "unknown event type(s) %s; known: %s",
			strings.Join(unknown, ", "), strings.Join(Events, ", "))
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// check validates the lists of a filter; teams are checked to exist by the
// service.
func (f *Filter) check() error {
	if len(f.TeamIDs) > MaxFilterValues || len(f.Channels) > MaxFilterValues || len(f.Tags) > MaxFilterValues {
		return apperr.Invalid("filter", "each list holds at most %d values", MaxFilterValues)
	}
	for _, c := range f.Channels {
		if !slices.Contains(ticket.Channels, c) {
			return apperr.Invalid("filter.channels", "unknown channel %q; known: %s", c, strings.Join(ticket.Channels, ", "))
		}
	}
	for i, t := range f.Tags {
		if !utf8.ValidString(t) || apperr.Blank(t) {
			return apperr.Invalid("filter.tags", "a tag must be non-empty text")
		}
		f.Tags[i] = strings.ToLower(strings.TrimSpace(t)) // as tickets keep them
	}
	slices.Sort(f.TeamIDs)
	f.TeamIDs = slices.Compact(f.TeamIDs)
	return nil
}

// matches reports whether ticket t passes the filter; a ticket that is
// gone passes only an empty filter.
func (f *Filter) matches(t *ticket.Ticket) bool {
	if len(f.TeamIDs) == 0 && len(f.Channels) == 0 && len(f.Tags) == 0 {
		return true
	}
	if t == nil {
		return false
	}
	if len(f.TeamIDs) > 0 && (t.TeamID == nil || !slices.Contains(f.TeamIDs, *t.TeamID)) {
		return false
	}
	if len(f.Channels) > 0 && !slices.Contains(f.Channels, t.Channel) {
		return false
	}
	if len(f.Tags) > 0 && !slices.ContainsFunc(t.Tags, func(tag string) bool { return slices.Contains(f.Tags, tag) }) {
		return false
	}
	return true
}

func checkPauseAfter(n int) error {
	if n < 1 || n > MaxPauseAfter {
		return apperr.Invalid("pause_after", "must be between 1 and %d", MaxPauseAfter)
	}
	return nil
}
