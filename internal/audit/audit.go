// Package audit keeps the log of sign-ins, failed sign-ins and every change
// an admin makes. Entries are written in the same transaction as the change
// they describe, so the log never claims a change that did not happen.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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
	// ActorName and TargetName are the people's names as they are now
	// ("" when the entry is not about a user, or the user is gone).
	ActorName  string `json:"actor_name,omitempty"`
	TargetName string `json:"target_name,omitempty"`
	// Sentence is the entry in words (see Sentence).
	Sentence string `json:"sentence"`
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
	Action  string
	ActorID int64     // 0 for anyone
	From    time.Time // zero for no lower bound
	Until   time.Time // entries before this; zero for no upper bound
	Before  int64
	Limit   int
}

// MaxLimit bounds one page of the audit log.
const MaxLimit = 500

// where builds the filter's conditions; every value is a parameter.
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if f.Action != "" {
		add("a.action = $%d", f.Action)
	}
	if f.ActorID != 0 {
		add("a.actor_id = $%d", f.ActorID)
	}
	if !f.From.IsZero() {
		add("a.at >= $%d", db.Time(f.From))
	}
	if !f.Until.IsZero() {
		add("a.at < $%d", db.Time(f.Until))
	}
	if f.Before != 0 {
		add("a.id < $%d", f.Before)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return "WHERE " + strings.Join(conds, " AND "), args
}

// List returns entries newest first, each with its sentence.
func List(ctx context.Context, q db.Queryer, f Filter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > MaxLimit {
		f.Limit = 100
	}
	where, args := f.where()
	args = append(args, f.Limit)
	rows, err := q.QueryContext(ctx, `
		SELECT a.id, a.at, a.actor_id, a.actor, a.action, a.target_type, a.target_id, a.details, a.ip,
			COALESCE(u.name, ''), COALESCE(t.name, '')
		FROM audit_log a
		LEFT JOIN users u ON u.id = a.actor_id
		LEFT JOIN users t ON a.target_type = 'user' AND CAST(t.id AS TEXT) = a.target_id
		`+where+`
		ORDER BY a.id DESC
		LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var details string
		if err := rows.Scan(&e.ID, db.ScanTime(&e.At), &e.ActorID, &e.Actor, &e.Action,
			&e.TargetType, &e.TargetID, &details, &e.IP, &e.ActorName, &e.TargetName); err != nil {
			return nil, fmt.Errorf("audit: scan: %w", err)
		}
		if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
			return nil, fmt.Errorf("audit: decode details of %d: %w", e.ID, err)
		}
		e.Sentence = Sentence(e)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Actions returns every action the log holds, for a filter's choices.
func Actions(ctx context.Context, q db.Queryer) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT action FROM audit_log ORDER BY action`)
	if err != nil {
		return nil, fmt.Errorf("audit: actions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("audit: scan action: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ActionLabel names an action for a filter's choices: "user.sign_in" is
// "User: signed in".
func ActionLabel(action string) string {
	kind, _, _ := strings.Cut(action, ".")
	kind = strings.ReplaceAll(kind, "_", " ")
	if kind != "" {
		kind = strings.ToUpper(kind[:1]) + kind[1:]
	}
	return kind + ": " + verbOf(action)
}
