// Package customerdata is what tickets hold of one customer, moved or
// erased as a whole: merging two customers (MoveCustomer) and erasing one at
// their request (ScrubCustomer). Both run in the caller's transaction
// (internal/privacy runs them beside the customer's own rows). It belongs to
// the ticket domain, which owns the rows it changes: tickets, messages,
// followers, field values and ticket events.
package customerdata

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// Events of a customer's data changing on a ticket.
const (
	EventCustomerMerged = "ticket.customer_merged"
	EventCustomerErased = "ticket.customer_erased"
)

// Placeholders that replace erased text.
const (
	ErasedSubject = "(erased)"
	ErasedBody    = "(This message was erased at the customer's request.)"
	erasedText    = "(erased)"
)

// CustomerMove counts what MoveCustomer moved.
type CustomerMove struct {
	TicketIDs []int64 `json:"ticket_ids"` // every ticket that changed, with an event each
	Requested int64   `json:"requested"`  // tickets whose requester changed
	Messages  int64   `json:"messages"`   // messages whose author changed
	Followed  int64   `json:"followed"`   // tickets the survivor now follows in the merged customer's stead
}

// MoveCustomer makes customer into take customer from's place on every
// ticket: as requester, as author of messages, as follower, and as the
// actor of events, and appends ticket.customer_merged to each ticket that
// changed. A follower row that would duplicate into's own (or into's role
// as requester) is dropped.
func MoveCustomer(ctx context.Context, tx *sql.Tx, from, into int64) (*CustomerMove, error) {
	requested, err := ids(ctx, tx, `SELECT id FROM tickets WHERE requester_id = $1`, from)
	if err != nil {
		return nil, err
	}
	touched, err := customerTickets(ctx, tx, from)
	if err != nil {
		return nil, err
	}
	for _, id := range touched {
		if err := ticket.Lock(ctx, tx, id); err != nil {
			return nil, err
		}
	}
	mv := &CustomerMove{TicketIDs: touched, Requested: int64(len(requested))}
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET requester_id = $1 WHERE requester_id = $2`, into, from); err != nil {
		return nil, fmt.Errorf("customerdata: move requester %d: %w", from, err)
	}
	if mv.Messages, err = execCount(ctx, tx, `UPDATE messages SET author_id = $1
		WHERE author_type = 'customer' AND author_id = $2`, into, from); err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM ticket_followers WHERE customer_id = $1 AND (
		ticket_id IN (SELECT ticket_id FROM ticket_followers WHERE customer_id = $2)
		OR ticket_id IN (SELECT id FROM tickets WHERE requester_id = $2))`, from, into)
	if err != nil {
		return nil, fmt.Errorf("customerdata: drop duplicate followers of %d: %w", from, err)
	}
	if mv.Followed, err = execCount(ctx, tx, `UPDATE ticket_followers SET customer_id = $1 WHERE customer_id = $2`,
		into, from); err != nil {
		return nil, err
	}
	// into may have followed a ticket they now requested.
	_, err = tx.ExecContext(ctx, `DELETE FROM ticket_followers WHERE customer_id = $1
		AND ticket_id IN (SELECT id FROM tickets WHERE requester_id = $1)`, into)
	if err != nil {
		return nil, fmt.Errorf("customerdata: drop followers who request: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE events SET actor_id = $1 WHERE actor_type = 'customer' AND actor_id = $2`,
		into, from); err != nil {
		return nil, fmt.Errorf("customerdata: move event actor %d: %w", from, err)
	}
	for _, id := range touched {
		e := &events.Event{TicketID: id, Type: EventCustomerMerged, Data: map[string]any{
			"from_customer_id": from, "into_customer_id": into, "requester": slices.Contains(requested, id)}}
		if err := events.Append(ctx, tx, e); err != nil {
			return nil, err
		}
	}
	return mv, nil
}

// customerTickets returns, in id order, every ticket customer takes part
// in: as requester, as the author of a message, or as a follower.
func customerTickets(ctx context.Context, q db.Queryer, customer int64) ([]int64, error) {
	return ids(ctx, q, `
		SELECT id FROM tickets WHERE requester_id = $1
		UNION SELECT ticket_id FROM messages WHERE author_type = 'customer' AND author_id = $1
		UNION SELECT ticket_id FROM ticket_followers WHERE customer_id = $1
		ORDER BY 1`, customer)
}

