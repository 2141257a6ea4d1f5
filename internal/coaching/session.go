package coaching

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Session is a coaching session a lead held with an agent.
type Session struct {
	ID         int64      `json:"id"`
	AgentID    int64      `json:"agent_id"`
	LeadID     *int64     `json:"lead_id"`
	Notes      string     `json:"notes"`
	FollowUpAt *time.Time `json:"follow_up_at"`
	RemindedAt *time.Time `json:"reminded_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Links      []Link     `json:"links"`
	Actions    []Action   `json:"actions"`

	// For display.
	AgentName string `json:"agent_name"`
	LeadName  string `json:"lead_name"`
}

// DoneActions counts the session's actions ticked off.
func (s *Session) DoneActions() int {
	n := 0
	for _, a := range s.Actions {
		if a.Done {
			n++
		}
	}
	return n
}

// LinkKind is what a session's link points at.
type LinkKind string

// The kinds of link.
const (
	LinkReview LinkKind = "review"
	LinkTicket LinkKind = "ticket"
	LinkValue  LinkKind = "value"
)

// Link ties a session to a review, a ticket or a value. Label names it for
// display: "Review #3", "#1042 Refund not received", "Empathetic".
type Link struct {
	Kind  LinkKind `json:"kind"`
	RefID int64    `json:"ref_id"`
	Label string   `json:"label"`
}

// Href is the page the link leads to.
func (l Link) Href() string {
	switch l.Kind {
	case LinkReview:
		return fmt.Sprintf("/reviews/%d", l.RefID)
	case LinkTicket:
		return fmt.Sprintf("/tickets/%d", l.RefID)
	}
	return "/philosophy"
}

// Action is something the lead and agent agreed the agent will do.
type Action struct {
	ID     int64      `json:"id"`
	Body   string     `json:"body"`
	Done   bool       `json:"done"`
	DoneAt *time.Time `json:"done_at"`
}

// NewSession is what it takes to open a session: the agent, and anything
// of the rest.
type NewSession struct {
	AgentID    int64      `json:"agent_id"`
	Notes      string     `json:"notes"`
	FollowUpAt *time.Time `json:"follow_up_at"`
	ReviewIDs  []int64    `json:"review_ids"`
	TicketIDs  []int64    `json:"ticket_ids"`
	ValueIDs   []int64    `json:"value_ids"`
	Actions    []string   `json:"actions"`
}

// SessionPatch changes a session: nil fields are left alone. A new
// follow-up time arms a new reminder; ClearFollowUp removes it.
type SessionPatch struct {
	Notes         *string    `json:"notes"`
	FollowUpAt    *time.Time `json:"follow_up_at"`
	ClearFollowUp bool       `json:"clear_follow_up"`
	AddActions    []string   `json:"add_actions"`
}

// canRead is the one rule of who reads a session: the coached agent, the
// leads, and everyone when SettingVisibleToAgents is on.
func canRead(ctx context.Context, q db.Queryer, who *user.User, agentID int64) (bool, error) {
	switch {
	case who == nil:
		return false, nil
	case who.ID == agentID || who.IsLead():
		return true, nil
	}
	return visibleToAgents(ctx, q)
}

// CreateSession opens a coaching session; leads only.
func (s *Service) CreateSession(ctx context.Context, who *user.User, in NewSession) (*Session, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	ss, err := s.checkNew(who, in)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := user.CheckActive(ctx, tx, "agent_id", in.AgentID); err != nil {
			return err
		}
		links, err := checkLinks(ctx, tx, in)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO coaching_sessions (agent_id, lead_id, notes, follow_up_at,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
			ss.AgentID, who.ID, ss.Notes, db.NullTime(ss.FollowUpAt), db.Time(ss.CreatedAt)).Scan(&ss.ID)
		if err != nil {
			return fmt.Errorf("coaching: insert session: %w", err)
		}
		if err := insertLinks(ctx, tx, ss.ID, links); err != nil {
			return err
		}
		if err := insertActions(ctx, tx, ss.ID, 0, in.Actions); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "coaching.created", "coaching_session", ss.ID,
			map[string]any{"agent_id": ss.AgentID, "follow_up_at": ss.FollowUpAt})
	})
	if err != nil {
		return nil, err
	}
	return s.Session(ctx, who, ss.ID)
}

func (s *Service) checkNew(who *user.User, in NewSession) (*Session, error) {
	if in.AgentID == 0 {
		return nil, apperr.Invalid("agent_id", "is required")
	}
	if in.AgentID == who.ID {
		return nil, apperr.Invalid("agent_id", "cannot be yourself: another lead coaches you")
	}
	notes, err := apperr.CheckText("notes", in.Notes, MaxNotes, false)
	if err != nil {
		return nil, err
	}
	if err := checkActions(in.Actions, 0); err != nil {
		return nil, err
	}
	now := s.now()
	return &Session{AgentID: in.AgentID, Notes: notes, FollowUpAt: roundTime(in.FollowUpAt),
		CreatedAt: now, UpdatedAt: now}, nil
}

func roundTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	r := t.UTC().Truncate(time.Millisecond)
	return &r
}

func checkActions(actions []string, have int) error {
	if have+len(actions) > MaxActions {
		return apperr.Invalid("actions", "a session holds at most %d actions", MaxActions)
	}
	for _, a := range actions {
		if _, err := apperr.CheckText("actions", a, MaxAction, true); err != nil {
			return err
		}
	}
	return nil
}

// Session returns one session with its links and actions, or "not found"
// to anyone canRead refuses.
func (s *Service) Session(ctx context.Context, who *user.User, id int64) (*Session, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	q := s.db.Reader(ctx)
	ss, err := getSession(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if ok, err := canRead(ctx, q, who, ss.AgentID); err != nil {
		return nil, err
	} else if !ok {
		return nil, apperr.NotFound("coaching session")
	}
	if ss.Links, err = listLinks(ctx, q, id); err != nil {
		return nil, err
	}
	if ss.Actions, err = listActions(ctx, q, id); err != nil {
		return nil, err
	}
	return ss, nil
}

// Sessions lists sessions, newest first: agentID's (0 for everyone's that
// who may read). An agent asking for another's sessions gets an empty list
// unless SettingVisibleToAgents is on.
func (s *Service) Sessions(ctx context.Context, who *user.User, agentID int64) ([]*Session, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	q := s.db.Reader(ctx)
	open, err := canRead(ctx, q, who, -1) // may who read anyone's?
	if err != nil {
		return nil, err
	}
	switch {
	case agentID == 0 && !open:
		agentID = who.ID
	case agentID != who.ID && !open:
		return []*Session{}, nil
	}
	return listSessions(ctx, q, agentID)
}

// UpdateSession changes a session's notes or follow-up, or adds actions;
// leads only.
func (s *Service) UpdateSession(ctx context.Context, who *user.User, id int64, p SessionPatch) (*Session, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		ss, err := getSession(ctx, tx, id)
		if err != nil {
			return err
		}
		changed, err := s.applyPatch(ss, p)
		if err != nil {
			return err
		}
		have, err := countActions(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkActions(p.AddActions, have); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE coaching_sessions SET notes = $1, follow_up_at = $2,
			reminded_at = $3, updated_at = $4 WHERE id = $5`, ss.Notes, db.NullTime(ss.FollowUpAt),
			db.NullTime(ss.RemindedAt), db.Time(s.now()), id); err != nil {
			return fmt.Errorf("coaching: update session %d: %w", id, err)
		}
		if err := insertActions(ctx, tx, id, have, p.AddActions); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "coaching.updated", "coaching_session", id,
			map[string]any{"changed": changed, "actions_added": len(p.AddActions)})
	})
	if err != nil {
		return nil, err
	}
	return s.Session(ctx, who, id)
}

