package coaching

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const sessionColumns = `s.id, s.agent_id, s.lead_id, s.notes, s.follow_up_at, s.reminded_at, s.created_at,
	s.updated_at, COALESCE(a.name, ''), COALESCE(l.name, '')`

const sessionFrom = `coaching_sessions s LEFT JOIN users a ON a.id = s.agent_id LEFT JOIN users l ON l.id = s.lead_id`

func scanSession(row scanner) (*Session, error) {
	ss := &Session{Links: []Link{}, Actions: []Action{}}
	err := row.Scan(&ss.ID, &ss.AgentID, &ss.LeadID, &ss.Notes, db.ScanNullTime(&ss.FollowUpAt),
		db.ScanNullTime(&ss.RemindedAt), db.ScanTime(&ss.CreatedAt), db.ScanTime(&ss.UpdatedAt),
		&ss.AgentName, &ss.LeadName)
	return ss, err
}

func getSession(ctx context.Context, q db.Queryer, id int64) (*Session, error) {
	ss, err := scanSession(q.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM `+sessionFrom+` WHERE s.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("coaching session")
	}
	if err != nil {
		return nil, fmt.Errorf("coaching: get session %d: %w", id, err)
	}
	return ss, nil
}

// MaxList bounds the sessions one list returns.
const MaxList = 200

// listSessions returns agentID's sessions (everyone's for 0), newest first,
// with their actions (for the done counts) but not their links.
func listSessions(ctx context.Context, q db.Queryer, agentID int64) ([]*Session, error) {
	query, args := `SELECT `+sessionColumns+` FROM `+sessionFrom+` ORDER BY s.id DESC LIMIT $1`, []any{MaxList}
	if agentID != 0 {
		query, args = `SELECT `+sessionColumns+` FROM `+sessionFrom+` WHERE s.agent_id = $1
			ORDER BY s.id DESC LIMIT $2`, []any{agentID, MaxList}
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("coaching: list sessions: %w", err)
	}
	out := []*Session{}
	for rows.Next() {
		ss, err := scanSession(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("coaching: scan session: %w", err)
		}
		out = append(out, ss)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, ss := range out {
		if ss.Actions, err = listActions(ctx, q, ss.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkLinks checks the reviews, tickets and values a new session links
// to: each must exist, and a review must be of the coached agent's work.
func checkLinks(ctx context.Context, q db.Queryer, in NewSession) ([]Link, error) {
	var out []Link
	add := func(kind LinkKind, ids []int64) {
		for _, id := range ids {
			l := Link{Kind: kind, RefID: id}
			if !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	add(LinkReview, in.ReviewIDs)
	add(LinkTicket, in.TicketIDs)
	add(LinkValue, in.ValueIDs)
	if len(out) > MaxLinks {
		return nil, apperr.Invalid("review_ids", "a session links at most %d reviews, tickets and values", MaxLinks)
	}
	for _, l := range out {
		if err := checkLink(ctx, q, l, in.AgentID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func checkLink(ctx context.Context, q db.Queryer, l Link, agentID int64) error {
	field := string(l.Kind) + "_ids"
	if l.Kind == LinkReview {
		var agent int64
		err := q.QueryRowContext(ctx, `SELECT agent_id FROM reviews WHERE id = $1`, l.RefID).Scan(&agent)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Unprocessable(field, "no review has id %d", l.RefID)
		}
		if err != nil {
			return fmt.Errorf("coaching: check review %d: %w", l.RefID, err)
		}
		if agent != agentID {
			return apperr.Unprocessable(field, "review %d is not of the coached agent's work", l.RefID)
		}
		return nil
	}
	table := "tickets"
	if l.Kind == LinkValue {
		table = "team_values"
	}
	ok, err := exists(ctx, q, table, l.RefID)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Unprocessable(field, "no %s has id %d", l.Kind, l.RefID)
	}
	return nil
}

func insertLinks(ctx context.Context, tx *sql.Tx, sessionID int64, links []Link) error {
	for _, l := range links {
		var review, tk, value any
		switch l.Kind {
		case LinkReview:
			review = l.RefID
		case LinkTicket:
			tk = l.RefID
		case LinkValue:
			value = l.RefID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO coaching_links (session_id, review_id, ticket_id, value_id)
			VALUES ($1, $2, $3, $4)`, sessionID, review, tk, value); err != nil {
			return fmt.Errorf("coaching: insert link: %w", err)
		}
	}
	return nil
}

// listLinks returns a session's links with their labels, reviews first,
// then tickets, then values.
func listLinks(ctx context.Context, q db.Queryer, sessionID int64) ([]Link, error) {
	rows, err := q.QueryContext(ctx, `SELECT
		CASE WHEN k.review_id IS NOT NULL THEN 'review' WHEN k.ticket_id IS NOT NULL THEN 'ticket' ELSE 'value' END,
		COALESCE(k.review_id, k.ticket_id, k.value_id),
		COALESCE(rt.number, t.number, 0), COALESCE(rt.subject, t.subject, v.name, '')
		FROM coaching_links k
		LEFT JOIN reviews r ON r.id = k.review_id LEFT JOIN tickets rt ON rt.id = r.ticket_id
		LEFT JOIN tickets t ON t.id = k.ticket_id LEFT JOIN team_values v ON v.id = k.value_id
		WHERE k.session_id = $1 ORDER BY k.id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("coaching: list links: %w", err)
	}
	defer rows.Close()
	out := []Link{}
	for rows.Next() {
		var (
			l      Link
			kind   string
			number int64
			text   string
		)
		if err := rows.Scan(&kind, &l.RefID, &number, &text); err != nil {
			return nil, fmt.Errorf("coaching: scan link: %w", err)
		}
		l.Kind = LinkKind(kind)
		l.Label = linkLabel(l, number, text)
		out = append(out, l)
	}
	slices.SortStableFunc(out, func(a, b Link) int { return linkOrder[a.Kind] - linkOrder[b.Kind] })
	return out, rows.Err()
}

var linkOrder = map[LinkKind]int{LinkReview: 0, LinkTicket: 1, LinkValue: 2}

func linkLabel(l Link, number int64, text string) string {
	switch l.Kind {
	case LinkReview:
		return fmt.Sprintf("Review %d of #%d %s", l.RefID, number, text)
	case LinkTicket:
		return fmt.Sprintf("#%d %s", number, text)
	}
	return text
}

func insertActions(ctx context.Context, tx *sql.Tx, sessionID int64, from int, actions []string) error {
	for i, a := range actions {
		body, _ := apperr.CheckText("actions", a, MaxAction, true) // checked before
		if _, err := tx.ExecContext(ctx, `INSERT INTO coaching_actions (session_id, body, position)
			VALUES ($1, $2, $3)`, sessionID, body, from+i); err != nil {
			return fmt.Errorf("coaching: insert action: %w", err)
		}
	}
	return nil
}

func countActions(ctx context.Context, q db.Queryer, sessionID int64) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM coaching_actions WHERE session_id = $1`,
		sessionID).Scan(&n); err != nil {
		return 0, fmt.Errorf("coaching: count actions: %w", err)
	}
	return n, nil
}

func listActions(ctx context.Context, q db.Queryer, sessionID int64) ([]Action, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, body, done, done_at FROM coaching_actions
		WHERE session_id = $1 ORDER BY position, id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("coaching: list actions: %w", err)
	}
	defer rows.Close()
	out := []Action{}
	for rows.Next() {
		var a Action
		if err := rows.Scan(&a.ID, &a.Body, &a.Done, db.ScanNullTime(&a.DoneAt)); err != nil {
			return nil, fmt.Errorf("coaching: scan action: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
