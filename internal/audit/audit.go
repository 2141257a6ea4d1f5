// Package audit keeps the log of sign-ins, failed sign-ins and every change
// an admin makes. Entries are written in the same transaction as the change
// they describe, so the log never claims a change that did not happen.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// Actor is who did something, and from where.
type Actor struct {
	UserID int64  // 0 when not a signed-in user
	Label  string // email address, "cli", "system"
	IP     string
}

type actorKey struct{}

// WithActor returns ctx carrying the actor that changes made under it are
// attributed to.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx; "system" if none.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Label: "system"}
}

// Entry is one line of the audit log.
type Entry struct {
	ID         int64          `json:"id"`
	At         time.Time      `json:"at"`
	ActorID    *int64         `json:"actor_id"`
	Actor      string         `json:"actor"`
	Action     string         `json:"action"`
	TargetType string         `json:"target_type,omitempty"`
	TargetID   string         `json:"target_id,omitempty"`
	Details    map[string]any `json:"details,omitempty"`
	IP         string         `json:"ip,omitempty"`
}

// Record appends an entry attributed to the actor in ctx.
func Record(ctx context.Context, q db.Queryer, action, targetType string, targetID any, details map[string]any) error {
	a := ActorFrom(ctx)
	var actorID *int64
	if a.UserID != 0 {
		actorID = &a.UserID
	}
	if details == nil {
		details = map[string]any{}
	}
	b, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("audit: encode details: %w", err)
	}
	target := ""
	if targetID != nil {
		target = fmt.Sprint(targetID)
	}
	_, err = q.ExecContext(ctx, `
		INSERT INTO audit_log (at, actor_id, actor, action, target_type, target_id, details, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		db.Time(db.Now()), actorID, a.Label, action, targetType, target, string(b), a.IP)
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", action, err)
	}
	return nil
}

// Filter narrows a listing of the log. Entries come newest first, in pages
// that end before the entry with id Before.
type Filter struct {
	Action string
	Before int64
	Limit  int
}

// MaxLimit bounds one page of the audit log.
const MaxLimit = 500

// List returns entries newest first.
func List(ctx context.Context, q db.Queryer, f Filter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > MaxLimit {
		f.Limit = 100
	}
	rows, err := q.QueryContext(ctx, `
		SELECT id, at, actor_id, actor, action, target_type, target_id, details, ip
		FROM audit_log
		WHERE ($1 = '' OR action = $1) AND ($2 = 0 OR id < $2)
		ORDER BY id DESC
		LIMIT $3`, f.Action, f.Before, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var details string
		if err := rows.Scan(&e.ID, db.ScanTime(&e.At), &e.ActorID, &e.Actor, &e.Action,
			&e.TargetType, &e.TargetID, &details, &e.IP); err != nil {
			return nil, fmt.Errorf("audit: scan: %w", err)
		}
		if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
			return nil, fmt.Errorf("audit: decode details of %d: %w", e.ID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
