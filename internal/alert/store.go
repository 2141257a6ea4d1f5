package alert

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const ruleColumns = `r.id, r.name, r.metric, r.op, r.threshold, r.duration_minutes, r.team_id, COALESCE(t.name, ''),
	r.notify_leads, r.emails, r.webhook_url, r.webhook_secret, r.state, r.state_since, r.last_value, r.evaluated_at,
	r.acknowledged_by, r.acknowledged_at, r.silenced_until, r.revision, r.created_at, r.updated_at`

const ruleFrom = `alert_rules r LEFT JOIN teams t ON t.id = r.team_id`

// scanRule reads a rule; its webhook secret stays sealed.
func scanRule(row interface{ Scan(...any) error }) (*Rule, error) {
	r := &Rule{}
	var emails string
	err := row.Scan(&r.ID, &r.Name, &r.Metric, &r.Op, &r.Threshold, &r.DurationMinutes, &r.TeamID, &r.TeamName,
		&r.NotifyLeads, &emails, &r.WebhookURL, &r.WebhookSecret, &r.State, db.ScanTime(&r.StateSince),
		&r.LastValue, db.ScanNullTime(&r.EvaluatedAt), &r.AcknowledgedBy, db.ScanNullTime(&r.AcknowledgedAt),
		db.ScanNullTime(&r.SilencedUntil), &r.revision, db.ScanTime(&r.CreatedAt), db.ScanTime(&r.UpdatedAt))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(emails), &r.Emails); err != nil {
		return nil, fmt.Errorf("alert: rule %d: emails: %w", r.ID, err)
	}
	return r, nil
}

