package ticket

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/field"
)

// MaxFieldValues bounds how many custom fields one request may set; a desk
// has far fewer fields than this.
const MaxFieldValues = 100

// EventFieldChanged is the event of one custom field's value changing.
const EventFieldChanged = "ticket.field_changed"

// fieldWrite is a custom field value to store for a ticket; a nil value
// removes it.
type fieldWrite struct {
	field *field.Field
	value *field.Value
}

// applyFields checks values against the field definitions and sets them on
// t, returning one change (for its event) and one write per field whose
// value changed. A nil value clears the field.
func applyFields(ctx context.Context, q db.Queryer, t *Ticket, values map[string]any) ([]change, []fieldWrite, error) {
	if len(values) == 0 {
		return nil, nil, nil
	}
	if len(values) > MaxFieldValues {
		return nil, nil, apperr.Invalid("custom_fields", "a request sets at most %d custom fields", MaxFieldValues)
	}
	keys := slices.Sorted(maps.Keys(values))
	defs, err := field.ByKeys(ctx, q, keys)
	if err != nil {
		return nil, nil, err
	}
	var (
		changes []change
		writes  []fieldWrite
	)
	for _, key := range keys {
		f, ok := defs[key]
		if !ok {
			return nil, nil, apperr.Unprocessable("custom_fields."+key, "no custom field has this key")
		}
		v, err := f.Parse(values[key])
		if err != nil {
			return nil, nil, err
		}
		if v != nil && f.Archived {
			return nil, nil, apperr.Unprocessable(f.ErrorField(), "is archived and takes no new values")
		}
		before, after := t.CustomFields[key], v.Any()
		if reflect.DeepEqual(before, after) {
			continue
		}
		changes = append(changes, change{EventFieldChanged, f.ErrorField(), before, after})
		writes = append(writes, fieldWrite{f, v})
		if after == nil {
			delete(t.CustomFields, key)
		} else {
			t.CustomFields[key] = after
		}
	}
	return changes, writes, nil
}

// checkRequiredOnSolve refuses to solve or close t while a field required
// on solving has no value. It runs only when the status moves into solved
// or closed, so a field made required later does not lock old tickets.
func checkRequiredOnSolve(ctx context.Context, q db.Queryer, t *Ticket) error {
	required, err := field.RequiredOnSolve(ctx, q)
	if err != nil {
		return err
	}
	for _, key := range slices.Sorted(maps.Keys(required)) {
		if _, ok := t.CustomFields[key]; !ok {
			return apperr.Unprocessable(required[key].ErrorField(), "is required to set the status to %s", t.Status)
		}
	}
	return nil
}

// writeFields stores the values of writes for ticket id.
func writeFields(ctx context.Context, q db.Queryer, id int64, writes []fieldWrite) error {
	for _, w := range writes {
		var err error
		if w.value == nil {
			_, err = q.ExecContext(ctx, `DELETE FROM ticket_field_values WHERE ticket_id = $1 AND field_id = $2`,
				id, w.field.ID)
		} else {
			v := w.value
			_, err = q.ExecContext(ctx, `
				INSERT INTO ticket_field_values (ticket_id, field_id, value_text, value_number, value_date, value_bool)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (ticket_id, field_id) DO UPDATE SET value_text = excluded.value_text,
					value_number = excluded.value_number, value_date = excluded.value_date,
					value_bool = excluded.value_bool`,
				id, w.field.ID, v.Text, v.Number, v.Date, v.Bool)
		}
		if err != nil {
			return fmt.Errorf("ticket: write field %s of %d: %w", w.field.Key, id, err)
		}
	}
	return nil
}

// loadFieldValues fills the custom field values of a page of tickets in one
// query.
func loadFieldValues(ctx context.Context, q db.Queryer, tickets []*Ticket) error {
	if len(tickets) == 0 {
		return nil
	}
	byID := make(map[int64]*Ticket, len(tickets))
	args := make([]any, len(tickets))
	for i, t := range tickets {
		byID[t.ID] = t
		args[i] = t.ID
	}
	rows, err := q.QueryContext(ctx, `
		SELECT v.ticket_id, f.key, v.value_text, v.value_number, v.value_date, v.value_bool
		FROM ticket_field_values v JOIN custom_fields f ON f.id = v.field_id
		WHERE v.ticket_id IN (`+marks(len(args))+`)`, args...)
	if err != nil {
		return fmt.Errorf("ticket: load field values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id   int64
			key  string
			v    field.Value
			date dateColumn
		)
		if err := rows.Scan(&id, &key, &v.Text, &v.Number, &date, &v.Bool); err != nil {
			return fmt.Errorf("ticket: scan field value: %w", err)
		}
		v.Date = date.s
		byID[id].CustomFields[key] = v.Any()
	}
	return rows.Err()
}

// dateColumn scans a date value: TEXT on SQLite, DATE on PostgreSQL.
type dateColumn struct{ s *string }

func (d *dateColumn) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		d.s = nil
		return nil
	case time.Time:
		s = v.Format(field.DateLayout)
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("ticket: cannot scan %T into a date", src)
	}
	d.s = &s
	return nil
}
