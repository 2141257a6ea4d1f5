package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// fixture is a desk to search, with an agent to act as.
type fixture struct {
	t       *testing.T
	d       *db.DB
	tickets *ticket.Service
	search  *Service
	ctx     context.Context // acting as the agent
	agentID int64
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, d: d, tickets: ticket.NewService(d), search: NewService(d)}
	now := db.Time(db.Now())
	err := d.Write().QueryRow(`INSERT INTO users (email, name, role, created_at, updated_at)
		VALUES ('agent@example.com', 'Agent', 'agent', $1, $1) RETURNING id`, now).Scan(&f.agentID)
	if err != nil {
		t.Fatal(err)
	}
	f.ctx = audit.WithActor(context.Background(), audit.Actor{UserID: f.agentID, Label: "agent"})
	return f
}

func (f *fixture) create(subject, body, email string, tags ...string) *ticket.Ticket {
	f.t.Helper()
	tk, err := f.tickets.Create(context.Background(), ticket.NewTicket{Subject: subject, Body: body,
		Requester: ticket.Requester{Email: email, Name: "Someone"}, Channel: "email", Tags: tags})
	if err != nil {
		f.t.Fatal(err)
	}
	return tk
}

func (f *fixture) reply(id int64, body, kind string) *ticket.Message {
	f.t.Helper()
	m, err := f.tickets.AddMessage(f.ctx, id, body, kind)
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

func (f *fixture) update(id int64, p ticket.Patch) {
	f.t.Helper()
	if _, err := f.tickets.Update(f.ctx, id, p); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) find(q string, filter ticket.Filter) *Results {
	f.t.Helper()
	res, err := f.search.Search(context.Background(), Query{Q: q, Filter: filter, Limit: MaxLimit})
	if err != nil {
		f.t.Fatalf("search %q: %v", q, err)
	}
	return res
}

// ids returns the ticket ids of q's hits, best first.
func (f *fixture) ids(q string, filter ticket.Filter) []int64 {
	f.t.Helper()
	var out []int64
	for _, h := range f.find(q, filter).Items {
		out = append(out, h.Ticket.ID)
	}
	return out
}

func (f *fixture) exec(query string, args ...any) {
	f.t.Helper()
	if _, err := f.d.Write().Exec(query, args...); err != nil {
		f.t.Fatal(err)
	}
}

func TestSubjectOutranksBody(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bodyOnly := f.create("Question about my order", "I would like a refund please", "a@example.com")
		subject := f.create("Refund for order 42", "It arrived broken", "b@example.com")
		both := f.create("Refund request", "The refund has not arrived", "c@example.com")
		f.create("Shipping times", "When does it ship?", "d@example.com")
		// Matching messages count once per ticket, and more of them rank
		// higher than one, though never above a subject.
		f.reply(bodyOnly.ID, "We have started your refund.", ticket.KindReply)
		f.reply(bodyOnly.ID, "Refund note: approved by finance", ticket.KindNote)
		bodyOnce := f.create("Another order", "Refunds take a week", "e@example.com")

		res := f.find("refund", ticket.Filter{})
		got := make([]int64, len(res.Items))
		for i, h := range res.Items {
			got[i] = h.Ticket.ID
		}
		want := []int64{both.ID, subject.ID, bodyOnly.ID, bodyOnce.ID}
		if !slices.Equal(got, want) {
			t.Fatalf("hits %v, want %v", got, want)
		}
		if m := res.Items[0].Matched; !slices.Equal(m, []string{"subject", "message"}) {
			t.Fatalf("both matched in %v", m)
		}
		if m := res.Items[2].Matched; !slices.Equal(m, []string{"message"}) || res.Items[2].MessageID == nil {
			t.Fatalf("body hit %+v", res.Items[2])
		}
		for i := 1; i < len(res.Items); i++ {
			if res.Items[i-1].Rank <= res.Items[i].Rank {
				t.Fatalf("ranks not decreasing: %v then %v", res.Items[i-1].Rank, res.Items[i].Rank)
			}
		}
		if res.Partial || res.NextCursor != "" {
			t.Fatalf("partial %v, cursor %q", res.Partial, res.NextCursor)
		}
		h := res.Items[1]
		if h.Ticket.Number != subject.Number || h.Ticket.Subject != subject.Subject || h.Ticket.Status != "new" ||
			h.Ticket.Priority != "normal" || h.Ticket.Requester.Email != "b@example.com" ||
			h.Ticket.Requester.ID != subject.RequesterID || !h.Ticket.UpdatedAt.Equal(subject.UpdatedAt) {
			t.Fatalf("hit ticket %+v", h.Ticket)
		}
		if h.Snippet != "<mark>Refund</mark> for order 42" || h.MessageID != nil {
			t.Fatalf("subject snippet %q", h.Snippet)
		}
	})
}