// applyPatch changes ss as p says and names what changed. A follow-up
// that moves is reminded of again.
func (s *Service) applyPatch(ss *Session, p SessionPatch) ([]string, error) {
	var changed []string
	if p.Notes != nil {
		notes, err := apperr.CheckText("notes", *p.Notes, MaxNotes, false)
		if err != nil {
			return nil, err
		}
		ss.Notes = notes
		changed = append(changed, "notes")
	}
	switch {
	case p.ClearFollowUp && p.FollowUpAt != nil:
		return nil, apperr.Invalid("follow_up_at", "give a follow-up time or clear_follow_up, not both")
	case p.ClearFollowUp:
		ss.FollowUpAt, ss.RemindedAt = nil, nil
		changed = append(changed, "follow_up_at")
	case p.FollowUpAt != nil:
		next := roundTime(p.FollowUpAt)
		if ss.FollowUpAt == nil || !ss.FollowUpAt.Equal(*next) {
			ss.FollowUpAt, ss.RemindedAt = next, nil
			changed = append(changed, "follow_up_at")
		}
	}
	return changed, nil
}

// MayTick reports whether who may tick the session's actions done: the
// coached agent and leads. Pages ask it to show the boxes; SetActionDone
// enforces it.
func (ss *Session) MayTick(who *user.User) bool {
	return who != nil && (who.ID == ss.AgentID || who.IsLead())
}

// SetActionDone ticks an action done (or not); the coached agent and leads
// only. Anyone who may not read the session is told "not found".
func (s *Service) SetActionDone(ctx context.Context, who *user.User, sessionID, actionID int64, done bool) (*Session, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		ss, err := getSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if ok, err := canRead(ctx, tx, who, ss.AgentID); err != nil {
			return err
		} else if !ok {
			return apperr.NotFound("coaching session")
		}
		if !ss.MayTick(who) {
			return apperr.Forbidden("only the coached agent and leads tick actions")
		}
		var doneAt *time.Time
		if done {
			now := s.now()
			doneAt = &now
		}
		res, err := tx.ExecContext(ctx, `UPDATE coaching_actions SET done = $1, done_at = $2
			WHERE id = $3 AND session_id = $4`, done, db.NullTime(doneAt), actionID, sessionID)
		if err != nil {
			return fmt.Errorf("coaching: tick action %d: %w", actionID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFound("action")
		}
		return audit.Record(ctx, tx, "coaching.action_ticked", "coaching_session", sessionID,
			map[string]any{"action_id": actionID, "done": done})
	})
	if err != nil {
		return nil, err
	}
	return s.Session(ctx, who, sessionID)
}
