// Package macro holds macros: canned replies an agent drops into the
// composer. A macro's body has placeholders ({{customer.first_name}},
// {{ticket.number}}...) filled in from the ticket on screen, and optional
// actions (set status, add tags, assign, set priority) that are applied to
// the ticket in the same transaction as the reply that used the macro.
//
// A macro is shared (everyone sees it; admins manage it) or personal (only
// its owner sees and manages it: to anyone else it does not exist).
package macro

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Macro is one canned reply.
type Macro struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Body string `json:"body"`
	// Shared macros are seen by everyone; personal ones by their owner only.
	Shared    bool      `json:"shared"`
	OwnerID   *int64    `json:"owner_id"` // nil for shared macros
	Actions   Actions   `json:"actions"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Actions change the ticket when a reply made with the macro is sent.
// Empty members do nothing.
type Actions struct {
	// Status is a built-in status or a custom status's key.
	Status string `json:"status,omitempty"`
	// AddTags are added to the ticket's tags (none is removed).
	AddTags []string `json:"add_tags,omitempty"`
	// AssignToMe assigns the ticket to whoever sends the reply; it wins
	// over AssigneeID.
	AssignToMe bool   `json:"assign_to_me,omitempty"`
	AssigneeID *int64 `json:"assignee_id,omitempty"`
	// Priority is one of ticket.Priorities.
	Priority string `json:"priority,omitempty"`
}

// Empty reports whether the actions change nothing.
func (a Actions) Empty() bool {
	return a.Status == "" && len(a.AddTags) == 0 && !a.AssignToMe && a.AssigneeID == nil && a.Priority == ""
}

// NewMacro is what it takes to make a macro.
type NewMacro struct {
	Name    string  `json:"name"`
	Body    string  `json:"body"`
	Shared  bool    `json:"shared"`
	Actions Actions `json:"actions"`
}

// Patch changes a macro; absent members stay as they are. Actions, when
// present, replace the macro's actions.
type Patch struct {
	Name    *string  `json:"name"`
	Body    *string  `json:"body"`
	Shared  *bool    `json:"shared"`
	Actions *Actions `json:"actions"`
}

// Viewer is who asks: macros are checked against it.
type Viewer struct {
	ID    int64
	Admin bool
}

// Limits on a macro.
const (
	MaxName = 200     // characters
	MaxBody = 1 << 16 // bytes
)

func checkName(s string) (string, error) { return apperr.CheckText("name", s, MaxName, true) }

func checkBody(s string) error {
	if err := apperr.CheckBody("body", s, MaxBody); err != nil {
		return err
	}
	for _, name := range placeholdersIn(s) {
		if !slices.Contains(Placeholders, name) {
			return apperr.Invalid("body", "has an unknown placeholder {{%s}}; known: %s", name,
				"{{"+strings.Join(Placeholders, "}}, {{")+"}}")
		}
	}
	return nil
}

// normalizeTags cleans the tags a macro adds as the ticket package will:
// lower-cased, trimmed, de-duplicated, no spaces.
func normalizeTags(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, t := range in {
		t = strings.ToLower(strings.TrimSpace(t))
		switch {
		case t == "":
			continue
		case utf8.RuneCountInString(t) > ticket.MaxTag:
			return nil, apperr.Invalid("actions.add_tags", "tag %q is longer than %d characters", t, ticket.MaxTag)
		case strings.ContainsFunc(t, func(r rune) bool { return r <= ' ' || r == 0x7f }):
			return nil, apperr.Invalid("actions.add_tags", "tag %q contains a space", t)
		}
		out = append(out, t)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > ticket.MaxTags {
		return nil, apperr.Invalid("actions.add_tags", "a ticket has at most %d tags", ticket.MaxTags)
	}
	return out, nil
}

// Patch returns the ticket change the actions make when sent by the agent
// senderID. Tags are added to whatever tags the ticket has when the change
// is applied, so a colleague's tag added meanwhile is kept.
func (a Actions) Patch(senderID int64) ticket.Patch {
	var p ticket.Patch
	if a.Status != "" {
		p.Status = &a.Status
	}
	if a.Priority != "" {
		p.Priority = &a.Priority
	}
	p.AddTags = slices.Clone(a.AddTags)
	switch {
	case a.AssignToMe:
		p.AssigneeID = ticket.SetID(&senderID)
	case a.AssigneeID != nil:
		id := *a.AssigneeID
		p.AssigneeID = ticket.SetID(&id)
	}
	return p
}