func TestPhrasePrefixAndWords(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		phrase := f.create("Wrong invoice", "The billing address on it is wrong", "a@example.com")
		apart := f.create("Moved", "My address changed; tell the billing team", "b@example.com")
		other := f.create("Bills", "Several bills arrived", "c@example.com")

		if got := f.ids(`"billing address"`, ticket.Filter{}); !slices.Equal(got, []int64{phrase.ID}) {
			t.Fatalf("phrase found %v", got)
		}
		if got := f.ids(`billing address`, ticket.Filter{}); len(got) != 2 {
			t.Fatalf("words found %v, want both tickets", got)
		}
		if got := f.ids(`billing wrong`, ticket.Filter{}); !slices.Equal(got, []int64{phrase.ID}) {
			t.Fatalf("AND found %v", got)
		}
		got := f.ids(`bill*`, ticket.Filter{})
		slices.Sort(got)
		if !slices.Equal(got, []int64{phrase.ID, apart.ID, other.ID}) {
			t.Fatalf("prefix found %v", got)
		}
		if got := f.ids(`addr* "tell the"`, ticket.Filter{}); !slices.Equal(got, []int64{apart.ID}) {
			t.Fatalf("prefix and phrase found %v", got)
		}
		// Stemming: a plural finds the singular.
		if got := f.ids(`invoices`, ticket.Filter{}); !slices.Equal(got, []int64{phrase.ID}) {
			t.Fatalf("stemmed search found %v", got)
		}
	})
}

func TestHostileInput(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tk := f.create(`Quotes "and" (parens) in subject`, `NEAR the * and - signs, wrote o'brien`, "a@example.com")
		queries := []string{
			`"`, `""`, `"""`, `'`, `''`, `(`, `)`, `()`, `(parens)`, `NEAR`, `NEAR(the signs)`, `NEAR/2`,
			`*`, `**`, `-`, `--`, `-signs`, `+`, `^`, `:`, `subject:quotes`, `body_text:signs`, `a AND`, `OR`,
			`NOT signs`, `"unclosed`, `the*`, `*the`, `o'brien`, `o'brien@example.com`, `!`, `&`, `|`, `<->`,
			`\`, `\"`, `%`, `_`, `;DROP TABLE tickets;--`, `🙂`, `日本語`, `Ünïcödé`, "\x00", "a\x00b", "\u202e",
			strings.Repeat("a", 5000), strings.Repeat("word ", 2000), strings.Repeat(`"(`, 3000),
			strings.Repeat("ab* ", 500),
		}
		for _, q := range queries {
			res, err := f.search.Search(context.Background(), Query{Q: q})
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			if res.Items == nil {
				t.Fatalf("search %q: nil items", q)
			}
		}
		for _, q := range []string{`(parens)`, `NEAR signs`, `o'brien`, `"and" quotes`} {
			if got := f.ids(q, ticket.Filter{}); !slices.Equal(got, []int64{tk.ID}) {
				t.Errorf("search %q found %v", q, got)
			}
		}
	})
}

func TestEmptyQueryAndBadCursor(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := NewService(d)
		for _, q := range []string{"", "  \t\n"} {
			_, err := s.Search(context.Background(), Query{Q: q})
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindInvalid || e.Field != "q" {
				t.Fatalf("q %q: %v", q, err)
			}
		}
		_, err := s.Search(context.Background(), Query{Q: "x", Cursor: "nope"})
		if e, ok := apperr.As(err); !ok || e.Field != "cursor" {
			t.Fatalf("bad cursor: %v", err)
		}
		_, err = s.Search(context.Background(), Query{Q: "x", Filter: ticket.Filter{Status: "bogus"}})
		if e, ok := apperr.As(err); !ok || e.Field != "status" {
			t.Fatalf("bad status: %v", err)
		}
	})
}