func getRule(ctx context.Context, q db.Queryer, id int64) (*Rule, error) {
	r, err := scanRule(q.QueryRowContext(ctx, `SELECT `+ruleColumns+` FROM `+ruleFrom+` WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound(fmt.Sprintf("alert rule %d", id))
	}
	if err != nil {
		return nil, fmt.Errorf("alert: get rule %d: %w", id, err)
	}
	if r.UserIDs, err = ruleUsers(ctx, q, id); err != nil {
		return nil, err
	}
	return r, nil
}

func listRules(ctx context.Context, q db.Queryer) ([]*Rule, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+ruleColumns+` FROM `+ruleFrom+` ORDER BY r.name, r.id`)
	if err != nil {
		return nil, fmt.Errorf("alert: list rules: %w", err)
	}
	defer rows.Close()
	var out []*Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, fmt.Errorf("alert: scan rule: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("alert: list rules: %w", err)
	}
	for _, r := range out {
		if r.UserIDs, err = ruleUsers(ctx, q, r.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func ruleUsers(ctx context.Context, q db.Queryer, ruleID int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT user_id FROM alert_rule_users WHERE rule_id = $1 ORDER BY user_id`, ruleID)
	if err != nil {
		return nil, fmt.Errorf("alert: people of rule %d: %w", ruleID, err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("alert: scan person: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// insertRule stores a checked input (its secret sealed) as a new rule in
// state ok.
func insertRule(ctx context.Context, tx *sql.Tx, in Input, sealed string, by int64, now time.Time) (int64, error) {
	emails, _ := json.Marshal(in.Emails)
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO alert_rules (name, metric, op, threshold, duration_minutes, team_id,
			notify_leads, emails, webhook_url, webhook_secret, state, state_since, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'ok', $11, $12, $11, $11) RETURNING id`,
		in.Name, in.Metric, in.Op, *in.Threshold, in.DurationMinutes, in.TeamID, in.NotifyLeads, string(emails),
		in.WebhookURL, sealed, db.Time(now), by).Scan(&id)
	if db.IsForeignKeyViolation(err) {
		return 0, apperr.Invalid("team_id", "no such team")
	}
	if err != nil {
		return 0, fmt.Errorf("alert: create rule: %w", err)
	}
	return id, setUsers(ctx, tx, id, in.UserIDs)
}

// updateRule writes a checked input over rule id; the state is kept.
func updateRule(ctx context.Context, tx *sql.Tx, id int64, in Input, sealed string, now time.Time) error {
	emails, _ := json.Marshal(in.Emails)
	_, err := tx.ExecContext(ctx, `UPDATE alert_rules SET name = $1, metric = $2, op = $3, threshold = $4,
			duration_minutes = $5, team_id = $6, notify_leads = $7, emails = $8, webhook_url = $9, webhook_secret = $10,
			revision = revision + 1, updated_at = $11
		WHERE id = $12`,
		in.Name, in.Metric, in.Op, *in.Threshold, in.DurationMinutes, in.TeamID, in.NotifyLeads, string(emails),
		in.WebhookURL, sealed, db.Time(now), id)
	if db.IsForeignKeyViolation(err) {
		return apperr.Invalid("team_id", "no such team")
	}
	if err != nil {
		return fmt.Errorf("alert: update rule %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM alert_rule_users WHERE rule_id = $1`, id); err != nil {
		return fmt.Errorf("alert: update rule %d: %w", id, err)
	}
	return setUsers(ctx, tx, id, in.UserIDs)
}

// setUsers names the people a rule tells; each must be an active lead or
// admin, the people who can open the alerts page a notification leads to.
func setUsers(ctx context.Context, tx *sql.Tx, ruleID int64, ids []int64) error {
	for _, uid := range ids {
		res, err := tx.ExecContext(ctx, `INSERT INTO alert_rule_users (rule_id, user_id)
			SELECT $1, id FROM users WHERE id = $2 AND disabled_at IS NULL AND role IN ('lead', 'admin')`, ruleID, uid)
		if err != nil {
			return fmt.Errorf("alert: people of rule %d: %w", ruleID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return apperr.Invalid("user_ids", "%d is not an active lead or admin (only they can open alerts)", uid)
		}
	}
	return nil
}

// move records a decided change of state (or, when to is the state it is
// in, the value seen), only if the rule is still at revision rev: false
// when another writer changed it first.
func move(ctx context.Context, tx *sql.Tx, r *Rule, to string, value *float64, now time.Time) (bool, error) {
	since, ack := "state_since", ""
	args := []any{r.ID, r.revision, to, value, db.Time(now)}
	if to != r.State {
		since = "$5"
	}
	if to == StateResolved || to == StateOK {
		ack = ", acknowledged_by = NULL, acknowledged_at = NULL" // a new incident needs a new acknowledgement
	}
	res, err := tx.ExecContext(ctx, `UPDATE alert_rules SET state = $3, state_since = `+since+`, last_value = $4,
			evaluated_at = $5, revision = revision + 1`+ack+`
		WHERE id = $1 AND revision = $2`, args...)
	if err != nil {
		return false, fmt.Errorf("alert: move rule %d to %s: %w", r.ID, to, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// History is one change of a rule's state.
type History struct {
	ID        int64     `json:"id"`
	RuleID    int64     `json:"rule_id"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Value     *float64  `json:"value"`     // the value seen
	Threshold float64   `json:"threshold"` // the rule's threshold then
	Notified  bool      `json:"notified"`  // whether people were told
	At        time.Time `json:"at"`
}

func insertHistory(ctx context.Context, tx *sql.Tx, h *History) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO alert_history (rule_id, from_state, to_state, value, threshold, notified, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		h.RuleID, h.From, h.To, h.Value, h.Threshold, h.Notified, db.Time(h.At)).Scan(&h.ID)
	if err != nil {
		return fmt.Errorf("alert: history of rule %d: %w", h.RuleID, err)
	}
	return nil
}

// MaxHistory bounds one listing of a rule's history.
const MaxHistory = 200

func listHistory(ctx context.Context, q db.Queryer, ruleID int64, limit int) ([]*History, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, rule_id, from_state, to_state, value, threshold, notified, at
		FROM alert_history WHERE rule_id = $1 ORDER BY id DESC LIMIT $2`, ruleID, limit)
	if err != nil {
		return nil, fmt.Errorf("alert: history of rule %d: %w", ruleID, err)
	}
	defer rows.Close()
	out := []*History{}
	for rows.Next() {
		h := &History{}
		if err := rows.Scan(&h.ID, &h.RuleID, &h.From, &h.To, &h.Value, &h.Threshold, &h.Notified, db.ScanTime(&h.At)); err != nil {
			return nil, fmt.Errorf("alert: scan history: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// leads are the active leads (and admins) of a team, or with no team
// every active lead and admin: who NotifyLeads tells.
func leads(ctx context.Context, q db.Queryer, teamID *int64) ([]int64, error) {
	query, args := `SELECT id FROM users WHERE role IN ('lead', 'admin') AND disabled_at IS NULL ORDER BY id`, []any{}
	if teamID != nil {
		query = `SELECT u.id FROM team_members m JOIN users u ON u.id = m.user_id
			WHERE m.team_id = $1 AND u.role IN ('lead', 'admin') AND u.disabled_at IS NULL ORDER BY u.id`
		args = append(args, *teamID)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("alert: leads: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("alert: scan lead: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
