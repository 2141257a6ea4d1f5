package privacy

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/ticket/customerdata"
)

// Erasure says what erasing a customer removed.
type Erasure struct {
	Customer *customer.Customer `json:"customer"` // as they are now: anonymised
	customerdata.CustomerScrub
	EmailRows int64 `json:"email_rows"` // raw email records deleted or scrubbed
	Jobs      int64 `json:"jobs"`       // queued or finished jobs (mail to them) deleted
}

// Erase removes or anonymises customer id's personal data everywhere, in
// one transaction: their name becomes customer.ErasedName and their notes,
// organization and identities go; the bodies of their messages and the
// subjects of their tickets are replaced by placeholders (and so leave the
// search indexes); their attachments, including the raw mail kept as
// received, are deleted; the email records of their messages are deleted
// and their addresses cut out of the others; their addresses, numbers and
// name are cut out of other messages, event payloads, audit details, stored
// API answers and jobs. The customer row stays, so their tickets keep
// their history, with a ticket.customer_erased event each and a
// customer.erased audit entry that records the erasure but nothing erased.
//
// Files no other attachment shares are removed once the transaction has
// committed (or, when ctx carries an outer transaction, by the periodic
// collector). Erasing a customer again is harmless.
func (s *Service) Erase(ctx context.Context, id int64) (*Erasure, error) {
	var out *Erasure
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		before, err := customer.Anonymise(ctx, tx, id)
		if err != nil {
			return err
		}
		secrets, emails := secretsOf(before)
		sc, err := customerdata.ScrubCustomer(ctx, tx, id, secrets)
		if err != nil {
			return err
		}
		out = &Erasure{CustomerScrub: *sc}
		if out.EmailRows, err = scrubEmailRows(ctx, tx, sc, emails, secrets); err != nil {
			return err
		}
		if out.Jobs, err = scrubStored(ctx, tx, id, emails); err != nil {
			return err
		}
		if out.Customer, err = customer.Get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "customer.erased", "customer", id, map[string]any{
			"tickets": len(sc.TicketIDs), "messages": len(sc.MessageIDs), "attachments": sc.Attachments,
			"email_rows": out.EmailRows, "events": sc.Events})
	})
	if err != nil {
		return nil, err
	}
	s.collect(ctx, out)
	return out, nil
}

// collect removes the erased attachments' files that nothing else uses.
// A failure is logged, not returned: the erasure committed, and the
// periodic collector will remove the files.
func (s *Service) collect(ctx context.Context, e *Erasure) {
	if s.attachments == nil || e.Attachments == 0 || s.db.InTransaction(ctx) {
		return
	}
	if _, err := s.attachments.CollectOrphans(ctx); err != nil {
		s.log.Error("privacy: collect erased attachments", "customer", e.Customer.ID, "err", err)
	}
}

// secretsOf returns the strings that identify c: every identity and the
// name; and the email addresses alone.
func secretsOf(c *customer.Customer) (secrets, emails []string) {
	for _, i := range c.Identities {
		secrets = append(secrets, i.Value)
		if i.Kind == customer.KindEmail {
			emails = append(emails, i.Value)
		}
	}
	if c.ErasedAt == nil && c.Name != customer.ErasedName && !slices.Contains(secrets, c.Name) {
		secrets = append(secrets, c.Name)
	}
	return secrets, emails
}

// scrubEmailRows deletes the email records of the customer's own messages
// (their headers, addresses and the link to the raw mail) and cuts their
// addresses out of the records of the other messages on their tickets,
// erasing the subjects of those on tickets they requested. It returns how
// many records it deleted or changed.
func scrubEmailRows(ctx context.Context, tx *sql.Tx, sc *customerdata.CustomerScrub, emails, secrets []string) (int64, error) {
	var n int64
	for part := range slices.Chunk(sc.MessageIDs, 500) {
		marks, args := db.InList(1, part)
		res, err := tx.ExecContext(ctx, `DELETE FROM email_messages WHERE message_id IN (`+marks+`)`, args...)
		if err != nil {
			return n, fmt.Errorf("privacy: delete email records: %w", err)
		}
		k, err := res.RowsAffected()
		if err != nil {
			return n, fmt.Errorf("privacy: delete email records: %w", err)
		}
		n += k
	}
	rows, err := otherEmailRows(ctx, tx, sc.TicketIDs)
	if err != nil {
		return n, err
	}
	for _, r := range rows {
		if !r.scrub(emails, secrets, slices.Contains(sc.Requested, r.ticketID)) {
			continue
		}
		_, err := tx.ExecContext(ctx, `UPDATE email_messages SET subject = $1, from_addr = $2, to_addrs = $3,
			cc_addrs = $4 WHERE message_id = $5`, r.subject, r.from, r.to, r.cc, r.messageID)
		if err != nil {
			return n, fmt.Errorf("privacy: scrub email record %d: %w", r.messageID, err)
		}
		n++
	}
	return n, nil
}

