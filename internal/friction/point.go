package friction

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// CreatePoint adds a lead's friction point, accepted at once.
func (s *Service) CreatePoint(ctx context.Context, who *user.User, in NewPoint) (*Point, error) {
	if err := requireLead(who, "create friction points; propose one instead"); err != nil {
		return nil, err
	}
	p, err := checkNewPoint(in.DepartmentID, in.Name, in.Description)
	if err != nil {
		return nil, err
	}
	p.State, p.DecidedBy = Accepted, &who.ID
	return s.insert(ctx, p, "friction.created")
}

// Propose records an agent's friction point, seen on a ticket, for a lead
// to accept or decline.
func (s *Service) Propose(ctx context.Context, who *user.User, in Proposal) (*Point, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	p, err := checkNewPoint(in.DepartmentID, in.Name, in.Description)
	if err != nil {
		return nil, err
	}
	if in.TicketID <= 0 {
		return nil, apperr.Invalid("ticket_id", "is required: propose a friction point from a ticket that shows it")
	}
	p.State, p.ProposedBy, p.ProposedTicketID = Proposed, &who.ID, &in.TicketID
	return s.insert(ctx, p, "friction.proposed")
}

func checkNewPoint(departmentID int64, name, description string) (*Point, error) {
	n, err := checkName(name)
	if err != nil {
		return nil, err
	}
	d, err := checkDescription(description)
	if err != nil {
		return nil, err
	}
	if departmentID <= 0 {
		return nil, apperr.Invalid("department_id", "is required")
	}
	return &Point{DepartmentID: departmentID, Name: n, Description: d, Status: StatusOpen}, nil
}

func (s *Service) insert(ctx context.Context, p *Point, action string) (*Point, error) {
	p.CreatedAt, p.UpdatedAt = s.now(), s.now()
	if p.State == Accepted {
		p.DecidedAt = &p.CreatedAt
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := checkPointRefs(ctx, tx, p); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO friction_points (department_id, name, description, state,
			status, proposed_by, proposed_ticket_id, decided_by, decided_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $9, $9) RETURNING id`,
			p.DepartmentID, p.Name, p.Description, string(p.State), p.ProposedBy, p.ProposedTicketID,
			p.DecidedBy, db.NullTime(p.DecidedAt), db.Time(p.CreatedAt)).Scan(&p.ID)
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("name", "the department already has a friction point named %q", p.Name)
		}
		if err != nil {
			return fmt.Errorf("friction: insert point: %w", err)
		}
		return audit.Record(ctx, tx, action, "friction_point", p.ID,
			map[string]any{"name": p.Name, "department_id": p.DepartmentID, "ticket_id": p.ProposedTicketID})
	})
	if err != nil {
		return nil, err
	}
	return s.Point(ctx, p.ID)
}

// checkPointRefs checks that p's department and ticket exist and that its
// department has no other live point of that name, whatever its case.
func checkPointRefs(ctx context.Context, q db.Queryer, p *Point) error {
	if _, err := getDepartment(ctx, q, p.DepartmentID); err != nil {
		return apperr.Unprocessable("department_id", "no department has id %d", p.DepartmentID)
	}
	if p.ProposedTicketID != nil {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE id = $1`, *p.ProposedTicketID).Scan(&n); err != nil {
			return fmt.Errorf("friction: ticket %d: %w", *p.ProposedTicketID, err)
		}
		if n == 0 {
			return apperr.Unprocessable("ticket_id", "no ticket has id %d", *p.ProposedTicketID)
		}
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM friction_points WHERE department_id = $1
		AND lower(name) = lower($2) AND state <> 'declined' AND id <> $3`, p.DepartmentID, p.Name, p.ID).Scan(&n)
	if err != nil {
		return fmt.Errorf("friction: names in department %d: %w", p.DepartmentID, err)
	}
	if n > 0 {
		return apperr.Conflict("name", "the department already has a friction point named %q", p.Name)
	}
	return nil
}

// Point returns one friction point.
func (s *Service) Point(ctx context.Context, id int64) (*Point, error) {
	return getPoint(ctx, s.db.Reader(ctx), id)
}

// PointFilter narrows Points.
type PointFilter struct {
	State        State // "" for every state
	DepartmentID int64
}

// Points returns friction points by department and name.
func (s *Service) Points(ctx context.Context, f PointFilter) ([]*Point, error) {
	switch f.State {
	case "", Proposed, Accepted, Declined:
	default:
		return nil, apperr.Invalid("state", "must be proposed, accepted or declined, not %q", f.State)
	}
	return listPoints(ctx, s.db.Reader(ctx), f)
}

// UpdatePoint renames, re-describes or moves a friction point (leads only).
func (s *Service) UpdatePoint(ctx context.Context, who *user.User, id int64, in PointPatch) (*Point, error) {
	if err := requireLead(who, "change friction points"); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		p, err := getPoint(ctx, tx, id)
		if err != nil {
			return err
		}
		before := *p
		if err := applyPoint(p, in); err != nil {
			return err
		}
		if err := checkPointRefs(ctx, tx, &Point{ID: p.ID, DepartmentID: p.DepartmentID, Name: p.Name}); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE friction_points SET department_id = $1, name = $2, description = $3,
			updated_at = $4 WHERE id = $5`, p.DepartmentID, p.Name, p.Description, db.Time(s.now()), id)
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("name", "the department already has a friction point named %q", p.Name)
		}
		if err != nil {
			return fmt.Errorf("friction: update point %d: %w", id, err)
		}
		return audit.Record(ctx, tx, "friction.updated", "friction_point", id, map[string]any{
			"name": []string{before.Name, p.Name}, "department_id": []int64{before.DepartmentID, p.DepartmentID}})
	})
	if err != nil {
		return nil, err
	}
	return s.Point(ctx, id)
}

