package recognition_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

func TestFeedIsSeenByEveryone(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		first := e.award(0, e.ticketOf(e.ann), "Listened first.")
		second := e.award(1, e.ticketOf(e.bob), "Replied in five minutes.")
		for _, who := range []*user.User{e.ann, e.bob, e.lead} {
			feed, err := e.rec.Feed(e.ctx(who), who, recognition.FeedFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(feed) != 2 || feed[0].ID != second.ID || feed[1].ID != first.ID {
				t.Fatalf("user %d sees %d awards", who.ID, len(feed))
			}
			if feed[1].AgentName == "" || feed[1].AwardedByName == "" || feed[1].TicketSubject == "" ||
				len(feed[1].Reactions) != len(recognition.ReactionKinds) {
				t.Fatalf("feed item %+v", feed[1])
			}
		}
		page, err := e.rec.Feed(e.ctx(e.ann), e.ann, recognition.FeedFilter{Before: second.ID, Limit: 1})
		if err != nil || len(page) != 1 || page[0].ID != first.ID {
			t.Fatalf("next page %+v %v", page, err)
		}
		_, err = e.rec.Feed(e.ctx(e.ann), e.ann, recognition.FeedFilter{Limit: 1000})
		wantKind(t, err, "limit")
		if _, err := e.rec.Feed(context.Background(), nil, recognition.FeedFilter{}); err == nil {
			t.Fatal("the feed answered nobody")
		}

		ex, err := e.rec.ExamplesByValue(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := ex[e.values[0].ID]; len(got) != 1 || got[0].Citation != "Listened first." || got[0].TicketSubject == "" {
			t.Fatalf("examples of Empathetic %+v", got)
		}
		if len(ex[e.values[2].ID]) != 0 {
			t.Fatal("Trustful has examples")
		}
	})
}

