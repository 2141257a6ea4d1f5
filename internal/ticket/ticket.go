// Package ticket is the core of the help desk: tickets, their messages,
// tags and teams. Every change to a ticket is written with its events in one
// transaction (see internal/events).
package ticket

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/effort"
)

// Ticket is one customer issue, however it reached us.
type Ticket struct {
	ID           int64      `json:"id"`
	Number       int64      `json:"number"`
	Subject      string     `json:"subject"`
	Status       string     `json:"status"`
	Priority     string     `json:"priority"`
	Channel      string     `json:"channel"`
	RequesterID  int64      `json:"requester_id"`
	AssigneeID   *int64     `json:"assignee_id"`
	TeamID       *int64     `json:"team_id"`
	Tags         []string   `json:"tags"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	FirstReplyAt *time.Time `json:"first_reply_at"`
	SolvedAt     *time.Time `json:"solved_at"`
	ClosedAt     *time.Time `json:"closed_at"`
	// Version increments with every change; the API's ETag and If-Match
	// carry it (see version.go).
	Version int64 `json:"version"`
	// WaitingSince is when the customer's last public message arrived,
	// while no agent has answered it; nil once an agent has replied.
	WaitingSince *time.Time `json:"waiting_since"`

	// CustomStatus, when set, is the admin-defined status the ticket is in;
	// Status is then that status's category.
	CustomStatus *StatusRef `json:"custom_status,omitempty"`
	// CustomFields holds the ticket's custom field values by field key.
	CustomFields map[string]any `json:"custom_fields"`
	Effort       effort.Effort  `json:"effort"` // what the ticket cost its customer (internal/effort)
}

// Message is a public reply or an internal note on a ticket.
type Message struct {
	ID         int64  `json:"id"`
	TicketID   int64  `json:"ticket_id"`
	Kind       string `json:"kind"`
	AuthorType string `json:"author_type"`
	AuthorID   *int64 `json:"author_id"`
	Body       string `json:"body"`
	Channel    string `json:"channel"` // how it came (effort.Channels); written by agents: the ticket's
	// BodyHTML is the sanitised HTML the author sent; empty for plain text.
	BodyHTML string `json:"body_html,omitempty"`
	// Attachments are the files that came with the message.
	Attachments []attachment.Attachment `json:"attachments"`
	CreatedAt   time.Time               `json:"created_at"`
	LoggedBy    *int64                  `json:"logged_by,omitempty"` // who logged a customer's call (in its event only)
	// Delivery is how a message sent by email fares; nil for the rest.
	Delivery *Delivery `json:"delivery,omitempty"`
}

// The known values of a ticket's fields, as the schema's CHECKs list them.
var (
	Statuses     = []string{"new", "open", "pending", "on_hold", "solved", "closed"}
	Priorities   = []string{"low", "normal", "high", "urgent"}
	Channels     = []string{"email", "portal", "api", "chat", "phone", "walk_in", "other"}
	MessageKinds = []string{KindReply, KindNote}
)

// Message kinds.
const (
	KindReply = "reply" // seen by the customer
	KindNote  = "note"  // seen by agents only
)

// Limits on what a ticket holds.
const (
	MaxSubject = 500     // characters
	MaxBody    = 1 << 20 // bytes
	MaxTags    = 50
	MaxTag     = 64 // characters
)

// oneOf checks that v is one of known, naming field when it is not.
func oneOf(field, v string, known []string) error {
	if slices.Contains(known, v) {
		return nil
	}
	return apperr.Invalid(field, "must be one of %s, not %q", strings.Join(known, ", "), v)
}

func checkSubject(s string) (string, error) { return apperr.CheckText("subject", s, MaxSubject, true) }

func checkBody(s string) error { return apperr.CheckBody("body", s, MaxBody) }

// normalizeTags lower-cases, trims, de-duplicates and sorts tags, so that
// "Billing" and "billing " are one tag and a set compares equal to itself.
func normalizeTags(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, t := range in {
		if !utf8.ValidString(t) { // before ToLower, which would make it so
			return nil, apperr.Invalid("tags", "a tag must be valid UTF-8")
		}
		t = strings.ToLower(strings.TrimSpace(t))
		switch {
		case apperr.Blank(t):
			return nil, apperr.Invalid("tags", "a tag cannot be empty")
		case utf8.RuneCountInString(t) > MaxTag:
			return nil, apperr.Invalid("tags", "tag %q is longer than %d characters", t, MaxTag)
		case strings.ContainsFunc(t, isSpaceOrControl):
			return nil, apperr.Invalid("tags", "tag %q contains a space", t)
		}
		out = append(out, t)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > MaxTags {
		return nil, apperr.Invalid("tags", "a ticket has at most %d tags", MaxTags)
	}
	return out, nil
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }
