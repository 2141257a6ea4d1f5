// Package reply is an agent's message as one operation, whichever door it
// comes by (the ticket page or the API): the message itself, the actions of
// the macro it was written with, and the status chosen with "send and set
// status", committed together or not at all. A reply that fails leaves no
// half-applied macro, and no email is queued for it.
package reply

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/macro"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// ThenStatuses are the statuses a message may set as it is sent.
var ThenStatuses = []string{"pending", "on_hold", "solved"}

// Draft is a message as an agent sends it.
type Draft struct {
	ticket.NewMessage
	// MacroID is the macro the message was written with; its actions are
	// applied with the message unless SkipMacroActions.
	MacroID          int64 `json:"macro_id,omitempty"`
	SkipMacroActions bool  `json:"skip_macro_actions,omitempty"`
	// ThenStatus, when set, is the ticket's status once the message is in.
	ThenStatus string `json:"then_status,omitempty"`
}

// Service sends drafts.
type Service struct {
	db      *db.DB
	tickets *ticket.Service
	macros  *macro.Service
}

// New returns a Service over d.
func New(d *db.DB, tickets *ticket.Service, macros *macro.Service) *Service {
	return &Service{db: d, tickets: tickets, macros: macros}
}

// Send posts d on ticket id as the user in ctx and, in the same
// transaction, applies the macro's actions and the chosen status. Every
// part is checked before anything is written.
func (s *Service) Send(ctx context.Context, id int64, d Draft) (*ticket.Message, error) {
	u := user.FromContext(ctx)
	if u == nil {
		return nil, apperr.Unauthorized("sign in to reply")
	}
	if d.ThenStatus != "" && !slices.Contains(ThenStatuses, d.ThenStatus) {
		return nil, apperr.Invalid("then_status", "must be one of %s, not %q", strings.Join(ThenStatuses, ", "), d.ThenStatus)
	}
	var actions *macro.Actions
	if d.MacroID != 0 {
		m, err := s.macros.Get(ctx, macro.ViewerOf(u), d.MacroID)
		if apperr.Is(err, apperr.KindNotFound) {
			return nil, apperr.Invalid("macro_id", "there is no macro %d that you may use", d.MacroID)
		}
		if err != nil {
			return nil, err
		}
		if !d.SkipMacroActions {
			actions = &m.Actions
		}
	}
	var out *ticket.Message
	err := s.db.Tx(ctx, func(ctx context.Context, _ *sql.Tx) error {
		m, err := s.tickets.PostMessage(ctx, id, d.NewMessage)
		if err != nil {
			return err
		}
		out = m
		p := patchOf(actions, u.ID, d.ThenStatus)
		if p == nil {
			return nil
		}
		_, err = s.tickets.Update(ctx, id, *p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// patchOf is the change a reply makes to its ticket besides the message;
// nil for none. The chosen status wins over the macro's.
func patchOf(a *macro.Actions, senderID int64, thenStatus string) *ticket.Patch {
	var p ticket.Patch
	some := false
	if a != nil {
		p, some = a.Patch(senderID), !a.Empty()
	}
	if thenStatus != "" {
		p.Status, some = &thenStatus, true
	}
	if !some {
		return nil
	}
	return &p
}
