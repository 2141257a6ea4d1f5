package outbound

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// maxQuoted bounds the quoted history of one mail: the latest messages are
// what a customer scrolls back to, and a year-long ticket must not make
// every reply a megabyte.
const maxQuoted = 25

// quoted is an earlier public message of the conversation, as a reply
// quotes it below itself.
type quoted struct {
	Author string
	At     time.Time
	Body   string
}

// replyBody is what an agent's reply says in mail: the reply, the agent's
// signature, then the conversation so far, newest first.
type replyBody struct {
	Text      string
	HTML      string // the reply as sanitised HTML; "" when written as plain text
	Signature string // plain text
	History   []quoted
	Zone      *time.Location // the zone the history's dates are written in
}

// text is the text/plain part: the signature after the customary "-- "
// line, each earlier message quoted with "> " under who wrote it when.
func (b replyBody) text() string {
	var s strings.Builder
	s.WriteString(strings.TrimRight(b.Text, "\r\n\t "))
	if b.Signature != "" {
		s.WriteString("\n\n-- \n")
		s.WriteString(b.Signature)
	}
	for _, q := range b.History {
		s.WriteString("\n\n")
		s.WriteString(attribution(q, b.Zone))
		s.WriteString("\n")
		s.WriteString(quoteText(q.Body))
	}
	return s.String()
}

// html is the text/html part: the reply, the signature escaped, and the
// history in blockquotes that mail clients fold away.
func (b replyBody) html() string {
	var s strings.Builder
	s.WriteString("<!DOCTYPE html><html><body>\n")
	if strings.TrimSpace(b.HTML) != "" {
		s.WriteString(b.HTML)
		s.WriteString("\n")
	} else {
		s.WriteString(paragraphs(b.Text))
	}
	if b.Signature != "" {
		s.WriteString(`<div class="signature" style="color:#555">`)
		s.WriteString(paragraphs(b.Signature))
		s.WriteString("</div>\n")
	}
	if len(b.History) > 0 {
		s.WriteString(`<div class="gmail_quote quoted-history">` + "\n")
		for _, q := range b.History {
			s.WriteString(`<p class="gmail_attr">`)
			s.WriteString(html.EscapeString(attribution(q, b.Zone)))
			s.WriteString("</p>\n")
			s.WriteString(`<blockquote type="cite" style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">` + "\n")
			s.WriteString(paragraphs(q.Body))
			s.WriteString("</blockquote>\n")
		}
		s.WriteString("</div>\n")
	}
	s.WriteString("</body></html>\n")
	return s.String()
}

// attribution is the line above a quoted message: "On Mon, 7 Dec 2026 at
// 14:05 UTC, Ann wrote:".
func attribution(q quoted, zone *time.Location) string {
	return fmt.Sprintf("On %s, %s wrote:", mailDate(q.At, zone), q.Author)
}

// mailDate writes a date as mail to customers shows it, in the desk's
// zone, naming the zone so it is never ambiguous.
func mailDate(t time.Time, zone *time.Location) string {
	if zone == nil {
		zone = time.UTC
	}
	return t.In(zone).Format("Mon, 2 Jan 2006 at 15:04 MST")
}

// quoteText prefixes every line with "> " (a blank line with ">"), as
// RFC 3676 clients quote.
func quoteText(body string) string {
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(body, "\r\n", "\n"), "\n "), "\n")
	for i, l := range lines {
		if l == "" {
			lines[i] = ">"
		} else {
			lines[i] = "> " + l
		}
	}
	return strings.Join(lines, "\n")
}

// paragraphs is plain text as escaped HTML paragraphs, line breaks kept.
func paragraphs(text string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(linkify(strings.Trim(para, "\n")), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	return b.String()
}

// history returns the public messages of a ticket before message before,
// newest first, with who wrote them: a customer by name (else address), an
// agent by name, anything else as the mailbox that sent it.
func history(ctx context.Context, q db.Queryer, ticketID, before int64, mailboxName string) ([]quoted, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT m.created_at, m.body_text, CASE m.author_type
			WHEN 'agent' THEN COALESCE((SELECT u.name FROM users u WHERE u.id = m.author_id), '')
			WHEN 'customer' THEN COALESCE((SELECT COALESCE(NULLIF(c.name, ''), (SELECT i.value FROM customer_identities i
				WHERE i.customer_id = c.id AND i.kind = 'email' ORDER BY i.created_at, i.value LIMIT 1), '')
				FROM customers c WHERE c.id = m.author_id), '')
			ELSE '' END
		FROM messages m WHERE m.ticket_id = $1 AND m.kind = 'reply' AND m.id < $2
		ORDER BY m.id DESC LIMIT $3`, ticketID, before, maxQuoted)
	if err != nil {
		return nil, fmt.Errorf("outbound: history of %d: %w", ticketID, err)
	}
	defer rows.Close()
	var out []quoted
	for rows.Next() {
		var h quoted
		if err := rows.Scan(db.ScanTime(&h.At), &h.Body, &h.Author); err != nil {
			return nil, fmt.Errorf("outbound: scan history: %w", err)
		}
		if h.Author == "" {
			h.Author = mailboxName
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// signatureOf returns an agent's signature, "" for none (or a user since
// deleted).
func signatureOf(ctx context.Context, q db.Queryer, userID *int64) (string, error) {
	if userID == nil {
		return "", nil
	}
	var sig string
	err := q.QueryRowContext(ctx, `SELECT signature FROM users WHERE id = $1`, *userID).Scan(&sig)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("outbound: signature of %d: %w", *userID, err)
	}
	return sig, nil
}
