package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
)

// TagCount is a tag and how many tickets carry it.
type TagCount struct {
	Name    string `json:"name"`
	Tickets int64  `json:"tickets"`
}

// retagBatch is how many tickets a rename reads at a time: each ticket
// changes in its own short transaction, so a rename of a popular tag never
// holds the writer for long.
const retagBatch = 200

// MaxTagLimit bounds one listing of tags.
const MaxTagLimit = 1000

// Tags lists the tags in use, most used first, optionally only those that
// start with prefix.
func (s *Service) Tags(ctx context.Context, prefix string, limit int) ([]TagCount, error) {
	if limit <= 0 || limit > MaxTagLimit {
		limit = 100
	}
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `
		SELECT tag, COUNT(*) FROM ticket_tags WHERE tag LIKE $1 ESCAPE '\'
		GROUP BY tag ORDER BY COUNT(*) DESC, tag LIMIT $2`, likePrefix(prefix), limit)
	if err != nil {
		return nil, fmt.Errorf("ticket: list tags: %w", err)
	}
	defer rows.Close()
	out := []TagCount{}
	for rows.Next() {
		var c TagCount
		if err := rows.Scan(&c.Name, &c.Tickets); err != nil {
			return nil, fmt.Errorf("ticket: scan tag: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// likePrefix makes a LIKE pattern that matches strings starting with p,
// whatever wildcards p holds.
func likePrefix(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(p) + "%"
}

// RenameTag replaces the tag from with to on every ticket that has it,
// merging into to where a ticket already has both. Each ticket records a
// ticket.tags_changed event. It is safe to run again after a failure: it
// picks up the tickets that still carry from.
func (s *Service) RenameTag(ctx context.Context, from, to string) (int, error) {
	norm, err := normalizeTags([]string{to})
	if err != nil {
		return 0, apperr.Invalid("name", "%s", strings.TrimPrefix(err.Error(), "tags: "))
	}
	return s.retagAll(ctx, from, norm[0])
}

// DeleteTag removes the tag from every ticket that has it.
func (s *Service) DeleteTag(ctx context.Context, tag string) (int, error) {
	return s.retagAll(ctx, tag, "")
}

func (s *Service) retagAll(ctx context.Context, from, to string) (int, error) {
	from = strings.ToLower(strings.TrimSpace(from))
	if from == to {
		return 0, nil
	}
	if err := s.tagInUse(ctx, from); err != nil {
		return 0, err
	}
	changed := 0
	for {
		ids, err := s.ticketsTagged(ctx, from)
		if err != nil {
			return changed, err
		}
		if len(ids) == 0 {
			return changed, s.auditRetag(ctx, from, to, changed)
		}
		for _, id := range ids {
			if err := s.retag(ctx, id, from, to); err != nil {
				return changed, err
			}
			changed++
		}
	}
}

// auditRetag records a finished rename or deletion once, not per ticket:
// each ticket's own history already has its event.
func (s *Service) auditRetag(ctx context.Context, from, to string, tickets int) error {
	action, details := "tag.renamed", map[string]any{"from": from, "to": to, "tickets": tickets}
	if to == "" {
		action, details = "tag.deleted", map[string]any{"tag": from, "tickets": tickets}
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return audit.Record(ctx, tx, action, "tag", from, details)
	})
}

func (s *Service) tagInUse(ctx context.Context, tag string) error {
	var n int
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM ticket_tags WHERE tag = $1`, tag).Scan(&n)
	if err != nil {
		return fmt.Errorf("ticket: find tag %q: %w", tag, err)
	}
	if n == 0 {
		return apperr.NotFound("tag")
	}
	return nil
}

func (s *Service) ticketsTagged(ctx context.Context, tag string) ([]int64, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx,
		`SELECT ticket_id FROM ticket_tags WHERE tag = $1 ORDER BY ticket_id LIMIT $2`, tag, retagBatch)
	if err != nil {
		return nil, fmt.Errorf("ticket: tickets tagged %q: %w", tag, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("ticket: scan tagged ticket: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// retag swaps one tag of one ticket, with its event, in one transaction.
func (s *Service) retag(ctx context.Context, id int64, from, to string) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := lockTicket(ctx, tx, id); err != nil {
			return err
		}
		t, err := getTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		tags := slices.DeleteFunc(slices.Clone(t.Tags), func(tag string) bool { return tag == from })
		if to != "" {
			tags = append(tags, to)
		}
		if tags, err = normalizeTags(tags); err != nil {
			return err
		}
		if slices.Equal(tags, t.Tags) {
			return nil
		}
		c := change{"ticket.tags_changed", "tags", t.Tags, tags}
		t.Tags = tags
		return s.save(ctx, tx, t, []change{c})
	})
}