// CustomerScrub says what ScrubCustomer removed.
type CustomerScrub struct {
	TicketIDs   []int64 `json:"ticket_ids"`  // every ticket the customer took part in
	Requested   []int64 `json:"requested"`   // tickets they requested, whose subjects were erased
	MessageIDs  []int64 `json:"message_ids"` // the customer's messages, whose bodies were erased
	Attachments int64   `json:"attachments"` // attachments deleted from those messages
	Events      int64   `json:"events"`      // event payloads rewritten
}

// ScrubCustomer erases what tickets hold of customer: the bodies of every
// message they wrote (text and HTML) become ErasedBody and those messages'
// attachments are deleted (their files go when no other attachment uses
// them: see attachment.Service.CollectOrphans); the subjects of the
// tickets they requested become ErasedSubject; they stop following
// tickets; and every secret (their addresses, numbers, name) is cut out of
// other messages on their tickets and out of those tickets' event payloads,
// where subjects are erased too. The full-text indexes follow the rows in
// the same transaction (triggers on SQLite, generated columns on
// PostgreSQL). Each ticket gets a ticket.customer_erased event.
func ScrubCustomer(ctx context.Context, tx *sql.Tx, customer int64, secrets []string) (*CustomerScrub, error) {
	touched, err := customerTickets(ctx, tx, customer)
	if err != nil {
		return nil, err
	}
	requested, err := ids(ctx, tx, `SELECT id FROM tickets WHERE requester_id = $1`, customer)
	if err != nil {
		return nil, err
	}
	msgs, err := ids(ctx, tx, `SELECT id FROM messages WHERE author_type = 'customer' AND author_id = $1 ORDER BY id`, customer)
	if err != nil {
		return nil, err
	}
	sc := &CustomerScrub{TicketIDs: touched, Requested: requested, MessageIDs: msgs}
	for _, id := range touched {
		if err := ticket.Lock(ctx, tx, id); err != nil {
			return nil, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET body_text = $1, body_html = NULL
		WHERE author_type = 'customer' AND author_id = $2`, ErasedBody, customer); err != nil {
		return nil, fmt.Errorf("customerdata: erase messages of %d: %w", customer, err)
	}
	if sc.Attachments, err = attachment.DeleteForMessages(ctx, tx, msgs); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET subject = $1 WHERE requester_id = $2`,
		ErasedSubject, customer); err != nil {
		return nil, fmt.Errorf("customerdata: erase subjects of %d: %w", customer, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM ticket_followers WHERE customer_id = $1`, customer); err != nil {
		return nil, fmt.Errorf("customerdata: erase follows of %d: %w", customer, err)
	}
	re := secretPattern(secrets)
	if err := scrubOtherMessages(ctx, tx, touched, customer, re); err != nil {
		return nil, err
	}
	if err := scrubFieldValues(ctx, tx, touched, re); err != nil {
		return nil, err
	}
	if sc.Events, err = scrubEvents(ctx, tx, touched, requested, re); err != nil {
		return nil, err
	}
	for _, id := range touched {
		e := &events.Event{TicketID: id, Type: EventCustomerErased, Data: map[string]any{"customer_id": customer}}
		if err := events.Append(ctx, tx, e); err != nil {
			return nil, err
		}
	}
	return sc, nil
}

// secretPattern matches any of secrets, ignoring case; nil when there are
// none worth matching (very short strings would cut ordinary words).
func secretPattern(secrets []string) *regexp.Regexp {
	var alts []string
	for _, s := range secrets {
		if s = strings.TrimSpace(s); len([]rune(s)) >= 3 {
			alts = append(alts, s)
		}
	}
	if len(alts) == 0 {
		return nil
	}
	// Longest first, so that an address wins over a name inside it.
	slices.SortFunc(alts, func(a, b string) int { return len(b) - len(a) })
	for i, s := range alts {
		if phone.MatchString(s) {
			alts[i] = phonePattern(s)
		} else {
			alts[i] = regexp.QuoteMeta(s)
		}
	}
	return regexp.MustCompile(`(?i)` + strings.Join(alts, "|"))
}

// phone is a number as customer identities store it (E.164).
var phone = regexp.MustCompile(`^\+[0-9]{6,}$`)

// phonePattern matches an E.164 number however people write it: with + or
// 00 before the country code, and spaces, dashes, dots or brackets between
// the digits ("+44 (20) 7946-0958").
func phonePattern(e164 string) string {
	var b strings.Builder
	b.WriteString(`(?:\+|00)`)
	for i, d := range e164[1:] {
		if i > 0 {
			b.WriteString(`[\s().-]{0,3}`)
		}
		b.WriteRune(d)
	}
	return b.String()
}

// scrub replaces re's matches in s that stand as whole words: a match
// that starts (ends) with a letter or digit must not have one just before
// (after) it, so that the name "Ada" leaves "Canada" alone. Go's \b knows
// only ASCII, which would miss "Zoë" at the end of a sentence.
func scrub(re *regexp.Regexp, s string) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		first, _ := utf8.DecodeRuneInString(s[m[0]:])
		end, _ := utf8.DecodeLastRuneInString(s[:m[1]])
		before, _ := utf8.DecodeLastRuneInString(s[:m[0]])
		after, _ := utf8.DecodeRuneInString(s[m[1]:])
		if (isWord(first) && m[0] > 0 && isWord(before)) || (isWord(end) && m[1] < len(s) && isWord(after)) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(erasedText)
		last = m[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// scrubFieldValues cuts the secrets out of the text custom fields of the
// tickets (a "callback number" field, say). Dropdowns hold one of the
// admin's choices, not what a customer wrote, and are left alone.
func scrubFieldValues(ctx context.Context, tx *sql.Tx, tickets []int64, re *regexp.Regexp) error {
	if re == nil {
		return nil
	}
	type value struct {
		ticket, field int64
		text          string
	}
	var changed []value
	for part := range slices.Chunk(tickets, 500) {
		marks, args := db.InList(1, part)
		rows, err := tx.QueryContext(ctx, `SELECT v.ticket_id, v.field_id, v.value_text
			FROM ticket_field_values v JOIN custom_fields f ON f.id = v.field_id
			WHERE f.type = 'text' AND v.value_text IS NOT NULL AND v.ticket_id IN (`+marks+`)`, args...)
		if err != nil {
			return fmt.Errorf("customerdata: read field values to scrub: %w", err)
		}
		for rows.Next() {
			var v value
			if err := rows.Scan(&v.ticket, &v.field, &v.text); err != nil {
				rows.Close()
				return fmt.Errorf("customerdata: scan field value to scrub: %w", err)
			}
			if text := scrub(re, v.text); text != v.text {
				v.text = text
				changed = append(changed, v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("customerdata: read field values to scrub: %w", err)
		}
	}
	for _, v := range changed {
		if _, err := tx.ExecContext(ctx, `UPDATE ticket_field_values SET value_text = $1
			WHERE ticket_id = $2 AND field_id = $3`, v.text, v.ticket, v.field); err != nil {
			return fmt.Errorf("customerdata: scrub field value: %w", err)
		}
	}
	return nil
}

// scrubOtherMessages cuts the secrets out of the messages others wrote on
// tickets (an agent's "Hi Ada", a quoted address).
func scrubOtherMessages(ctx context.Context, tx *sql.Tx, tickets []int64, customer int64, re *regexp.Regexp) error {
	if re == nil {
		return nil
	}
	type body struct {
		id         int64
		text, html string
		hasHTML    bool
	}
	var changed []body
	for part := range slices.Chunk(tickets, 500) {
		marks, args := db.InList(2, part)
		rows, err := tx.QueryContext(ctx, `SELECT id, body_text, body_html FROM messages
			WHERE NOT (author_type = 'customer' AND author_id = $1) AND ticket_id IN (`+marks+`)`,
			append([]any{customer}, args...)...)
		if err != nil {
			return fmt.Errorf("customerdata: read messages to scrub: %w", err)
		}
		for rows.Next() {
			var (
				b    body
				html sql.NullString
			)
			if err := rows.Scan(&b.id, &b.text, &html); err != nil {
				rows.Close()
				return fmt.Errorf("customerdata: scan message to scrub: %w", err)
			}
			b.html, b.hasHTML = html.String, html.Valid
			text, htmlText := scrub(re, b.text), scrub(re, b.html)
			if text != b.text || htmlText != b.html {
				b.text, b.html = text, htmlText
				changed = append(changed, b)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("customerdata: read messages to scrub: %w", err)
		}
	}
	for _, b := range changed {
		var html any
		if b.hasHTML {
			html = b.html
		}
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET body_text = $1, body_html = $2 WHERE id = $3`,
			b.text, html, b.id); err != nil {
			return fmt.Errorf("customerdata: scrub message %d: %w", b.id, err)
		}
	}
	return nil
}

// scrubEvents rewrites the payloads of the tickets' events: subjects of
// the requested tickets (ticket.created, ticket.subject_changed) are
// erased, and the secrets are cut out of every string. It returns how many
// events changed.
func scrubEvents(ctx context.Context, tx *sql.Tx, tickets, requested []int64, re *regexp.Regexp) (int64, error) {
	type ev struct {
		id   int64
		data string
	}
	var changed []ev
	for part := range slices.Chunk(tickets, 500) {
		marks, args := db.InList(1, part)
		rows, err := tx.QueryContext(ctx, `SELECT id, ticket_id, type, data FROM events
			WHERE ticket_id IN (`+marks+`)`, args...)
		if err != nil {
			return 0, fmt.Errorf("customerdata: read events to scrub: %w", err)
		}
		for rows.Next() {
			var (
				e        ev
				ticketID int64
				typ      string
			)
			if err := rows.Scan(&e.id, &ticketID, &typ, &e.data); err != nil {
				rows.Close()
				return 0, fmt.Errorf("customerdata: scan event to scrub: %w", err)
			}
			out, ok, err := scrubEventData(e.data, typ, slices.Contains(requested, ticketID), re)
			if err != nil {
				rows.Close()
				return 0, fmt.Errorf("customerdata: event %d: %w", e.id, err)
			}
			if ok {
				changed = append(changed, ev{e.id, out})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, fmt.Errorf("customerdata: read events to scrub: %w", err)
		}
	}
	for _, e := range changed {
		if _, err := tx.ExecContext(ctx, `UPDATE events SET data = $1 WHERE id = $2`, e.data, e.id); err != nil {
			return 0, fmt.Errorf("customerdata: scrub event %d: %w", e.id, err)
		}
	}
	return int64(len(changed)), nil
}

// scrubEventData returns an event's payload with the subject erased (on a
// ticket the customer requested) and the secrets cut out, and whether it
// changed.
func scrubEventData(data, typ string, requested bool, re *regexp.Regexp) (string, bool, error) {
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(data))
	dec.UseNumber() // ids stay exact
	if err := dec.Decode(&m); err != nil {
		return "", false, err
	}
	before, err := json.Marshal(m) // as stored, but in the form compared below
	if err != nil {
		return "", false, err
	}
	if requested {
		if _, ok := m["subject"]; ok && typ == ticket.EventCreated {
			m["subject"] = ErasedSubject
		}
		if m["field"] == "subject" {
			m["before"], m["after"] = ErasedSubject, ErasedSubject
		}
	}
	if re != nil {
		m = scrubValue(m, re).(map[string]any)
	}
	after, err := json.Marshal(m)
	if err != nil {
		return "", false, err
	}
	return string(after), string(after) != string(before), nil
}

// scrubValue cuts re's matches out of every string in v.
func scrubValue(v any, re *regexp.Regexp) any {
	switch x := v.(type) {
	case string:
		return scrub(re, x)
	case map[string]any:
		for k, e := range x {
			x[k] = scrubValue(e, re)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = scrubValue(e, re)
		}
		return x
	}
	return v
}

// ids runs a query that selects one id column.
func ids(ctx context.Context, q db.Queryer, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("customerdata: customer data: %w", err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("customerdata: customer data: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func execCount(ctx context.Context, tx *sql.Tx, query string, args ...any) (int64, error) {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("customerdata: customer data: %w", err)
	}
	return res.RowsAffected()
}
