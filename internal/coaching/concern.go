package coaching

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// ConcernStatus is where a concern stands.
type ConcernStatus string

// The statuses of a concern: open → investigating → resolved or
// dismissed. Resolved and dismissed are final.
const (
	ConcernOpen          ConcernStatus = "open"
	ConcernInvestigating ConcernStatus = "investigating"
	ConcernResolved      ConcernStatus = "resolved"
	ConcernDismissed     ConcernStatus = "dismissed"
)

// Final reports whether the concern is closed.
func (s ConcernStatus) Final() bool { return s == ConcernResolved || s == ConcernDismissed }

func (s ConcernStatus) valid() bool {
	return s == ConcernOpen || s == ConcernInvestigating || s.Final()
}

// Next lists where a lead may move a concern in this status; none once it
// is final. UpdateConcern refuses any other move.
func (s ConcernStatus) Next() []ConcernStatus { return slices.Clone(next[s]) }

// next lists where each status may go.
var next = map[ConcernStatus][]ConcernStatus{
	ConcernOpen:          {ConcernInvestigating, ConcernResolved, ConcernDismissed},
	ConcernInvestigating: {ConcernResolved, ConcernDismissed},
}

// Concern is a worry, raised in confidence with the leads, that a ticket
// or a decision went against the team's values. RaisedBy and RaisedByName
// are filled for leads only; Mine tells the raiser the concern is theirs.
type Concern struct {
	ID           int64         `json:"id"`
	RaisedBy     *int64        `json:"raised_by,omitempty"`
	RaisedByName string        `json:"raised_by_name,omitempty"`
	Mine         bool          `json:"mine"`
	TicketID     *int64        `json:"ticket_id"`
	TicketNumber int64         `json:"ticket_number,omitempty"`
	ValueID      *int64        `json:"value_id"`
	ValueName    string        `json:"value_name,omitempty"`
	Body         string        `json:"body"`
	Status       ConcernStatus `json:"status"`
	Outcome      string        `json:"outcome"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	ClosedAt     *time.Time    `json:"closed_at"`
}

// NewConcern is what an agent raises: the text, and optionally the ticket
// and the value it is about.
type NewConcern struct {
	Body     string `json:"body"`
	TicketID *int64 `json:"ticket_id"`
	ValueID  *int64 `json:"value_id"`
}

// ConcernUpdate is a lead's move of a concern: its new status and the
// outcome the raiser reads (required to resolve or dismiss).
type ConcernUpdate struct {
	Status  ConcernStatus `json:"status"`
	Outcome *string       `json:"outcome"`
}

// RaiseConcern records a concern; any signed-in user.
func (s *Service) RaiseConcern(ctx context.Context, who *user.User, in NewConcern) (*Concern, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	body, err := apperr.CheckText("body", in.Body, MaxConcern, true)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := checkRef(ctx, tx, "ticket_id", "tickets", in.TicketID); err != nil {
			return err
		}
		if err := checkRef(ctx, tx, "value_id", "team_values", in.ValueID); err != nil {
			return err
		}
		now := db.Time(s.now())
		if err := tx.QueryRowContext(ctx, `INSERT INTO concerns (raised_by, ticket_id, value_id, body, status,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
			who.ID, in.TicketID, in.ValueID, body, string(ConcernOpen), now).Scan(&id); err != nil {
			return fmt.Errorf("coaching: insert concern: %w", err)
		}
		// The audit entry names no author and carries no text: the actor
		// column records who asked, as for every change, and is read by
		// admins, who lead.
		return audit.Record(ctx, tx, "concern.raised", "concern", id, nil)
	})
	if err != nil {
		return nil, err
	}
	return s.Concern(ctx, who, id)
}

func checkRef(ctx context.Context, q db.Queryer, field, table string, id *int64) error {
	if id == nil {
		return nil
	}
	ok, err := exists(ctx, q, table, *id)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Unprocessable(field, "no %s has id %d", field[:len(field)-3], *id)
	}
	return nil
}

// Concern returns one concern to a lead or its raiser; anyone else is told
// "not found".
func (s *Service) Concern(ctx context.Context, who *user.User, id int64) (*Concern, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	c, err := getConcern(ctx, s.db.Reader(ctx), id)
	if err != nil {
		return nil, err
	}
	return shown(who, c)
}

// shown applies the one rule of who reads a concern, and strips its
// author for anyone but leads.
func shown(who *user.User, c *Concern) (*Concern, error) {
	c.Mine = c.RaisedBy != nil && *c.RaisedBy == who.ID
	if who.IsLead() {
		return c, nil
	}
	if !c.Mine {
		return nil, apperr.NotFound("concern")
	}
	c.RaisedBy, c.RaisedByName = nil, ""
	return c, nil
}

