package field

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Service manages custom field definitions. Admins change them; everyone
// reads them.
type Service struct {
	db  *db.DB
	now func() time.Time
}

// NewService returns a Service over d.
func NewService(d *db.DB) *Service { return &Service{db: d, now: db.Now} }

// NewField is what it takes to define a field. Key and Type cannot change
// later: values are stored by type, and clients filter by key.
type NewField struct {
	Key             string   `json:"key"`
	Label           string   `json:"label"`
	Type            string   `json:"type"`
	Options         []string `json:"options"`
	RequiredOnSolve bool     `json:"required_on_solve"`
}

func (n NewField) validate(now time.Time) (*Field, error) {
	if err := CheckKey("key", n.Key); err != nil {
		return nil, err
	}
	label, err := CheckLabel(n.Label)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(Types, n.Type) {
		return nil, apperr.Invalid("type", "must be one of text, number, date, dropdown, checkbox, not %q", n.Type)
	}
	options, err := checkOptions(n.Type, n.Options)
	if err != nil {
		return nil, err
	}
	return &Field{Key: n.Key, Label: label, Type: n.Type, Options: options,
		RequiredOnSolve: n.RequiredOnSolve, CreatedAt: now, UpdatedAt: now}, nil
}

// Create defines a field; keys are unique.
func (s *Service) Create(ctx context.Context, n NewField) (*Field, error) {
	f, err := n.validate(s.now())
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := insert(ctx, tx, f); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "custom_field.created", "custom_field", f.ID,
			map[string]any{"key": f.Key, "type": f.Type})
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Patch changes a field's definition; absent members stay as they are.
// Archiving a field keeps the values tickets have but takes no new ones.
// Removing a dropdown option keeps the values already chosen.
type Patch struct {
	Label           *string   `json:"label"`
	Options         *[]string `json:"options"`
	RequiredOnSolve *bool     `json:"required_on_solve"`
	Archived        *bool     `json:"archived"`
}

// Update applies p to the field with id.
func (s *Service) Update(ctx context.Context, id int64, p Patch) (*Field, error) {
	var out *Field
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		f, err := Get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.apply(f, p); err != nil {
			return err
		}
		if err := save(ctx, tx, f); err != nil {
			return err
		}
		out = f
		return audit.Record(ctx, tx, "custom_field.updated", "custom_field", f.ID,
			map[string]any{"key": f.Key, "label": f.Label, "options": f.Options,
				"required_on_solve": f.RequiredOnSolve, "archived": f.Archived})
	})
	return out, err
}

func (s *Service) apply(f *Field, p Patch) error {
	now := s.now()
	if p.Label != nil {
		label, err := CheckLabel(*p.Label)
		if err != nil {
			return err
		}
		f.Label = label
	}
	if p.Options != nil {
		options, err := checkOptions(f.Type, *p.Options)
		if err != nil {
			return err
		}
		f.Options = options
	}
	if p.RequiredOnSolve != nil {
		f.RequiredOnSolve = *p.RequiredOnSolve
	}
	if p.Archived != nil && *p.Archived != f.Archived {
		f.Archived = *p.Archived
		f.ArchivedAt = nil
		if f.Archived {
			f.ArchivedAt = &now
		}
	}
	f.UpdatedAt = now
	return nil
}

// Get returns a field by id.
func (s *Service) Get(ctx context.Context, id int64) (*Field, error) {
	return Get(ctx, s.db.Reader(ctx), id)
}

// List returns the fields in creation order: all of them when archived is
// nil, else only the archived (true) or the active (false) ones.
func (s *Service) List(ctx context.Context, archived *bool) ([]*Field, error) {
	return list(ctx, s.db.Reader(ctx), archived)
}