func TestVisibleRightAfterWrites(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tk := f.create("Printer on fire", "Smoke everywhere", "a@example.com")
		if got := f.ids("printer", ticket.Filter{}); !slices.Equal(got, []int64{tk.ID}) {
			t.Fatalf("new ticket: %v", got)
		}
		note := f.reply(tk.ID, "Internal: the extinguisher is in room 101", ticket.KindNote)
		res := f.find("extinguisher", ticket.Filter{})
		if len(res.Items) != 1 || *res.Items[0].MessageID != note.ID ||
			!strings.HasPrefix(res.Items[0].Snippet, "Internal: the <mark>extinguisher</mark> is in room") {
			t.Fatalf("note: %+v", res.Items)
		}
		newSubject := "Toner leaking"
		f.update(tk.ID, ticket.Patch{Subject: &newSubject})
		if got := f.ids("printer", ticket.Filter{}); len(got) != 0 {
			t.Fatalf("old subject still found: %v", got)
		}
		if got := f.ids("toner", ticket.Filter{}); !slices.Equal(got, []int64{tk.ID}) {
			t.Fatalf("new subject: %v", got)
		}
		// A status change leaves the subject and its index entry alone.
		open := "open"
		f.update(tk.ID, ticket.Patch{Status: &open})
		if got := f.ids("toner", ticket.Filter{}); !slices.Equal(got, []int64{tk.ID}) {
			t.Fatalf("after a status change: %v", got)
		}
	})
}

func TestBodyChangesReachTheIndex(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tk := f.create("Account", "My passport number is X1234", "a@example.com")
		keep := f.create("Other", "passport renewal", "b@example.com")
		// Erasure rewrites message bodies in place.
		f.exec(`UPDATE messages SET body_text = '[erased]' WHERE ticket_id = $1`, tk.ID)
		if got := f.ids("passport", ticket.Filter{}); !slices.Equal(got, []int64{keep.ID}) {
			t.Fatalf("after erasure: %v", got)
		}
		if got := f.ids("erased", ticket.Filter{}); !slices.Equal(got, []int64{tk.ID}) {
			t.Fatalf("replacement text: %v", got)
		}
		f.exec(`DELETE FROM messages WHERE ticket_id = $1`, keep.ID)
		if got := f.ids("passport", ticket.Filter{}); len(got) != 0 {
			t.Fatalf("after delete: %v", got)
		}
		// Deleting a ticket deletes its messages by cascade; both leave the
		// index.
		f.exec(`DELETE FROM events WHERE ticket_id = $1`, tk.ID)
		f.exec(`DELETE FROM tickets WHERE id = $1`, tk.ID)
		for _, q := range []string{"erased", "account"} {
			if got := f.ids(q, ticket.Filter{}); len(got) != 0 {
				t.Fatalf("%q after ticket delete: %v", q, got)
			}
		}
		if d.Dialect() == db.SQLite {
			for _, table := range []string{"tickets_fts", "messages_fts"} {
				f.exec(`INSERT INTO ` + table + `(` + table + `) VALUES ('integrity-check')`)
			}
		}
	})
}

func TestMergedMessagesFollowTheirTicket(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		from := f.create("Broken zipper", "The zebra print bag", "a@example.com")
		into := f.create("Bag order", "Where is it?", "a@example.com")
		if _, err := f.tickets.Merge(f.ctx, from.ID, into.ID); err != nil {
			t.Fatal(err)
		}
		res := f.find("zebra", ticket.Filter{})
		if len(res.Items) != 1 || res.Items[0].Ticket.ID != into.ID {
			t.Fatalf("after merge: %+v", res.Items)
		}
		if got := f.ids("zipper", ticket.Filter{}); !slices.Equal(got, []int64{from.ID}) {
			t.Fatalf("merged ticket's subject: %v", got)
		}
	})
}

