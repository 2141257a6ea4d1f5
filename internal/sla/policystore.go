package sla

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const policyColumns = `id, name, position, conditions, targets, created_at, updated_at`

func scanPolicy(row interface{ Scan(...any) error }) (*Policy, error) {
	var p Policy
	var conds, targets string
	err := row.Scan(&p.ID, &p.Name, &p.Position, &conds, &targets, db.ScanTime(&p.CreatedAt), db.ScanTime(&p.UpdatedAt))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(conds), &p.Conditions); err != nil {
		return nil, fmt.Errorf("sla: policy %d conditions: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(targets), &p.Targets); err != nil {
		return nil, fmt.Errorf("sla: policy %d targets: %w", p.ID, err)
	}
	return &p, nil
}

func getPolicy(ctx context.Context, q db.Queryer, id int64) (*Policy, error) {
	p, err := scanPolicy(q.QueryRowContext(ctx, `SELECT `+policyColumns+` FROM sla_policies WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("sla policy")
	}
	if err != nil {
		return nil, fmt.Errorf("sla: get policy %d: %w", id, err)
	}
	return p, nil
}

// listPolicies returns policies in the order they are tried.
func listPolicies(ctx context.Context, q db.Queryer) ([]*Policy, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+policyColumns+` FROM sla_policies ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("sla: list policies: %w", err)
	}
	defer rows.Close()
	var out []*Policy
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			return nil, fmt.Errorf("sla: scan policy: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func jsonText(v any) string {
	b, _ := json.Marshal(v) // policies' parts always marshal
	return string(b)
}

func insertPolicy(ctx context.Context, q db.Queryer, p *Policy) error {
	err := q.QueryRowContext(ctx, `
		INSERT INTO sla_policies (name, position, conditions, targets, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
		p.Name, p.Position, jsonText(p.Conditions), jsonText(p.Targets), db.Time(p.CreatedAt)).Scan(&p.ID)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("name", "a policy named %q already exists", p.Name)
	}
	if err != nil {
		return fmt.Errorf("sla: insert policy: %w", err)
	}
	return nil
}

func savePolicy(ctx context.Context, q db.Queryer, p *Policy) error {
	_, err := q.ExecContext(ctx, `
		UPDATE sla_policies SET name = $1, position = $2, conditions = $3, targets = $4, updated_at = $5 WHERE id = $6`,
		p.Name, p.Position, jsonText(p.Conditions), jsonText(p.Targets), db.Time(p.UpdatedAt), p.ID)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("name", "a policy named %q already exists", p.Name)
	}
	if err != nil {
		return fmt.Errorf("sla: save policy %d: %w", p.ID, err)
	}
	return nil
}

func deletePolicy(ctx context.Context, q db.Queryer, id int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM sla_policies WHERE id = $1`, id); err != nil {
		return fmt.Errorf("sla: delete policy %d: %w", id, err)
	}
	return nil
}
