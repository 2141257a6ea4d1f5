package ticket

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
)

// EventCustomStatusChanged is the event of a ticket's custom status
// changing, within a category or along with it.
const EventCustomStatusChanged = "ticket.custom_status_changed"

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

// Patch changes a ticket; absent fields stay as they are. Status names a
// built-in status or a custom status's key. Tags, when present, replace the
// ticket's tags. CustomFields sets the fields it names, by key; null clears
// one, and fields it does not name stay as they are.
type Patch struct {
	Subject    *string    `json:"subject"`
	Status     *string    `json:"status"`
	Priority   *string    `json:"priority"`
	AssigneeID OptionalID `json:"assignee_id"`
	TeamID     OptionalID `json:"team_id"`
	Tags       *[]string  `json:"tags"`
	// AddTags and RemoveTags change the tags the ticket has when the
	// patch is applied (so concurrent changes are not lost); Tags, when
	// also present, is applied first.
	AddTags    []string `json:"add_tags,omitempty"`
	RemoveTags []string `json:"remove_tags,omitempty"`

	CustomFields map[string]any `json:"custom_fields"`
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
	t, _, err := s.update(ctx, id, p)
	return t, err
}

// update is Update that also reports whether anything changed.
func (s *Service) update(ctx context.Context, id int64, p Patch) (out *Ticket, changed bool, err error) {
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := lockTicket(ctx, tx, id); err != nil {
			return err
		}
		t, err := getTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		changes, writes, err := s.apply(ctx, tx, t, p)
		if err != nil || len(changes) == 0 {
			out = t
			return err
		}
		if err := writeFields(ctx, tx, t.ID, writes); err != nil {
			return err
		}
		if err := s.save(ctx, tx, t, changes); err != nil {
			return err
		}
		out, changed = t, true
		return nil
	})
	return out, changed, err
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

// apply validates p and changes t in memory, returning what changed and
// the custom field values to write. All of p is checked before anything is
// written, so a bad field changes nothing.
func (s *Service) apply(ctx context.Context, q *sql.Tx, t *Ticket, p Patch) ([]change, []fieldWrite, error) {
	var changes []change
	for _, step := range []func(*Ticket, Patch) (*change, error){
		s.applySubject, s.applyPriority, applyTags,
	} {
		c, err := step(t, p)
		if err != nil {
			return nil, nil, err
		}
		if c != nil {
			changes = append(changes, *c)
		}
	}
	status, err := s.applyStatus(ctx, q, t, p)
	if err != nil {
		return nil, nil, err
	}
	refs, err := applyRefs(ctx, q, t, p)
	if err != nil {
		return nil, nil, err
	}
	fields, writes, err := applyFields(ctx, q, t, p.CustomFields)
	if err != nil {
		return nil, nil, err
	}
	if solving(status, t) {
		if err := checkRequiredOnSolve(ctx, q, t); err != nil {
			return nil, nil, err
		}
	}
	changes = slices.Concat(changes, status, refs, fields)
	return changes, writes, nil
}

// applySubject sets t's subject from p; (nil, nil) when p leaves it alone.
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

// applyStatus moves t to a built-in status or a custom one. The status
// column always holds the category; a change of category and a change of
// custom status are separate events, so consumers that only know the
// categories (SLA clocks, reports) see only what they understand. A closed
// ticket is final: a follow-up is a new ticket.
func (s *Service) applyStatus(ctx context.Context, q db.Queryer, t *Ticket, p Patch) ([]change, error) {
	if p.Status == nil {
		return nil, nil
	}
	category, custom, err := resolveStatus(ctx, q, *p.Status)
	if err != nil {
		return nil, err
	}
	var ref *StatusRef
	if custom != nil {
		ref = &StatusRef{ID: custom.ID, Key: custom.Key, Label: custom.Label}
	}
	if category == t.Status && sameStatus(ref, t.CustomStatus) {
		return nil, nil
	}
	if t.Status == "closed" {
		return nil, apperr.Unprocessable("status",
			"ticket #%d is closed, and a closed ticket cannot be reopened: open a new ticket for the follow-up", t.Number)
	}
	if custom != nil && custom.Archived {
		return nil, apperr.Unprocessable("status", "custom status %q is archived", custom.Key)
	}
	var changes []change
	if category != t.Status {
		changes = append(changes, change{"ticket.status_changed", "status", t.Status, category})
		t.Status = category
		s.stampStatus(t)
	}
	if !sameStatus(ref, t.CustomStatus) {
		changes = append(changes, change{EventCustomStatusChanged, "custom_status", t.CustomStatus.key(), ref.key()})
		t.CustomStatus = ref
	}
	return changes, nil
}

// solving reports whether the status changes moved t into solved or closed.
func solving(status []change, t *Ticket) bool {
	for _, c := range status {
		if c.field == "status" && (t.Status == "solved" || t.Status == "closed") {
			return true
		}
	}
	return false
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

// applyPriority sets t's priority from p; (nil, nil) when p leaves it
// alone.
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
	if p.Tags == nil && len(p.AddTags) == 0 && len(p.RemoveTags) == 0 {
		return nil, nil
	}
	tags, err := editTags(t.Tags, p)
	if err != nil || slices.Equal(tags, t.Tags) {
		return nil, err
	}
	c := &change{"ticket.tags_changed", "tags", t.Tags, tags}
	t.Tags = tags
	return c, nil
}

// editTags works out the tags a patch leaves a ticket with.
func editTags(current []string, p Patch) ([]string, error) {
	tags := current
	if p.Tags != nil {
		tags = *p.Tags
	}
	tags = append(slices.Clone(tags), p.AddTags...)
	remove, err := normalizeTags(p.RemoveTags)
	if err != nil {
		return nil, err
	}
	tags = slices.DeleteFunc(tags, func(t string) bool {
		return slices.Contains(remove, strings.ToLower(strings.TrimSpace(t)))
	})
	return normalizeTags(tags)
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