func TestFilters(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var teamID int64
		if err := d.Write().QueryRow(`INSERT INTO teams (name, created_at, updated_at) VALUES ('Billing', $1, $1) RETURNING id`,
			db.Time(db.Now())).Scan(&teamID); err != nil {
			t.Fatal(err)
		}
		a := f.create("Refund A", "x", "a@example.com", "vip")
		b := f.create("Refund B", "x", "b@example.com")
		c := f.create("Other", "refund in the body", "a@example.com")
		open := "open"
		f.update(b.ID, ticket.Patch{Status: &open, AssigneeID: ticket.SetID(&f.agentID), TeamID: ticket.SetID(&teamID)})

		tests := []struct {
			name   string
			filter ticket.Filter
			want   []int64
		}{
			{"none", ticket.Filter{}, []int64{b.ID, a.ID, c.ID}},
			{"status", ticket.Filter{Status: "open"}, []int64{b.ID}},
			{"status new", ticket.Filter{Status: "new"}, []int64{a.ID, c.ID}},
			{"assignee", ticket.Filter{AssigneeID: f.agentID}, []int64{b.ID}},
			{"unassigned", ticket.Filter{Unassigned: true}, []int64{a.ID, c.ID}},
			{"team", ticket.Filter{TeamID: teamID}, []int64{b.ID}},
			{"tag", ticket.Filter{Tag: "VIP"}, []int64{a.ID}},
			{"requester", ticket.Filter{RequesterID: a.RequesterID}, []int64{a.ID, c.ID}},
			{"requester and status", ticket.Filter{RequesterID: a.RequesterID, Status: "open"}, nil},
		}
		for _, tt := range tests {
			if got := f.ids("refund", tt.filter); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			}
		}
	})
}

func TestTicketNumber(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		first := f.create("First", "hello", "a@example.com")
		second := f.create("Second", "hello", "b@example.com")
		mention := f.create("Third", fmt.Sprintf("Same as ticket %d", first.Number), "c@example.com")

		for _, q := range []string{fmt.Sprintf("#%d", first.Number), fmt.Sprint(first.Number)} {
			res := f.find(q, ticket.Filter{})
			if len(res.Items) != 2 || res.Items[0].Ticket.ID != first.ID || res.Items[1].Ticket.ID != mention.ID {
				t.Fatalf("%q: %+v", q, res.Items)
			}
			if !slices.Equal(res.Items[0].Matched, []string{"number"}) || res.Items[0].Snippet != "First" {
				t.Fatalf("%q: number hit %+v", q, res.Items[0])
			}
		}
		if got := f.ids(fmt.Sprintf("#%d", second.Number), ticket.Filter{RequesterID: first.RequesterID}); len(got) != 0 {
			t.Fatalf("filtered out by requester, found %v", got)
		}
		if got := f.ids("#999999", ticket.Filter{}); len(got) != 0 {
			t.Fatalf("unknown number found %v", got)
		}
	})
}

func TestPagesSeeEachHitOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		const total = 17
		for i := range total {
			tk := f.create(fmt.Sprintf("Ticket %d", i), "the widget broke", fmt.Sprintf("c%d@example.com", i%4))
			if i%3 == 0 {
				f.reply(tk.ID, "widget again", ticket.KindReply)
			}
			if i%5 == 0 {
				s := fmt.Sprintf("Widget %d", i)
				f.update(tk.ID, ticket.Patch{Subject: &s})
			}
		}
		// Many tickets share an updated_at to the millisecond: the id
		// tie-break keeps pages apart.
		f.exec(`UPDATE tickets SET updated_at = $1 WHERE id % 2 = 0`, db.Time(db.Now()))
		all := f.find("widget", ticket.Filter{}).Items
		if len(all) != total {
			t.Fatalf("%d hits, want %d", len(all), total)
		}
		var paged []int64
		q := Query{Q: "widget", Limit: 4}
		for {
			res, err := f.search.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Items {
				paged = append(paged, h.Ticket.ID)
			}
			if res.NextCursor == "" {
				break
			}
			if len(res.Items) != q.Limit {
				t.Fatalf("a page of %d before the end", len(res.Items))
			}
			q.Cursor = res.NextCursor
		}
		for i, h := range all {
			if paged[i] != h.Ticket.ID {
				t.Fatalf("paged %v, one page %v", paged, all)
			}
		}
	})
}

func TestSnippetsAreSafeHTML(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.create(`<img src=x onerror=alert(1)> subject`, `<script>alert("x")</script> & the payload here`, "a@example.com")
		// PostgreSQL's parser skips what looks like an HTML tag, so the
		// words searched for are outside the tags.
		for _, q := range []string{"payload", "subject"} {
			res := f.find(q, ticket.Filter{})
			if len(res.Items) != 1 {
				t.Fatalf("%q: %d hits", q, len(res.Items))
			}
			s := strings.ReplaceAll(strings.ReplaceAll(res.Items[0].Snippet, "<mark>", ""), "</mark>", "")
			if strings.ContainsAny(s, "<>") || !strings.Contains(res.Items[0].Snippet, "<mark>") {
				t.Fatalf("%q: snippet %q", q, res.Items[0].Snippet)
			}
		}
		want := "<mark>payload</mark> here"
		if d.Dialect() == db.SQLite { // PostgreSQL trims the fragment to words
			want = "&lt;/script&gt; &amp; the " + want
		}
		res := f.find("payload", ticket.Filter{})
		if !strings.Contains(res.Items[0].Snippet, want) {
			t.Fatalf("snippet %q", res.Items[0].Snippet)
		}
	})
}