// Concerns lists concerns, newest first: every one for leads, their own
// for anyone else; status filters when set.
func (s *Service) Concerns(ctx context.Context, who *user.User, status ConcernStatus) ([]*Concern, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	if status != "" && !status.valid() {
		return nil, apperr.Invalid("status", "must be open, investigating, resolved or dismissed")
	}
	list, err := listConcerns(ctx, s.db.Reader(ctx), status, who.IsLead(), who.ID)
	if err != nil {
		return nil, err
	}
	out := []*Concern{}
	for _, c := range list {
		if c, err := shown(who, c); err == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// UpdateConcern moves a concern on and records its outcome; leads only.
func (s *Service) UpdateConcern(ctx context.Context, who *user.User, id int64, in ConcernUpdate) (*Concern, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		c, err := getConcern(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.Status == "" {
			in.Status = c.Status
		}
		outcome, err := checkMove(c, in)
		if err != nil {
			return err
		}
		now := s.now()
		var closed *time.Time
		if in.Status.Final() {
			closed = &now
		}
		if _, err := tx.ExecContext(ctx, `UPDATE concerns SET status = $1, outcome = $2, handled_by = $3,
			updated_at = $4, closed_at = $5 WHERE id = $6`, string(in.Status), outcome, who.ID, db.Time(now),
			db.NullTime(closed), id); err != nil {
			return fmt.Errorf("coaching: update concern %d: %w", id, err)
		}
		return audit.Record(ctx, tx, "concern.updated", "concern", id,
			map[string]any{"before": c.Status, "after": in.Status})
	})
	if err != nil {
		return nil, err
	}
	return s.Concern(ctx, who, id)
}

// checkMove checks a lead's move and returns the outcome to store.
func checkMove(c *Concern, in ConcernUpdate) (string, error) {
	if c.Status.Final() {
		return "", apperr.Conflict("status", "the concern is already %s", c.Status)
	}
	if in.Status != c.Status && !slices.Contains(next[c.Status], in.Status) {
		return "", apperr.Invalid("status", "a concern %s may become %v, not %q", c.Status, next[c.Status], in.Status)
	}
	outcome := c.Outcome
	if in.Outcome != nil {
		o, err := apperr.CheckText("outcome", *in.Outcome, MaxOutcome, false)
		if err != nil {
			return "", err
		}
		outcome = o
	}
	if in.Status.Final() && outcome == "" {
		return "", apperr.Invalid("outcome", "is required to resolve or dismiss a concern")
	}
	return outcome, nil
}

const concernColumns = `c.id, c.raised_by, COALESCE(u.name, ''), c.ticket_id, COALESCE(t.number, 0), c.value_id,
	COALESCE(v.name, ''), c.body, c.status, c.outcome, c.created_at, c.updated_at, c.closed_at`

const concernFrom = `concerns c LEFT JOIN users u ON u.id = c.raised_by LEFT JOIN tickets t ON t.id = c.ticket_id
	LEFT JOIN team_values v ON v.id = c.value_id`

func scanConcern(row scanner) (*Concern, error) {
	c := &Concern{}
	var status string
	err := row.Scan(&c.ID, &c.RaisedBy, &c.RaisedByName, &c.TicketID, &c.TicketNumber, &c.ValueID, &c.ValueName,
		&c.Body, &status, &c.Outcome, db.ScanTime(&c.CreatedAt), db.ScanTime(&c.UpdatedAt), db.ScanNullTime(&c.ClosedAt))
	c.Status = ConcernStatus(status)
	return c, err
}

func getConcern(ctx context.Context, q db.Queryer, id int64) (*Concern, error) {
	c, err := scanConcern(q.QueryRowContext(ctx, `SELECT `+concernColumns+` FROM `+concernFrom+` WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("concern")
	}
	if err != nil {
		return nil, fmt.Errorf("coaching: get concern %d: %w", id, err)
	}
	return c, nil
}

func listConcerns(ctx context.Context, q db.Queryer, status ConcernStatus, all bool, raiser int64) ([]*Concern, error) {
	where, args := []string{}, []any{}
	if status != "" {
		args = append(args, string(status))
		where = append(where, fmt.Sprintf("c.status = $%d", len(args)))
	}
	if !all {
		args = append(args, raiser)
		where = append(where, fmt.Sprintf("c.raised_by = $%d", len(args)))
	}
	query := `SELECT ` + concernColumns + ` FROM ` + concernFrom
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, MaxList)
	rows, err := q.QueryContext(ctx, query+fmt.Sprintf(" ORDER BY c.id DESC LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("coaching: list concerns: %w", err)
	}
	defer rows.Close()
	var out []*Concern
	for rows.Next() {
		c, err := scanConcern(rows)
		if err != nil {
			return nil, fmt.Errorf("coaching: scan concern: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
