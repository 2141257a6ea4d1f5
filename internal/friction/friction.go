package friction

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Department is a part of the company that owns causes of customer effort.
type Department struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	AmbassadorIDs []int64   `json:"ambassador_ids"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// NewDepartment is what it takes to create a department.
type NewDepartment struct {
	Name          string  `json:"name"`
	Description   string  `json:"description"`
	AmbassadorIDs []int64 `json:"ambassador_ids"`
}

// DepartmentPatch changes a department; nil fields stay. AmbassadorIDs,
// when set, replaces them all.
type DepartmentPatch struct {
	Name          *string  `json:"name"`
	Description   *string  `json:"description"`
	AmbassadorIDs *[]int64 `json:"ambassador_ids"`
}

// State is where a friction point is in its acceptance.
type State string

// The states: proposed by an agent, accepted or declined by a lead.
const (
	Proposed State = "proposed"
	Accepted State = "accepted"
	Declined State = "declined"
)

// Status is the owning department's answer to a friction point.
type Status string

// The statuses, in the order a point usually moves through them.
const (
	StatusOpen       Status = "open"
	StatusRaised     Status = "raised"
	StatusFixPlanned Status = "fix_planned"
	StatusFixed      Status = "fixed"
)

// Statuses lists the statuses in order, for forms.
var Statuses = []Status{StatusOpen, StatusRaised, StatusFixPlanned, StatusFixed}

// Label is the status in words.
func (s Status) Label() string {
	switch s {
	case StatusRaised:
		return "raised"
	case StatusFixPlanned:
		return "fix planned"
	case StatusFixed:
		return "fixed"
	}
	return "open"
}

func parseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", apperr.Invalid("status", "must be open, raised, fix_planned or fixed, not %q", s)
}

// Point is a friction point: a named cause of customer effort a
// department owns.
type Point struct {
	ID               int64      `json:"id"`
	DepartmentID     int64      `json:"department_id"`
	DepartmentName   string     `json:"department_name"`
	Name             string     `json:"name"`
	Description      string     `json:"description"`
	State            State      `json:"state"`
	Status           Status     `json:"status"`
	FixedOn          *time.Time `json:"fixed_on"` // the first day the fix was live (00:00 UTC)
	ProposedBy       *int64     `json:"proposed_by"`
	ProposedByName   string     `json:"proposed_by_name"`
	ProposedTicketID *int64     `json:"proposed_ticket_id"`
	DecidedBy        *int64     `json:"decided_by"`
	DecidedAt        *time.Time `json:"decided_at"`
	DeclineReason    string     `json:"decline_reason"`
	AwardID          *int64     `json:"award_id"` // the friction hunter's recognition
	StatusChangedAt  *time.Time `json:"status_changed_at"`
	Tickets          int        `json:"tickets"` // tickets tagged with it, all time
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// StatusText is the status as people read it: "fixed on 2 Mar 2026".
func (p *Point) StatusText() string {
	if p.Status == StatusFixed && p.FixedOn != nil {
		return "fixed on " + p.FixedOn.UTC().Format("2 Jan 2006")
	}
	return p.Status.Label()
}

// NewPoint is a lead's friction point, accepted at once.
type NewPoint struct {
	DepartmentID int64  `json:"department_id"`
	Name         string `json:"name"`
	Description  string `json:"description"`
}

// Proposal is an agent's friction point, seen on a ticket.
type Proposal struct {
	DepartmentID int64  `json:"department_id"`
	Name         string `json:"name"`
	Description  string `json:"description"`
	TicketID     int64  `json:"ticket_id"` // the ticket that shows it; tagged when accepted
}

// PointPatch changes a friction point's name, description or department.
type PointPatch struct {
	DepartmentID *int64  `json:"department_id"`
	Name         *string `json:"name"`
	Description  *string `json:"description"`
}

// StatusChange is an ambassador's answer. FixedOn (YYYY-MM-DD) is required
// with status fixed and refused with any other.
type StatusChange struct {
	Status  string `json:"status"`
	FixedOn string `json:"fixed_on"`
}

// Decline is a lead's reason for declining a proposal.
type Decline struct {
	Reason string `json:"reason"`
}

// Limits on what people write.
const (
	MaxName        = 120
	MaxDescription = 2000
	MaxReason      = 1000
)

func checkName(s string) (string, error) { return apperr.CheckText("name", s, MaxName, true) }

func checkDescription(s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxDescription {
		return "", apperr.Invalid("description", "is longer than %d characters", MaxDescription)
	}
	return s, apperr.CheckStorable("description", s)
}

// parseDay reads a day (YYYY-MM-DD) as 00:00 UTC, naming field when it is
// not one.
func parseDay(field, s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, apperr.Invalid(field, "give a date as YYYY-MM-DD, not %q", s)
	}
	return d, nil
}

// FixedOnDay is the fix day as YYYY-MM-DD (the API's and a date field's
// form), "" when there is none.
func (p *Point) FixedOnDay() string {
	if p.FixedOn == nil {
		return ""
	}
	return p.FixedOn.UTC().Format(time.DateOnly)
}
