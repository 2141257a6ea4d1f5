package sla

import (
	"context"
	"database/sql"

	"github.com/centerdesk/centerdesk/internal/audit"
)

// CreatePolicy adds a policy and re-targets open tickets at once.
func (s *Service) CreatePolicy(ctx context.Context, n NewPolicy) (*Policy, error) {
	now := s.now()
	p := &Policy{Name: n.Name, Position: n.Position, Conditions: n.Conditions, Targets: n.Targets,
		CreatedAt: now, UpdatedAt: now}
	if err := checkPolicy(p); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := insertPolicy(ctx, tx, p); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "sla_policy.created", "sla_policy", p.ID, map[string]any{"name": p.Name}); err != nil {
			return err
		}
		return s.RetargetAll(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Policy returns one policy.
func (s *Service) Policy(ctx context.Context, id int64) (*Policy, error) {
	return getPolicy(ctx, s.db.Reader(ctx), id)
}

// Policies returns every policy in the order they are tried.
func (s *Service) Policies(ctx context.Context) ([]*Policy, error) {
	return listPolicies(ctx, s.db.Reader(ctx))
}

// UpdatePolicy applies p and re-targets open tickets at once.
func (s *Service) UpdatePolicy(ctx context.Context, id int64, patch PolicyPatch) (*Policy, error) {
	var p *Policy
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if p, err = getPolicy(ctx, tx, id); err != nil {
			return err
		}
		if patch.Name != nil {
			p.Name = *patch.Name
		}
		if patch.Position != nil {
			p.Position = *patch.Position
		}
		if patch.Conditions != nil {
			p.Conditions = *patch.Conditions
		}
		if patch.Targets != nil {
			p.Targets = *patch.Targets
		}
		if err := checkPolicy(p); err != nil {
			return err
		}
		p.UpdatedAt = s.now()
		if err := savePolicy(ctx, tx, p); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "sla_policy.updated", "sla_policy", p.ID, map[string]any{"name": p.Name}); err != nil {
			return err
		}
		return s.RetargetAll(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DeletePolicy removes a policy; open tickets move to the next match, and
// clocks no policy targets any more are cancelled.
func (s *Service) DeletePolicy(ctx context.Context, id int64) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		p, err := getPolicy(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := deletePolicy(ctx, tx, id); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "sla_policy.deleted", "sla_policy", id, map[string]any{"name": p.Name}); err != nil {
			return err
		}
		return s.RetargetAll(ctx, tx)
	})
}
