// Package feedback is the customer's voice after a solve: one survey per
// resolution of a ticket, asking for satisfaction (CSAT, 1-5), effort (CES
// 2.0, 1-7), an optional comment and, for a low score, an optional reason
// from the desk's list. It owns the tables feedback_surveys (the surveys
// and their answers), feedback_survey_agents (the agents each survey counts
// for, frozen when the ticket was solved) and feedback_opt_outs (customers
// who never want one).
//
// Surveys are made by a durable event consumer (Consumer) when a ticket is
// solved and closed by it when the ticket is reopened, so a crash neither
// loses nor doubles one; a survey is sent as part of the solve notification
// (a durable outbound mail job). Only a POST of the survey form records an
// answer: opening a link, as mail scanners do, never does.
package feedback

import (
	"time"
)

// Statuses of a survey.
const (
	StatusNotEligible = "not_eligible" // the solve did not qualify; NotEligibleReason says why
	StatusScheduled   = "scheduled"    // waiting for SendAt (a delay after solve)
	StatusSent        = "sent"         // the customer has the link
	StatusAnswered    = "answered"     // the customer answered (and may change it for ChangeWindow)
	StatusVoid        = "void"         // the ticket was reopened before an answer
)

// Statuses lists every status, as the schema's CHECK does.
var Statuses = []string{StatusNotEligible, StatusScheduled, StatusSent, StatusAnswered, StatusVoid}

// Recovery states of a survey with a low score.
const (
	RecoveryNone       = "none"
	RecoveryNeeded     = "needed"      // a low score nobody has followed up yet
	RecoveryFollowedUp = "followed_up" // someone marked it followed up
)

// Score bounds.
const (
	MinCSAT, MaxCSAT = 1, 5
	MinCES, MaxCES   = 1, 7
	// A score at or below these starts a recovery.
	LowCSAT = 2
	LowCES  = 3
	// MaxComment bounds a comment, in characters.
	MaxComment = 5000
)

// ChangeWindow is how long after the first answer the customer may change
// it.
const ChangeWindow = 7 * 24 * time.Hour

// Survey is one survey: one resolution of one ticket, who it counts for,
// and the answer if there is one.
type Survey struct {
	ID           int64  `json:"id"`
	TicketID     int64  `json:"ticket_id"`
	SolveEventID int64  `json:"-"`
	CustomerID   int64  `json:"customer_id"`
	Channel      string `json:"channel"`
	// AssigneeID and TeamID are the ticket's when it was solved; a later
	// reassignment does not move the survey.
	AssigneeID        *int64 `json:"assignee_id"`
	TeamID            *int64 `json:"team_id"`
	Status            string `json:"status"`
	NotEligibleReason string `json:"not_eligible_reason,omitempty"`

	SolvedAt   time.Time  `json:"solved_at"`
	SendAt     *time.Time `json:"send_at,omitempty"`
	SentAt     *time.Time `json:"sent_at"`
	AnsweredAt *time.Time `json:"answered_at"` // the first answer
	ChangedAt  *time.Time `json:"changed_at"`  // the last answer
	ClosedAt   *time.Time `json:"closed_at"`   // the ticket was reopened

	CSAT    *int   `json:"csat"`
	CES     *int   `json:"ces"`
	Comment string `json:"comment"`
	Reason  string `json:"reason"`

	Recovery     string     `json:"recovery"`
	FollowedUpBy *int64     `json:"followed_up_by,omitempty"`
	FollowedUpAt *time.Time `json:"followed_up_at,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	// tokenNonce remakes the link's token with the instance key.
	tokenNonce string
}

// Agent is one agent a survey counts for.
type Agent struct {
	SurveyID   int64 `json:"survey_id"`
	UserID     int64 `json:"user_id"`
	IsAssignee bool  `json:"is_assignee"` // assigned when the ticket was solved
	Replied    bool  `json:"replied"`     // replied publicly before the solve
}

// Answered reports whether the customer gave at least one score.
func (s *Survey) Answered() bool { return s.CSAT != nil || s.CES != nil }

// Low reports whether the answer calls for a recovery.
func (s *Survey) Low() bool {
	return s.CSAT != nil && *s.CSAT <= LowCSAT || s.CES != nil && *s.CES <= LowCES
}

// Open reports whether the customer may still answer or change the answer
// at now: the ticket was not reopened, the survey was sent, and a change
// comes within ChangeWindow of the first answer.
func (s *Survey) Open(now time.Time) bool {
	if s.ClosedAt != nil {
		return false
	}
	switch s.Status {
	case StatusSent:
		return true
	case StatusAnswered:
		return s.AnsweredAt != nil && now.Before(s.AnsweredAt.Add(ChangeWindow))
	}
	return false
}
