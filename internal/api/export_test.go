package api_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

var exportHeader = []string{"id", "number", "subject", "status", "priority", "channel", "requester_id",
	"requester_email", "assignee_id", "team_id", "tags", "created_at", "updated_at", "first_reply_at",
	"solved_at", "closed_at"}

func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, body)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], exportHeader) {
		t.Fatalf("CSV header %v", recs)
	}
	return recs[1:]
}

func TestExportOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var evil, plain ticket.Ticket
		c.want(c.do("POST", "/api/v1/tickets", `{"subject": "=HYPERLINK(\"http://evil.example\")",
			"requester": {"email": "ada@example.com"}, "body": "x", "tags": ["billing", "-x"]}`, ""), http.StatusCreated, &evil)
		c.want(c.do("POST", "/api/v1/tickets", `{"subject": "Plain, with \"quotes\"", "priority": "high",
			"requester": {"email": "bo@example.com"}, "body": "x"}`, ""), http.StatusCreated, &plain)
		c.want(c.do("PATCH", "/api/v1/tickets/"+itoa(plain.ID), `{"status": "open"}`, ""), http.StatusOK, &plain)
		c.want(c.do("POST", "/api/v1/tickets/"+itoa(plain.ID)+"/messages", `{"body": "On it."}`, ""), http.StatusCreated, nil)
		c.want(c.do("GET", "/api/v1/tickets/"+itoa(plain.ID), "", ""), http.StatusOK, &plain)

		// The export route wins over /api/v1/tickets/{id}.
		rec := c.do("GET", "/api/v1/tickets/export", "", "")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("status %d, type %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		if cd := rec.Header().Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="tickets-\d{8}-\d{6}\.csv"$`).MatchString(cd) {
			t.Fatalf("Content-Disposition %q", cd)
		}
		rows := readCSV(t, rec.Body.String())
		ts := func(t time.Time) string { return t.Format(time.RFC3339Nano) }
		want := [][]string{
			{itoa(plain.ID), itoa(plain.Number), `Plain, with "quotes"`, "open", "high", "api", itoa(plain.RequesterID),
				"bo@example.com", "", "", "", ts(plain.CreatedAt), ts(plain.UpdatedAt), ts(*plain.FirstReplyAt), "", ""},
			{itoa(evil.ID), itoa(evil.Number), `'=HYPERLINK("http://evil.example")`, "new", "normal", "api",
				itoa(evil.RequesterID), "ada@example.com", "", "", "'-x,billing", ts(evil.CreatedAt), ts(evil.UpdatedAt), "", "", ""},
		}
		if !slices.EqualFunc(rows, want, slices.Equal) {
			t.Fatalf("rows\n%q\nwant\n%q", rows, want)
		}

		rec = c.do("GET", "/api/v1/tickets/export?format=csv&status=open", "", "")
		if rows := readCSV(t, rec.Body.String()); len(rows) != 1 || rows[0][0] != itoa(plain.ID) {
			t.Fatalf("filtered rows %q", rows)
		}
		rec = c.do("GET", "/api/v1/tickets/export?format=csv&tag=nothing", "", "")
		if rec.Code != http.StatusOK || len(readCSV(t, rec.Body.String())) != 0 {
			t.Fatalf("empty export: %d %q", rec.Code, rec.Body)
		}

		rec = c.do("GET", "/api/v1/tickets/export?format=jsonl", "", "")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/x-ndjson" ||
			!strings.HasSuffix(rec.Header().Get("Content-Disposition"), `.jsonl"`) {
			t.Fatalf("jsonl: %d %v", rec.Code, rec.Header())
		}
		lines := strings.Split(strings.TrimSuffix(rec.Body.String(), "\n"), "\n")
		if len(lines) != 2 {
			t.Fatalf("%d lines: %s", len(lines), rec.Body)
		}
		var line struct {
			ticket.Ticket
			RequesterEmail string `json:"requester_email"`
		}
		if err := json.Unmarshal([]byte(lines[1]), &line); err != nil {
			t.Fatal(err)
		}
		if line.ID != evil.ID || line.Subject != evil.Subject || line.RequesterEmail != "ada@example.com" ||
			!slices.Equal(line.Tags, []string{"-x", "billing"}) {
			t.Fatalf("jsonl line %+v", line)
		}

		for path, field := range map[string]string{
			"/api/v1/tickets/export?format=xml":      "format",
			"/api/v1/tickets/export?status=bogus":    "status",
			"/api/v1/tickets/export?team=x":          "team",
			"/api/v1/tickets/export?field.unknown=1": "field.unknown",
		} {
			var e httpx.ErrorBody
			c.want(c.do("GET", path, "", ""), http.StatusBadRequest, &e)
			if e.Error.Field != field {
				t.Errorf("%s: field %q, want %q", path, e.Error.Field, field)
			}
		}
	})
}

// flushCounter records how often the handler flushed: once per page when it
// streams.
type flushCounter struct {
	*httptest.ResponseRecorder
	flushes int
}

func (f *flushCounter) Flush() {
	f.flushes++
	f.ResponseRecorder.Flush()
}

func TestLargeExportStreamsEveryTicketOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		const total = 2000
		insertTickets(t, d, total)
		for _, format := range []string{"csv", "jsonl"} {
			w := &flushCounter{ResponseRecorder: httptest.NewRecorder()}
			r := httptest.NewRequest("GET", "/api/v1/tickets/export?format="+format, nil)
			r.Header.Set("Authorization", "Bearer "+c.token)
			c.h.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				t.Fatalf("%s: status %d: %s", format, w.Code, w.Body)
			}
			if pages := (total + ticket.MaxLimit - 1) / ticket.MaxLimit; w.flushes < pages {
				t.Fatalf("%s: %d flushes for %d pages: not streamed", format, w.flushes, pages)
			}
			var numbers []string
			if format == "csv" {
				for _, row := range readCSV(t, w.Body.String()) {
					numbers = append(numbers, row[1])
				}
			} else {
				sc := bufio.NewScanner(w.Body)
				for sc.Scan() {
					var line struct{ Number int64 }
					if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
						t.Fatal(err)
					}
					numbers = append(numbers, itoa(line.Number))
				}
			}
			slices.Sort(numbers)
			if len(slices.Compact(numbers)) != total || len(numbers) != total {
				t.Fatalf("%s: %d rows, %d distinct, want %d", format, len(numbers), len(slices.Compact(numbers)), total)
			}
		}
	})
}

// insertTickets stores n tickets of one requester in one transaction,
// numbered far from the numbers the API hands out.
func insertTickets(t *testing.T, d *db.DB, n int) {
	t.Helper()
	base := db.Now().Add(-time.Hour)
	err := d.Tx(context.Background(), func(_ context.Context, tx *sql.Tx) error {
		var requester int64
		if err := tx.QueryRow(`INSERT INTO customers (name, created_at, updated_at) VALUES ('Bulk', $1, $1)
			RETURNING id`, db.Time(base)).Scan(&requester); err != nil {
			return err
		}
		for i := 1; i <= n; i++ {
			at := db.Time(base.Add(time.Duration(i) * time.Millisecond))
			if _, err := tx.Exec(`INSERT INTO tickets (number, subject, status, priority, channel, requester_id,
				created_at, updated_at) VALUES ($1, $2, 'new', 'normal', 'email', $3, $4, $4)`,
				600_000+i, fmt.Sprintf("Bulk %d", i), requester, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
