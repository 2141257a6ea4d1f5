package ticket

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"

	"github.com/centerdesk/centerdesk/internal/events"
)

// OptionalID is a PATCH field that can be left out, set to an id, or set to
// null to clear it: a plain *int64 cannot tell "absent" from null.
type OptionalID struct {
	Set bool
	ID  *int64
}

// UnmarshalJSON records that the field was present, null or not.
func (o *OptionalID) UnmarshalJSON(b []byte) error {
	o.Set = true
	return json.Unmarshal(b, &o.ID)
}

// SetID returns an OptionalID that sets id (nil clears).
func SetID(id *int64) OptionalID { return OptionalID{Set: true, ID: id} }

// Patch changes a ticket; absent fields stay as they are. Tags, when
// present, replace the ticket's tags.
type Patch struct {
	Subject    *string    `json:"subject"`
	Status     *string    `json:"status"`
	Priority   *string    `json:"priority"`
	AssigneeID OptionalID `json:"assignee_id"`
	TeamID     OptionalID `json:"team_id"`
	Tags       *[]string  `json:"tags"`
}

// change is one field a patch changed, for its event.
type change struct {
	event         string
	field         string
	before, after any
}

// Update applies p in one transaction with one event per changed field,
// each carrying the value before and after.
func (s *Service) Update(ctx context.Context, id int64, p Patch) (*Ticket, error) {
	var out *Ticket
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := lockTicket(ctx, tx, id); err != nil {
			return err
		}
		t, err := getTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		changes, err := s.apply(ctx, tx, t, p)
		if err != nil || len(changes) == 0 {
			out = t
			return err
		}
		if err := s.save(ctx, tx, t, changes); err != nil {
			return err
		}
		out = t
		return nil
	})
	return out, err
}

// save writes a changed ticket and its events.
func (s *Service) save(ctx context.Context, tx *sql.Tx, t *Ticket, changes []change) error {
	t.UpdatedAt = s.now()
	if err := saveTicket(ctx, tx, t); err != nil {
		return err
	}
	for _, c := range changes {
		if c.field == "tags" {
			if err := replaceTags(ctx, tx, t.ID, t.Tags); err != nil {
				return err
			}
		}
		e := &events.Event{TicketID: t.ID, Type: c.event, At: t.UpdatedAt,
			Data: events.Change(c.field, c.before, c.after)}
		if err := events.Append(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

// apply validates p and changes t in memory, returning what changed. All of
// p is checked before anything is written, so a bad field changes nothing.
func (s *Service) apply(ctx context.Context, q *sql.Tx, t *Ticket, p Patch) ([]change, error) {
	var changes []change
	for _, step := range []func(*Ticket, Patch) (*change, error){
		s.applySubject, s.applyStatus, s.applyPriority, applyTags,
	} {
		c, err := step(t, p)
		if err != nil {
			return nil, err
		}
		if c != nil {
			changes = append(changes, *c)
		}
	}
	refs, err := applyRefs(ctx, q, t, p)
	if err != nil {
		return nil, err
	}
	return append(changes, refs...), nil
}

func (s *Service) applySubject(t *Ticket, p Patch) (*change, error) {
	if p.Subject == nil {
		return nil, nil
	}
	subject, err := checkSubject(*p.Subject)
	if err != nil || subject == t.Subject {
		return nil, err
	}
	c := &change{"ticket.subject_changed", "subject", t.Subject, subject}
	t.Subject = subject
	return c, nil
}

func (s *Service) applyStatus(t *Ticket, p Patch) (*change, error) {
	if p.Status == nil {
		return nil, nil
	}
	if err := oneOf("status", *p.Status, Statuses); err != nil || *p.Status == t.Status {
		return nil, err
	}
	c := &change{"ticket.status_changed", "status", t.Status, *p.Status}
	t.Status = *p.Status
	s.stampStatus(t)
	return c, nil
}

// stampStatus keeps solved_at and closed_at in step with the status: a
// reopened ticket is no longer solved.
func (s *Service) stampStatus(t *Ticket) {
	now := s.now()
	switch t.Status {
	case "solved":
		t.SolvedAt = &now
	case "closed":
		t.ClosedAt = &now
		if t.SolvedAt == nil {
			t.SolvedAt = &now
		}
	default:
		t.SolvedAt, t.ClosedAt = nil, nil
	}
}

func (s *Service) applyPriority(t *Ticket, p Patch) (*change, error) {
	if p.Priority == nil {
		return nil, nil
	}
	if err := oneOf("priority", *p.Priority, Priorities); err != nil || *p.Priority == t.Priority {
		return nil, err
	}
	c := &change{"ticket.priority_changed", "priority", t.Priority, *p.Priority}
	t.Priority = *p.Priority
	return c, nil
}

func applyTags(t *Ticket, p Patch) (*change, error) {
	if p.Tags == nil {
		return nil, nil
	}
	tags, err := normalizeTags(*p.Tags)
	if err != nil || slices.Equal(tags, t.Tags) {
		return nil, err
	}
	c := &change{"ticket.tags_changed", "tags", t.Tags, tags}
	t.Tags = tags
	return c, nil
}

// applyRefs changes the assignee and team after checking they exist.
func applyRefs(ctx context.Context, q *sql.Tx, t *Ticket, p Patch) ([]change, error) {
	var assignee, team *int64
	if p.AssigneeID.Set {
		assignee = p.AssigneeID.ID
	}
	if p.TeamID.Set {
		team = p.TeamID.ID
	}
	if err := checkRefs(ctx, q, assignee, team); err != nil {
		return nil, err
	}
	var changes []change
	if p.AssigneeID.Set && !sameID(p.AssigneeID.ID, t.AssigneeID) {
		changes = append(changes, change{"ticket.assignee_changed", "assignee_id", t.AssigneeID, p.AssigneeID.ID})
		t.AssigneeID = p.AssigneeID.ID
	}
	if p.TeamID.Set && !sameID(p.TeamID.ID, t.TeamID) {
		changes = append(changes, change{"ticket.team_changed", "team_id", t.TeamID, p.TeamID.ID})
		t.TeamID = p.TeamID.ID
	}
	return changes, nil
}

func sameID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