// emailRow is the personal part of an email record.
type emailRow struct {
	messageID, ticketID   int64
	subject, from, to, cc string
}

func otherEmailRows(ctx context.Context, tx *sql.Tx, tickets []int64) ([]*emailRow, error) {
	var out []*emailRow
	for part := range slices.Chunk(tickets, 500) {
		marks, args := db.InList(1, part)
		rows, err := tx.QueryContext(ctx, `SELECT e.message_id, m.ticket_id, e.subject, e.from_addr, e.to_addrs, e.cc_addrs
			FROM email_messages e JOIN messages m ON m.id = e.message_id WHERE m.ticket_id IN (`+marks+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("privacy: read email records: %w", err)
		}
		for rows.Next() {
			var r emailRow
			if err := rows.Scan(&r.messageID, &r.ticketID, &r.subject, &r.from, &r.to, &r.cc); err != nil {
				rows.Close()
				return nil, fmt.Errorf("privacy: scan email record: %w", err)
			}
			out = append(out, &r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("privacy: read email records: %w", err)
		}
	}
	return out, nil
}

// scrub removes the addresses from r's lists and the secrets from its
// subject (all of it on a ticket the customer requested), and reports
// whether anything changed.
func (r *emailRow) scrub(emails, secrets []string, requested bool) bool {
	was := *r
	if slices.Contains(emails, r.from) {
		r.from = ""
	}
	r.to, r.cc = dropAddrs(r.to, emails), dropAddrs(r.cc, emails)
	if requested && r.subject != "" {
		r.subject = customerdata.ErasedSubject
	} else {
		for _, s := range secrets {
			r.subject = replaceFold(r.subject, s, "(erased)")
		}
	}
	return *r != was
}

// dropAddrs removes addresses from a comma-separated list.
func dropAddrs(list string, addrs []string) string {
	if list == "" {
		return list
	}
	var keep []string
	for _, a := range strings.Split(list, ",") {
		if !slices.Contains(addrs, strings.TrimSpace(a)) {
			keep = append(keep, a)
		}
	}
	return strings.Join(keep, ",")
}

// replaceFold replaces every occurrence of old in s, ignoring ASCII case.
func replaceFold(s, old, repl string) string {
	if len(old) < 3 {
		return s
	}
	lower, lold := strings.ToLower(s), strings.ToLower(old)
	if len(lower) != len(s) || !strings.Contains(lower, lold) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lold)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lower = s[i+len(old):], lower[i+len(old):]
	}
}

// scrubStored removes copies of the customer's data kept outside tickets:
// jobs that mention their addresses (an acknowledgement to them, queued or
// done; a running job is left to finish), stored answers of API requests
// that mention them, and the details of the audit entries about them. It
// returns how many jobs it deleted.
func scrubStored(ctx context.Context, tx *sql.Tx, id int64, emails []string) (int64, error) {
	var jobs int64
	for _, e := range emails {
		pattern := "%" + escapeLike(e) + "%"
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE state <> 'running' AND payload LIKE $1 ESCAPE '\'`, pattern)
		if err != nil {
			return jobs, fmt.Errorf("privacy: delete jobs: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return jobs, fmt.Errorf("privacy: delete jobs: %w", err)
		}
		jobs += n
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE response_body LIKE $1 ESCAPE '\'`, pattern); err != nil {
			return jobs, fmt.Errorf("privacy: delete stored answers: %w", err)
		}
		// Entries about a customer merged into this one name its addresses
		// under the merged customer's id.
		if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET details = '{}' WHERE details LIKE $1 ESCAPE '\'`, pattern); err != nil {
			return jobs, fmt.Errorf("privacy: scrub audit details: %w", err)
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE audit_log SET details = '{}' WHERE target_type = 'customer' AND target_id = $1`,
		fmt.Sprint(id))
	if err != nil {
		return jobs, fmt.Errorf("privacy: scrub audit details: %w", err)
	}
	return jobs, nil
}

// escapeLike escapes LIKE's wildcards and its escape character.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