func applyPoint(p *Point, in PointPatch) error {
	if in.Name != nil {
		n, err := checkName(*in.Name)
		if err != nil {
			return err
		}
		p.Name = n
	}
	if in.Description != nil {
		d, err := checkDescription(*in.Description)
		if err != nil {
			return err
		}
		p.Description = d
	}
	if in.DepartmentID != nil {
		if *in.DepartmentID <= 0 {
			return apperr.Invalid("department_id", "%d is not a department id", *in.DepartmentID)
		}
		p.DepartmentID = *in.DepartmentID
	}
	return nil
}

// DeletePoint removes a friction point no ticket is tagged with (leads
// only); a point with tickets keeps their history: rename it instead.
func (s *Service) DeletePoint(ctx context.Context, who *user.User, id int64) error {
	if err := requireLead(who, "delete friction points"); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		p, err := getPoint(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Tickets > 0 {
			return apperr.Conflict("id", "%d tickets are tagged with %q; rename it instead", p.Tickets, p.Name)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM friction_points WHERE id = $1`, id); err != nil {
			return fmt.Errorf("friction: delete point %d: %w", id, err)
		}
		return audit.Record(ctx, tx, "friction.deleted", "friction_point", id, map[string]any{"name": p.Name})
	})
}

const pointColumns = `p.id, p.department_id, d.name, p.name, p.description, p.state, p.status, p.fixed_on,
	p.proposed_by, COALESCE(u.name, ''), p.proposed_ticket_id, p.decided_by, p.decided_at, p.decline_reason,
	p.award_id, p.status_changed_at, p.created_at, p.updated_at,
	(SELECT COUNT(*) FROM ticket_friction tf WHERE tf.friction_id = p.id)`

const pointFrom = ` FROM friction_points p JOIN departments d ON d.id = p.department_id
	LEFT JOIN users u ON u.id = p.proposed_by`

func scanPoint(row interface{ Scan(...any) error }) (*Point, error) {
	p := &Point{}
	var state, status string
	err := row.Scan(&p.ID, &p.DepartmentID, &p.DepartmentName, &p.Name, &p.Description, &state, &status,
		db.ScanNullTime(&p.FixedOn), &p.ProposedBy, &p.ProposedByName, &p.ProposedTicketID, &p.DecidedBy,
		db.ScanNullTime(&p.DecidedAt), &p.DeclineReason, &p.AwardID, db.ScanNullTime(&p.StatusChangedAt),
		db.ScanTime(&p.CreatedAt), db.ScanTime(&p.UpdatedAt), &p.Tickets)
	p.State, p.Status = State(state), Status(status)
	return p, err
}

func getPoint(ctx context.Context, q db.Queryer, id int64) (*Point, error) {
	p, err := scanPoint(q.QueryRowContext(ctx, `SELECT `+pointColumns+pointFrom+` WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("friction point")
	}
	if err != nil {
		return nil, fmt.Errorf("friction: point %d: %w", id, err)
	}
	return p, nil
}

func listPoints(ctx context.Context, q db.Queryer, f PointFilter) ([]*Point, error) {
	var where []string
	var args []any
	if f.State != "" {
		args = append(args, string(f.State))
		where = append(where, fmt.Sprintf("p.state = $%d", len(args)))
	}
	if f.DepartmentID != 0 {
		args = append(args, f.DepartmentID)
		where = append(where, fmt.Sprintf("p.department_id = $%d", len(args)))
	}
	query := `SELECT ` + pointColumns + pointFrom
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY d.name, p.name, p.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("friction: list points: %w", err)
	}
	defer rows.Close()
	out := []*Point{}
	for rows.Next() {
		p, err := scanPoint(rows)
		if err != nil {
			return nil, fmt.Errorf("friction: scan point: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
