package view

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Service manages views and lists their tickets. A view is personal: only
// its owner changes it, and only its owner and the members of the team it
// is shared with see it; to anyone else it does not exist.
type Service struct {
	db      *db.DB
	tickets *ticket.Service
	now     func() time.Time
	counts  countCache
}

// NewService returns a Service over d listing tickets through tickets.
func NewService(d *db.DB, tickets *ticket.Service) *Service {
	return &Service{db: d, tickets: tickets, now: db.Now}
}

// List returns the views u sees: the ready-made ones, u's own, then those
// shared with u's teams.
func (s *Service) List(ctx context.Context, u *user.User) ([]*View, error) {
	saved, err := visibleViews(ctx, s.db.Reader(ctx), u.ID)
	if err != nil {
		return nil, err
	}
	return append(BuiltIns(), saved...), nil
}

// Get returns the view id names if u may see it.
func (s *Service) Get(ctx context.Context, u *user.User, id string) (*View, error) {
	for _, v := range builtIns {
		if v.ID == id {
			c := *v
			return &c, nil
		}
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return nil, apperr.NotFound("view")
	}
	return s.getVisible(ctx, s.db.Reader(ctx), u, n)
}

// getVisible loads a saved view, answering not found (not forbidden) to
// someone it is not shared with, so private views' ids reveal nothing.
func (s *Service) getVisible(ctx context.Context, q db.Queryer, u *user.User, id int64) (*View, error) {
	v, err := getView(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if *v.OwnerID == u.ID {
		return v, nil
	}
	if v.TeamID != nil {
		ok, err := isMember(ctx, q, *v.TeamID, u.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			return v, nil
		}
	}
	return nil, apperr.NotFound("view")
}

// getOwned loads a saved view for a change, which only its owner may make.
func (s *Service) getOwned(ctx context.Context, q db.Queryer, u *user.User, id string) (*View, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		for _, v := range builtIns {
			if v.ID == id {
				return nil, apperr.Forbidden("ready-made views cannot be changed; save a copy as a new view instead")
			}
		}
		return nil, apperr.NotFound("view")
	}
	v, err := s.getVisible(ctx, q, u, n)
	if err != nil {
		return nil, err
	}
	if *v.OwnerID != u.ID {
		return nil, apperr.Forbidden("only the owner of a view may change it")
	}
	return v, nil
}

// Create saves a new view owned by u.
func (s *Service) Create(ctx context.Context, u *user.User, n NewView) (*View, error) {
	v := &View{OwnerID: &u.ID, TeamID: n.TeamID, Filters: n.Filters, Ascending: n.Ascending}
	var err error
	if v.Name, err = checkName(n.Name); err != nil {
		return nil, err
	}
	if v.Sort, err = checkSort(n.Sort); err != nil {
		return nil, err
	}
	if v.Columns, err = checkColumns(n.Columns); err != nil {
		return nil, err
	}
	if err := v.Filters.check(); err != nil {
		return nil, err
	}
	v.CreatedAt = s.now()
	v.UpdatedAt = v.CreatedAt
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.checkRefs(ctx, tx, u, v); err != nil {
			return err
		}
		owned, err := ownedCount(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if owned >= MaxPerOwner {
			return apperr.Conflict("name", "you have %d views, the most one agent may keep; delete one first", owned)
		}
		return insertView(ctx, tx, v)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Update applies p to a view u owns.
func (s *Service) Update(ctx context.Context, u *user.User, id string, p Patch) (*View, error) {
	var out *View
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		v, err := s.getOwned(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if err := apply(v, p); err != nil {
			return err
		}
		if err := s.checkRefs(ctx, tx, u, v); err != nil {
			return err
		}
		v.UpdatedAt = s.now()
		out = v
		return saveView(ctx, tx, v)
	})
	return out, err
}

func apply(v *View, p Patch) error {
	var err error
	if p.Name != nil {
		if v.Name, err = checkName(*p.Name); err != nil {
			return err
		}
	}
	if p.TeamID.Set {
		v.TeamID = p.TeamID.ID
	}
	if p.Filters != nil {
		f := *p.Filters
		if err := f.check(); err != nil {
			return err
		}
		v.Filters = f
	}
	if p.Sort != nil {
		if v.Sort, err = checkSort(*p.Sort); err != nil {
			return err
		}
	}
	if p.Ascending != nil {
		v.Ascending = *p.Ascending
	}
	if p.Columns != nil {
		if v.Columns, err = checkColumns(*p.Columns); err != nil {
			return err
		}
	}
	return nil
}

// checkRefs checks the ids a view names: the team it is shared with must be
// one its owner belongs to, and filtered-on teams, users and customers must
// exist.
func (s *Service) checkRefs(ctx context.Context, q db.Queryer, u *user.User, v *View) error {
	if v.TeamID != nil {
		ok, err := isMember(ctx, q, *v.TeamID, u.ID)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.Invalid("team_id", "you can share a view only with a team you belong to")
		}
	}
	f := v.Filters
	refs := []struct {
		field, table string
		id           *int64
	}{
		{"filters.team_id", "teams", f.TeamID},
		{"filters.requester_id", "customers", f.RequesterID},
	}
	if n, err := strconv.ParseInt(f.Assignee, 10, 64); err == nil {
		refs = append(refs, struct {
			field, table string
			id           *int64
		}{"filters.assignee", "users", &n})
	}
	for _, r := range refs {
		if r.id == nil {
			continue
		}
		ok, err := exists(ctx, q, r.table, *r.id)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.Invalid(r.field, "%d does not exist", *r.id)
		}
	}
	return nil
}

// Delete removes a view u owns.
func (s *Service) Delete(ctx context.Context, u *user.User, id string) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		v, err := s.getOwned(ctx, tx, u, id)
		if err != nil {
			return err
		}
		return deleteView(ctx, tx, v.id)
	})
}

// Filter is the ticket listing v makes for u, as of now.
func (s *Service) Filter(u *user.User, v *View) ticket.Filter {
	return v.ticketFilter(u.ID, s.now())
}

// Tickets lists a page of v's tickets as u sees them; cursor comes from the
// previous page.
func (s *Service) Tickets(ctx context.Context, u *user.User, v *View, cursor string, limit int) (*ticket.Page, error) {
	f := s.Filter(u, v)
	f.Cursor, f.Limit = cursor, limit
	return s.tickets.List(ctx, f)
}

// AnySaved reports whether anyone on the desk has saved a view of their
// own: one step of setting up a new desk.
func (s *Service) AnySaved(ctx context.Context) (bool, error) {
	return anySaved(ctx, s.db.Reader(ctx))
}