// TestBoundedSearch shrinks the limits to check what happens when the words
// match more than a search ranks, and the narrow-filter path.
func TestBoundedSearch(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.search.limits = limits{candidates: 4, window: 5, narrowTickets: 3, narrowMessages: 10}
		old := f.create("Old gadget", "gadget one", "old@example.com")
		oldToo := f.create("Another", "gadget two", "old@example.com")
		var recent []int64
		for i := range 8 {
			recent = append(recent, f.create(fmt.Sprintf("Gadget %d", i), "gadget", "new@example.com").ID)
		}
		res := f.find("gadget", ticket.Filter{})
		if !res.Partial || len(res.Items) != 4 {
			t.Fatalf("unfiltered: partial %v, %d hits", res.Partial, len(res.Items))
		}
		for _, h := range res.Items {
			if !slices.Contains(recent[4:], h.Ticket.ID) {
				t.Fatalf("ranked %d, not among the newest matches", h.Ticket.ID)
			}
		}
		// The old requester's tickets are beyond any window; their filter
		// is narrow, so they are found all the same.
		res = f.find("gadget", ticket.Filter{RequesterID: old.RequesterID})
		got := []int64{}
		for _, h := range res.Items {
			got = append(got, h.Ticket.ID)
		}
		if res.Partial || !slices.Equal(got, []int64{old.ID, oldToo.ID}) {
			t.Fatalf("narrow filter: partial %v, %v", res.Partial, got)
		}
		// A filter too wide to look up row by row stays partial.
		res = f.find("gadget", ticket.Filter{Status: "new"})
		if !res.Partial || len(res.Items) == 0 {
			t.Fatalf("wide filter: partial %v, %d hits", res.Partial, len(res.Items))
		}
	})
}

// On PostgreSQL a search looks for the newest matches among the newest rows
// first, and further back when those hold too few (postgres.go); whatever
// the spans, it finds what one look at every row finds: words, prefixes and
// phrases, with and without a filter.
func TestSpansFindWhatOneFullLookFinds(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		first := f.create("Sprocket one", "the sprocket rattles loudly", "first@example.com")
		f.create("Sprocket two", "a sprocket rattles", "other@example.com")
		for i := range 12 {
			f.create(fmt.Sprintf("Unrelated %d", i), "nothing to see here", "other@example.com")
		}
		f.create("Sprockets again", "the sprocket rattles once more", "other@example.com")
		f.create("Late one", "my sprocket is fine", "other@example.com")
		for i := range 3 { // enough among the newest for the first span
			f.create(fmt.Sprintf("Sprocket late %d", i), "the sprocket rattles again", "other@example.com")
		}
		hits := func(r *Results) []int64 {
			out := []int64{}
			for _, h := range r.Items {
				out = append(out, h.Ticket.ID)
			}
			return out
		}
		filters := []ticket.Filter{{}, {RequesterID: first.RequesterID}}
		for _, q := range []string{"sprocket", "sprock*", `"sprocket rattles"`, "rattles sprocket"} {
			for _, filter := range filters {
				f.search.limits = limits{candidates: 2, window: 5, narrowTickets: 3, narrowMessages: 10}
				full := f.find(q, filter)
				for _, spans := range [][]int64{{1}, {1, 4}, {3}} {
					f.search.limits.spans = spans
					got := f.find(q, filter)
					if !slices.Equal(hits(got), hits(full)) || got.Partial != full.Partial {
						t.Errorf("%q, filter %+v, spans %v: %v (partial %v), one full look: %v (partial %v)",
							q, filter, spans, hits(got), got.Partial, hits(full), full.Partial)
					}
				}
				// (SQLite's window misses a prefix's old matches under a
				// narrow filter: see sqlite.go.)
				if len(full.Items) == 0 && filter.RequesterID == 0 {
					t.Errorf("%q: nothing found", q)
				}
			}
		}
	})
}
