package api

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticketexport"
)

// ticketFilterParams documents the listing's filters for the routes that
// take them too (export, search).
var ticketFilterParams = []string{
	"status: new, open, pending, on_hold, solved or closed, or a custom status key", "assignee: a user id, or none",
	"team: a team id", "tag: a tag", "requester: a customer id", "updated_since: an RFC 3339 time",
	"field.{key}: tickets whose custom field has this value (at most 5 such filters)",
}

// exportFormat writes an export's rows in one file format.
type exportFormat struct {
	ext, contentType string
	// newWriter returns the function that writes one page and flushes it
	// to w.
	newWriter func(w io.Writer) func([]ticketexport.Row) error
}

var exportFormats = map[string]exportFormat{
	"csv":   {"csv", "text/csv; charset=utf-8", newCSVWriter},
	"jsonl": {"jsonl", "application/x-ndjson", newJSONLWriter},
}

// exportTickets answers GET /api/v1/tickets/export?format=csv|jsonl with the
// tickets the listing's filters match, streamed a page at a time: memory
// holds one page, however many tickets there are. Errors found before the
// first byte (a bad filter) are answered as JSON; one after it cuts the
// download short, so the client sees a broken transfer, not a short file.
func (h *ticketHandlers) exportTickets(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	name := q.Get("format")
	if name == "" {
		name = "csv"
	}
	format, ok := exportFormats[name]
	if !ok {
		return apperr.Invalid("format", "must be csv or jsonl, not %q", name)
	}
	f, err := ticketFilter(q, ticket.MaxLimit) // the export pages by itself
	if err != nil {
		return err
	}
	next, stop := iter.Pull2(h.exports.Tickets(r.Context(), f))
	defer stop()
	rows, err, more := next()
	if err != nil {
		return err
	}
	hdr := w.Header()
	hdr.Set("Content-Type", format.contentType)
	hdr.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="tickets-%s.%s"`,
		time.Now().UTC().Format("20060102-150405"), format.ext))
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	write, flush := format.newWriter(w), http.NewResponseController(w)
	for {
		if err == nil {
			err = write(rows) // the first call writes the CSV header, also when no ticket matched
		}
		if err != nil {
			httpx.LogError(r, h.log, fmt.Errorf("export: %w", err))
			panic(http.ErrAbortHandler) // the status is sent: break the transfer
		}
		_ = flush.Flush() // a writer that cannot flush has the data all the same
		if !more {
			return nil
		}
		rows, err, more = next()
	}
}

// csvHeader names the columns of a CSV export.
var csvHeader = []string{"id", "number", "subject", "status", "priority", "channel", "requester_id",
	"requester_email", "assignee_id", "team_id", "tags", "created_at", "updated_at", "first_reply_at",
	"solved_at", "closed_at"}

func newCSVWriter(w io.Writer) func([]ticketexport.Row) error {
	cw := csv.NewWriter(w)
	header := true
	return func(rows []ticketexport.Row) error {
		if header {
			header = false
			if err := cw.Write(csvHeader); err != nil {
				return err
			}
		}
		for _, row := range rows {
			if err := cw.Write(csvRecord(row)); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
}

func csvRecord(row ticketexport.Row) []string {
	t := row.Ticket
	rec := []string{formatID(t.ID), formatID(t.Number), t.Subject, t.Status, t.Priority, t.Channel,
		formatID(t.RequesterID), row.RequesterEmail, optID(t.AssigneeID), optID(t.TeamID),
		strings.Join(t.Tags, ","), csvTime(&t.CreatedAt), csvTime(&t.UpdatedAt),
		csvTime(t.FirstReplyAt), csvTime(t.SolvedAt), csvTime(t.ClosedAt)}
	for i, cell := range rec {
		rec[i] = defuseFormula(cell)
	}
	return rec
}

// defuseFormula keeps a spreadsheet from running a cell as a formula (CSV
// injection): a cell that starts with one of = + - @ tab or carriage return
// gets a leading single quote, as OWASP recommends.
func defuseFormula(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

func formatID(n int64) string { return strconv.FormatInt(n, 10) }

func optID(id *int64) string {
	if id == nil {
		return ""
	}
	return formatID(*id)
}

func csvTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// newJSONLWriter writes each ticket as one line of JSON: the ticket as the
// API shows it, with its requester's email address.
func newJSONLWriter(w io.Writer) func([]ticketexport.Row) error {
	enc := json.NewEncoder(w)
	return func(rows []ticketexport.Row) error {
		for _, row := range rows {
			if err := enc.Encode(row); err != nil {
				return err
			}
		}
		return nil
	}
}
