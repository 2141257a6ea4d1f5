package friction

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/user"
)

// EventTagsChanged is appended to a ticket whose friction points changed,
// with the points' names before and after, so its history says so.
const EventTagsChanged = "friction.changed"

// Tag is a friction point on a ticket.
type Tag struct {
	FrictionID     int64     `json:"friction_id"`
	Name           string    `json:"name"`
	DepartmentID   int64     `json:"department_id"`
	DepartmentName string    `json:"department_name"`
	Status         Status    `json:"status"`
	StatusText     string    `json:"status_text"`
	TaggedBy       *int64    `json:"tagged_by"`
	TaggedAt       time.Time `json:"tagged_at"`
}

// TagTicket tags a ticket with an accepted friction point (any agent);
// tagging it again changes nothing. It returns the ticket's tags.
func (s *Service) TagTicket(ctx context.Context, who *user.User, ticketID, frictionID int64) ([]Tag, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	if frictionID <= 0 {
		return nil, apperr.Invalid("friction_id", "is required")
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := checkTicket(ctx, tx, ticketID); err != nil {
			return err
		}
		p, err := getPoint(ctx, tx, frictionID)
		if apperr.Is(err, apperr.KindNotFound) {
			return apperr.Unprocessable("friction_id", "no friction point has id %d", frictionID)
		}
		if err != nil {
			return err
		}
		if p.State != Accepted {
			return apperr.Unprocessable("friction_id", "%q is %s: tag tickets with accepted friction points only", p.Name, p.State)
		}
		return tag(ctx, tx, ticketID, frictionID, &who.ID, s.now())
	})
	if err != nil {
		return nil, err
	}
	return s.TicketTags(ctx, ticketID)
}

// UntagTicket takes a friction point off a ticket: whoever tagged it, the
// department's ambassadors and leads may.
func (s *Service) UntagTicket(ctx context.Context, who *user.User, ticketID, frictionID int64) ([]Tag, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		tags, err := ticketTags(ctx, tx, ticketID)
		if err != nil {
			return err
		}
		var t *Tag
		for i := range tags {
			if tags[i].FrictionID == frictionID {
				t = &tags[i]
			}
		}
		if t == nil {
			return apperr.NotFound("friction point on this ticket")
		}
		if err := mayUntag(ctx, tx, who, t); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ticket_friction WHERE ticket_id = $1 AND friction_id = $2`,
			ticketID, frictionID); err != nil {
			return fmt.Errorf("friction: untag %d from %d: %w", frictionID, ticketID, err)
		}
		return appendChange(ctx, tx, ticketID, tags)
	})
	if err != nil {
		return nil, err
	}
	return s.TicketTags(ctx, ticketID)
}

func mayUntag(ctx context.Context, q db.Queryer, who *user.User, t *Tag) error {
	if who.IsLead() || (t.TaggedBy != nil && *t.TaggedBy == who.ID) {
		return nil
	}
	ok, err := isAmbassador(ctx, q, t.DepartmentID, who.ID)
	if err != nil || ok {
		return err
	}
	return apperr.Forbidden("only whoever tagged it, %s's ambassadors and leads may take %q off a ticket",
		t.DepartmentName, t.Name)
}

// TicketTags returns the friction points a ticket is tagged with.
func (s *Service) TicketTags(ctx context.Context, ticketID int64) ([]Tag, error) {
	q := s.db.Reader(ctx)
	if err := checkTicket(ctx, q, ticketID); err != nil {
		return nil, err
	}
	return ticketTags(ctx, q, ticketID)
}

// tag puts a point on a ticket unless it is there, with an event that
// names the ticket's points before and after.
func tag(ctx context.Context, tx *sql.Tx, ticketID, frictionID int64, by *int64, at time.Time) error {
	before, err := ticketTags(ctx, tx, ticketID)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO ticket_friction (ticket_id, friction_id, tagged_by, tagged_at, ticket_created_at)
		SELECT t.id, $2, $3, $4, t.created_at FROM tickets t WHERE t.id = $1
		ON CONFLICT (ticket_id, friction_id) DO NOTHING`, ticketID, frictionID, by, db.Time(at))
	if err != nil {
		return fmt.Errorf("friction: tag %d with %d: %w", ticketID, frictionID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	return appendChange(ctx, tx, ticketID, before)
}

// appendChange appends EventTagsChanged from the names in before to the
// ticket's points now.
func appendChange(ctx context.Context, tx *sql.Tx, ticketID int64, before []Tag) error {
	after, err := ticketTags(ctx, tx, ticketID)
	if err != nil {
		return err
	}
	return events.Append(ctx, tx, &events.Event{TicketID: ticketID, Type: EventTagsChanged,
		Data: events.Change("friction", tagNames(before), tagNames(after))})
}

func tagNames(tags []Tag) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.Name
	}
	return out
}

func checkTicket(ctx context.Context, q db.Queryer, ticketID int64) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE id = $1`, ticketID).Scan(&n); err != nil {
		return fmt.Errorf("friction: ticket %d: %w", ticketID, err)
	}
	if n == 0 {
		return apperr.NotFound("ticket")
	}
	return nil
}

func ticketTags(ctx context.Context, q db.Queryer, ticketID int64) ([]Tag, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.name, p.department_id, d.name, p.status, p.fixed_on,
		tf.tagged_by, tf.tagged_at
		FROM ticket_friction tf JOIN friction_points p ON p.id = tf.friction_id
		JOIN departments d ON d.id = p.department_id
		WHERE tf.ticket_id = $1 ORDER BY d.name, p.name, p.id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("friction: tags of %d: %w", ticketID, err)
	}
	defer rows.Close()
	out := []Tag{}
	for rows.Next() {
		var t Tag
		var status string
		var fixedOn *time.Time
		if err := rows.Scan(&t.FrictionID, &t.Name, &t.DepartmentID, &t.DepartmentName, &status,
			db.ScanNullTime(&fixedOn), &t.TaggedBy, db.ScanTime(&t.TaggedAt)); err != nil {
			return nil, fmt.Errorf("friction: scan tag: %w", err)
		}
		t.Status = Status(status)
		t.StatusText = (&Point{Status: t.Status, FixedOn: fixedOn}).StatusText()
		out = append(out, t)
	}
	return out, rows.Err()
}

// Panel is what the ticket page's friction panel shows: the ticket's
// points, the accepted points to tag it with, the departments a proposal
// may name, and the proposals made from this ticket still waiting.
type Panel struct {
	TicketID    int64
	Tags        []Tag
	Choices     []*Point
	Departments []*Department
	Waiting     []*Point
}

// PanelFor gathers the ticket page's friction panel.
func (s *Service) PanelFor(ctx context.Context, ticketID int64) (*Panel, error) {
	q := s.db.Reader(ctx)
	tags, err := ticketTags(ctx, q, ticketID)
	if err != nil {
		return nil, err
	}
	points, err := listPoints(ctx, q, PointFilter{})
	if err != nil {
		return nil, err
	}
	deps, err := listDepartments(ctx, q)
	if err != nil {
		return nil, err
	}
	on := map[int64]bool{}
	for _, t := range tags {
		on[t.FrictionID] = true
	}
	pn := &Panel{TicketID: ticketID, Tags: tags, Departments: deps}
	for _, p := range points {
		switch {
		case p.State == Accepted && !on[p.ID]:
			pn.Choices = append(pn.Choices, p)
		case p.State == Proposed && p.ProposedTicketID != nil && *p.ProposedTicketID == ticketID:
			pn.Waiting = append(pn.Waiting, p)
		}
	}
	return pn, nil
}