func TestReactionToggleIsIdempotent(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.award(0, e.ticketOf(e.ann), "Listened first.")
		clap := func(rs []recognition.Reaction) recognition.Reaction {
			for _, r := range rs {
				if r.Key == "clap" {
					return r
				}
			}
			t.Fatal("no clap")
			return recognition.Reaction{}
		}
		for range 2 {
			rs, err := e.rec.SetReaction(e.ctx(e.bob), e.bob, a.ID, "clap", true)
			if err != nil {
				t.Fatal(err)
			}
			if c := clap(rs); c.Count != 1 || !c.Mine {
				t.Fatalf("after clapping: %+v", c)
			}
		}
		rs, _ := e.rec.SetReaction(e.ctx(e.lead), e.lead, a.ID, "clap", true)
		if c := clap(rs); c.Count != 2 {
			t.Fatalf("two people clapped: %+v", c)
		}
		for range 2 {
			rs, err := e.rec.SetReaction(e.ctx(e.bob), e.bob, a.ID, "clap", false)
			if err != nil {
				t.Fatal(err)
			}
			if c := clap(rs); c.Count != 1 || c.Mine {
				t.Fatalf("after taking it back: %+v", c)
			}
		}
		_, err := e.rec.SetReaction(e.ctx(e.bob), e.bob, a.ID, "thumbsdown", true)
		wantKind(t, err, "reaction")
		var audited int
		d.Read().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'award.reaction_%'`).Scan(&audited)
		if audited != 3 { // bob on, lead on, bob off: repeats change nothing
			t.Fatalf("%d audit entries for reactions", audited)
		}

		_, err = e.rec.AddComment(e.ctx(e.bob), e.bob, a.ID, " ")
		wantKind(t, err, "body")
		c, err := e.rec.AddComment(e.ctx(e.bob), e.bob, a.ID, "So well deserved!")
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.rec.Award(e.ctx(e.ann), e.ann, a.ID)
		if err != nil || len(got.Comments) != 1 || got.Comments[0].ID != c.ID || got.Comments[0].AuthorName == "" {
			t.Fatalf("award with comments %+v %v", got, err)
		}
	})
}

// hookServer is a webhook receiver that fails its first answers.
type hookServer struct {
	mu       sync.Mutex
	failures int
	bodies   [][]byte
	sigs     []string
}

func (h *hookServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.bodies, h.sigs = append(h.bodies, b), append(h.sigs, r.Header.Get(recognition.SignatureHeader))
	if h.failures > 0 {
		h.failures--
		http.Error(w, "down for a moment", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func TestWebhookIsSignedAndRetried(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		recv := &hookServer{failures: 1}
		srv := httptest.NewServer(recv)
		defer srv.Close()

		if _, err := e.rec.SetWebhook(e.ctx(e.ann), e.ann, recognition.WebhookInput{URL: srv.URL}); err == nil {
			t.Fatal("an agent set the webhook")
		}
		_, err := e.rec.SetWebhook(e.ctx(e.lead), e.lead, recognition.WebhookInput{URL: "ftp://example.com"})
		wantKind(t, err, "url")
		hook, err := e.rec.SetWebhook(e.ctx(e.lead), e.lead, recognition.WebhookInput{URL: srv.URL + "/hook"})
		if err != nil || len(hook.Secret) != 64 {
			t.Fatalf("webhook %+v %v", hook, err)
		}
		a := e.award(0, e.ticketOf(e.ann), "Listened first.")

		if n := e.runJobs(); n != 1 {
			t.Fatalf("ran %d jobs", n)
		}
		var state string
		var attempts int
		d.Read().QueryRow(`SELECT state, attempts FROM jobs WHERE kind = $1`, recognition.KindWebhook).Scan(&state, &attempts)
		if state != jobs.StateFailed || attempts != 1 {
			t.Fatalf("after a 503 the job is %s after %d attempts", state, attempts)
		}
		e.clock.Add(time.Hour) // past the backoff
		e.runJobs()
		d.Read().QueryRow(`SELECT state, attempts FROM jobs WHERE kind = $1`, recognition.KindWebhook).Scan(&state, &attempts)
		if state != jobs.StateDone || attempts != 2 {
			t.Fatalf("after the retry the job is %s after %d attempts", state, attempts)
		}

		recv.mu.Lock()
		defer recv.mu.Unlock()
		if len(recv.bodies) != 2 || string(recv.bodies[0]) != string(recv.bodies[1]) {
			t.Fatalf("received %d posts, differing", len(recv.bodies))
		}
		if recv.sigs[1] != recognition.Sign(hook.Secret, recv.bodies[1]) || !strings.HasPrefix(recv.sigs[1], "sha256=") {
			t.Fatalf("signature %q", recv.sigs[1])
		}
		var body recognition.WebhookBody
		if err := json.Unmarshal(recv.bodies[1], &body); err != nil {
			t.Fatal(err)
		}
		if body.Event != "badge.awarded" || body.Award.ID != a.ID || body.Award.Citation != "Listened first." ||
			body.Award.AgentName == "" || !strings.HasPrefix(body.Link, "https://desk.example.com/recognition") {
			t.Fatalf("body %s", recv.bodies[1])
		}
	})
}

func TestWeeklyDigestMailsTheWeeksAwards(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		gone := e.user("agent")
		if _, err := d.Write().Exec(`UPDATE users SET disabled_at = $1 WHERE id = $2`, db.Time(db.Now()), gone.ID); err != nil {
			t.Fatal(err)
		}
		e.award(0, e.ticketOf(e.ann), "Listened first,\nthen acted.")
		e.award(2, e.ticketOf(e.bob), "Owned the mistake.")

		if err := e.rec.ScheduleDigest(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := e.rec.ScheduleDigest(context.Background()); err != nil { // at every start: once a week
			t.Fatal(err)
		}
		if n := testutil.Count(t, d, "jobs"); n != 1 {
			t.Fatalf("%d jobs after scheduling twice", n)
		}
		if n := e.runJobs(); n != 0 {
			t.Fatalf("the digest ran before the week ended (%d jobs)", n)
		}
		start := recognition.WeekStart(e.clock.Now())
		e.clock.Set(start.Add(7*24*time.Hour + 9*time.Hour)) // next Monday, after 08:00
		e.runJobs()

		e.mail.mu.Lock()
		defer e.mail.mu.Unlock()
		if len(e.mail.sent) != 3 { // lead, ann, bob; not the disabled user
			t.Fatalf("sent %d digests", len(e.mail.sent))
		}
		m := e.mail.sent[0]
		for _, want := range []string{e.ann.Name + " earned the Empathetic badge (E)", "\"Listened first, then acted.\"",
			"Trustful", "Owned the mistake.", "https://desk.example.com/recognition", "Awarded by " + e.lead.Name} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("the digest lacks %q:\n%s", want, m.Text)
			}
		}
		if m.Subject != "This week's recognition: 2 badges awarded" {
			t.Errorf("subject %q", m.Subject)
		}
		for _, s := range e.mail.sent {
			if s.To == gone.Email {
				t.Error("a disabled user got the digest")
			}
		}
		var next int
		d.Read().QueryRow(`SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = 'queued'`, recognition.KindDigest).Scan(&next)
		if next != 1 {
			t.Fatalf("%d next digests queued", next)
		}
	})
}

func TestFeedIsNewestFirstByDate(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		now := e.clock.Now()
		// Recorded in this order, awarded in another: an award backdated
		// (an import) comes after the newer ones.
		e.clock.Set(now.Add(-time.Hour))
		middle := e.award(0, e.ticketOf(e.ann), "An hour ago.")
		e.clock.Set(now)
		newest := e.award(1, e.ticketOf(e.bob), "Just now.")
		e.clock.Set(now.Add(-48 * time.Hour))
		oldest := e.award(0, e.ticketOf(e.bob), "Two days ago.")
		e.clock.Set(now)

		feed, err := e.rec.Feed(e.ctx(e.ann), e.ann, recognition.FeedFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, a := range feed {
			got = append(got, a.ID)
		}
		if want := []int64{newest.ID, middle.ID, oldest.ID}; !slices.Equal(got, want) {
			t.Fatalf("feed order %v, want %v", got, want)
		}
		// Pages follow the same order.
		page, err := e.rec.Feed(e.ctx(e.ann), e.ann, recognition.FeedFilter{Before: middle.ID, Limit: 5})
		if err != nil || len(page) != 1 || page[0].ID != oldest.ID {
			t.Fatalf("page after the middle award: %+v %v", page, err)
		}
		ex, err := e.rec.ExamplesByValue(context.Background(), 0)
		if got := ex[e.values[0].ID]; err != nil || len(got) != 2 || got[0].AwardID != middle.ID {
			t.Fatalf("examples %+v %v", got, err)
		}
	})
}
