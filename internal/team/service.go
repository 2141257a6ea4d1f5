package team

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Service manages teams. Changes are admin work, so each is audited.
type Service struct {
	db  *db.DB
	now func() time.Time
}

// NewService returns a Service over d.
func NewService(d *db.DB) *Service { return &Service{db: d, now: db.Now} }

// Create adds a team with its first members; names are unique.
func (s *Service) Create(ctx context.Context, n NewTeam) (*Team, error) {
	name, err := checkName(n.Name)
	if err != nil {
		return nil, err
	}
	desc, err := checkDescription(n.Description)
	if err != nil {
		return nil, err
	}
	members, err := uniqueIDs(n.MemberIDs)
	if err != nil {
		return nil, err
	}
	now := s.now()
	t := &Team{Name: name, Description: desc, MemberIDs: members, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := insertTeam(ctx, tx, t); err != nil {
			return err
		}
		if err := replaceMembers(ctx, tx, t.ID, members); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "team.created", "team", t.ID,
			map[string]any{"name": t.Name, "member_ids": members})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Get returns a team with its members.
func (s *Service) Get(ctx context.Context, id int64) (*Team, error) {
	return getTeam(ctx, s.db.Reader(ctx), id)
}

// List returns every team by name, with members.
func (s *Service) List(ctx context.Context) ([]*Team, error) {
	return listTeams(ctx, s.db.Reader(ctx))
}

// Update applies p to a team, auditing what changed.
func (s *Service) Update(ctx context.Context, id int64, p Patch) (*Team, error) {
	var t *Team
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if t, err = getTeam(ctx, tx, id); err != nil {
			return err
		}
		changed, err := s.apply(ctx, tx, t, p)
		if err != nil || len(changed) == 0 {
			return err
		}
		t.UpdatedAt = s.now()
		if err := saveTeam(ctx, tx, t); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "team.updated", "team", t.ID, changed)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// apply changes t as p says and returns the changed fields, before and after.
func (s *Service) apply(ctx context.Context, tx *sql.Tx, t *Team, p Patch) (map[string]any, error) {
	changed := map[string]any{}
	if p.Name != nil {
		name, err := checkName(*p.Name)
		if err != nil {
			return nil, err
		}
		if name != t.Name {
			changed["name"] = []string{t.Name, name}
			t.Name = name
		}
	}
	if p.Description != nil {
		desc, err := checkDescription(*p.Description)
		if err != nil {
			return nil, err
		}
		if desc != t.Description {
			changed["description"] = []string{t.Description, desc}
			t.Description = desc
		}
	}
	if p.MemberIDs != nil {
		members, err := uniqueIDs(*p.MemberIDs)
		if err != nil {
			return nil, err
		}
		if !slices.Equal(members, t.MemberIDs) {
			if err := replaceMembers(ctx, tx, t.ID, members); err != nil {
				return nil, err
			}
			changed["member_ids"] = [][]int64{t.MemberIDs, members}
			t.MemberIDs = members
		}
	}
	return changed, nil
}

// Delete removes a team that no ticket was ever routed to. A team with
// tickets stays, so that their history keeps meaning something; rename it
// instead.
func (s *Service) Delete(ctx context.Context, id int64) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		t, err := getTeam(ctx, tx, id)
		if err != nil {
			return err
		}
		n, err := ticketCount(ctx, tx, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflict("id", "team %q has %d tickets; move them or rename the team instead", t.Name, n)
		}
		if err := deleteTeam(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "team.deleted", "team", id, map[string]any{"name": t.Name})
	})
}
