package macro

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Service manages macros and renders them for a ticket.
type Service struct {
	db        *db.DB
	tickets   *ticket.Service
	customers *customer.Service
	now       func() time.Time
}

// NewService returns a Service over d; it reads tickets and customers to
// fill placeholders and to check status actions.
func NewService(d *db.DB, tickets *ticket.Service, customers *customer.Service) *Service {
	return &Service{db: d, tickets: tickets, customers: customers, now: db.Now}
}

// ViewerOf is the Viewer a signed-in user is.
func ViewerOf(u *user.User) Viewer { return Viewer{ID: u.ID, Admin: u.IsAdmin()} }

// List returns the macros who may use: the shared ones and their own, by
// name.
func (s *Service) List(ctx context.Context, who Viewer) ([]*Macro, error) {
	return listVisible(ctx, s.db.Reader(ctx), who.ID)
}

// Get returns a macro who may use. Another agent's personal macro does not
// exist for them.
func (s *Service) Get(ctx context.Context, who Viewer, id int64) (*Macro, error) {
	m, err := getMacro(ctx, s.db.Reader(ctx), id)
	if err != nil {
		return nil, err
	}
	if !visible(m, who) {
		return nil, apperr.NotFound("macro")
	}
	return m, nil
}

func visible(m *Macro, who Viewer) bool {
	return m.OwnerID == nil || *m.OwnerID == who.ID
}

// mayManage checks who may change m, which they can see: its owner, or an
// admin for a shared macro.
func mayManage(m *Macro, who Viewer) error {
	if m.OwnerID == nil && !who.Admin {
		return apperr.Forbidden("only admins may change shared macros")
	}
	return nil
}

// Create makes a macro: shared (admins only) or personal to who.
func (s *Service) Create(ctx context.Context, who Viewer, n NewMacro) (*Macro, error) {
	if n.Shared && !who.Admin {
		return nil, apperr.Forbidden("only admins may make shared macros: make it personal")
	}
	name, err := checkName(n.Name)
	if err != nil {
		return nil, err
	}
	if err := checkBody(n.Body); err != nil {
		return nil, err
	}
	now := s.now()
	m := &Macro{Name: name, Body: n.Body, Shared: n.Shared, CreatedAt: now, UpdatedAt: now}
	if !n.Shared {
		owner := who.ID
		m.OwnerID = &owner
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if m.Actions, err = s.checkActions(ctx, tx, n.Actions); err != nil {
			return err
		}
		if err := insertMacro(ctx, tx, m, who.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "macro.created", "macro", m.ID, map[string]any{"name": m.Name, "shared": m.Shared})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Update applies p to a macro who may manage. Making a personal macro
// shared takes an admin; an admin making a shared macro personal becomes
// its owner.
func (s *Service) Update(ctx context.Context, who Viewer, id int64, p Patch) (*Macro, error) {
	var m *Macro
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if m, err = getMacro(ctx, tx, id); err != nil {
			return err
		}
		if !visible(m, who) {
			return apperr.NotFound("macro")
		}
		if err := mayManage(m, who); err != nil {
			return err
		}
		if err := s.apply(ctx, tx, who, m, p); err != nil {
			return err
		}
		m.UpdatedAt = s.now()
		if err := saveMacro(ctx, tx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "macro.updated", "macro", m.ID, map[string]any{"name": m.Name, "shared": m.Shared})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Service) apply(ctx context.Context, tx *sql.Tx, who Viewer, m *Macro, p Patch) error {
	if p.Name != nil {
		name, err := checkName(*p.Name)
		if err != nil {
			return err
		}
		m.Name = name
	}
	if p.Body != nil {
		if err := checkBody(*p.Body); err != nil {
			return err
		}
		m.Body = *p.Body
	}
	if p.Actions != nil {
		a, err := s.checkActions(ctx, tx, *p.Actions)
		if err != nil {
			return err
		}
		m.Actions = a
	}
	if p.Shared != nil && *p.Shared != m.Shared {
		if !who.Admin {
			return apperr.Forbidden("only admins may share macros")
		}
		m.Shared = *p.Shared
		m.OwnerID = nil
		if !m.Shared {
			owner := who.ID
			m.OwnerID = &owner
		}
	}
	return nil
}

// Delete removes a macro who may manage.
func (s *Service) Delete(ctx context.Context, who Viewer, id int64) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		m, err := getMacro(ctx, tx, id)
		if err != nil {
			return err
		}
		if !visible(m, who) {
			return apperr.NotFound("macro")
		}
		if err := mayManage(m, who); err != nil {
			return err
		}
		if err := deleteMacro(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "macro.deleted", "macro", id, map[string]any{"name": m.Name})
	})
}

// checkActions validates actions against the desk: a status that exists
// and is not archived, a known priority, an active assignee.
func (s *Service) checkActions(ctx context.Context, q db.Queryer, a Actions) (Actions, error) {
	var err error
	if a.AddTags, err = normalizeTags(a.AddTags); err != nil {
		return a, err
	}
	if len(a.AddTags) == 0 {
		a.AddTags = nil
	}
	if a.Priority != "" && !slices.Contains(ticket.Priorities, a.Priority) {
		return a, apperr.Invalid("actions.priority", "must be one of %s, not %q",
			strings.Join(ticket.Priorities, ", "), a.Priority)
	}
	if a.Status != "" {
		if err := s.checkStatus(ctx, a.Status); err != nil {
			return a, err
		}
	}
	if a.AssignToMe {
		a.AssigneeID = nil
	}
	if a.AssigneeID != nil {
		ok, err := activeUser(ctx, q, *a.AssigneeID)
		if err != nil {
			return a, err
		}
		if !ok {
			return a, apperr.Unprocessable("actions.assignee_id", "no active user has id %d", *a.AssigneeID)
		}
	}
	return a, nil
}

func (s *Service) checkStatus(ctx context.Context, status string) error {
	if slices.Contains(ticket.Statuses, status) {
		return nil
	}
	custom, err := s.tickets.Statuses(ctx)
	if err != nil {
		return err
	}
	for _, c := range custom {
		if c.Key == status && !c.Archived {
			return nil
		}
	}
	return apperr.Invalid("actions.status", "%q is neither a status nor an active custom status's key", status)
}

// Preview is a macro rendered for one ticket.
type Preview struct {
	MacroID int64   `json:"macro_id"`
	Body    string  `json:"body"`
	Actions Actions `json:"actions"`
}

// Preview renders macro macroID for ticket ticketID as agent would send it.
func (s *Service) Preview(ctx context.Context, agent *user.User, ticketID, macroID int64) (*Preview, error) {
	m, err := s.Get(ctx, ViewerOf(agent), macroID)
	if err != nil {
		return nil, err
	}
	t, err := s.tickets.Get(ctx, ticketID)
	if err != nil {
		return nil, err
	}
	c, err := s.customers.Get(ctx, t.RequesterID)
	if err != nil && !apperr.Is(err, apperr.KindNotFound) {
		return nil, err
	}
	return &Preview{MacroID: m.ID, Body: Render(m.Body, ValuesFor(t, c, agent)), Actions: m.Actions}, nil
}
