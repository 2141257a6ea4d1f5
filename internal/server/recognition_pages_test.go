package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// recognitionDesk is a desk with the values E(mpathetic) and R(esponsive),
// a lead (an admin), the agents ann and bob, and a ticket of ann's.
type recognitionDesk struct {
	*harness
	lead, ann, bob *user.User
	values         []quality.Value
	ticketID       int64
}

func newRecognitionDesk(t *testing.T, h *harness) *recognitionDesk {
	t.Helper()
	r := &recognitionDesk{harness: h, lead: h.createUser("lead@example.com", "admin"),
		ann: h.createUser("ann@example.com", "agent"), bob: h.createUser("bob@example.com", "agent")}
	ctx := testutil.As(r.lead.ID)
	p, err := quality.NewService(h.db).PutPhilosophy(ctx, r.lead, quality.PhilosophyInput{Vision: "Heard.",
		Values: []quality.ValueInput{{Name: "Empathetic", Code: "E", Colour: "#b91c1c"},
			{Name: "Responsive", Code: "R", Colour: "#fde047"}}})
	if err != nil {
		t.Fatal(err)
	}
	r.values = p.Values
	tickets := ticket.NewService(h.db)
	tk, err := tickets.Create(ctx, ticket.NewTicket{Subject: "Kettle refund", Body: "It broke", Channel: "api",
		Requester: ticket.Requester{Email: "cara@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tickets.Update(ctx, tk.ID, ticket.Patch{AssigneeID: ticket.SetID(&r.ann.ID)}); err != nil {
		t.Fatal(err)
	}
	r.ticketID = tk.ID
	return r
}

func (r *recognitionDesk) badgeForm(mode string, value int, citation string) url.Values {
	return url.Values{"ticket_id": {itoa(r.ticketID)}, "agent_id": {itoa(r.ann.ID)},
		"value_id": {itoa(r.values[value].ID)}, "citation": {citation}, "mode": {mode}}
}

func TestRecognitionPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newRecognitionDesk(t, newHarness(t, d))
		lead, bob, ann := h.browser(), h.browser(), h.browser()
		h.signIn(lead, "lead@example.com")
		h.signIn(bob, "bob@example.com")
		h.signIn(ann, "ann@example.com")

		// The ticket's page links to the nomination form.
		if page := body(t, h.get(bob, "/tickets/"+itoa(h.ticketID))); !strings.Contains(page, `href="/recognition/nominate?ticket=`+itoa(h.ticketID)+`"`) {
			t.Fatal("the ticket page has no nomination link")
		}
		// Bob nominates ann from the ticket's nomination form.
		resp := h.get(bob, "/recognition/nominate?ticket="+itoa(h.ticketID))
		page := body(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Kettle refund") || strings.Contains(page, `value="award"`) {
			t.Fatalf("nominate form: %d\n%s", resp.StatusCode, page)
		}
		everyControlLabelled(t, page)
		// A citation is required, and a refused form changes nothing.
		resp = h.postForm(bob, "/recognition/awards", h.badgeForm("nominate", 0, " "))
		if resp.StatusCode != http.StatusSeeOther || count(t, d, "badge_nominations") != 0 {
			t.Fatalf("nomination without a citation: %d", resp.StatusCode)
		}
		if page := body(t, h.get(bob, resp.Header.Get("Location"))); !strings.Contains(page, "Citation is required") {
			t.Fatalf("the form does not name the citation:\n%s", page)
		}
		resp = h.postForm(bob, "/recognition/awards", h.badgeForm("nominate", 0, "Stayed calm & kind <always>."))
		if resp.StatusCode != http.StatusSeeOther || count(t, d, "badge_nominations") != 1 {
			t.Fatalf("nominate: %d", resp.StatusCode)
		}
		// An agent may not award directly, nor approve.
		if resp := h.postForm(bob, "/recognition/awards", h.badgeForm("award", 1, "Quick.")); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("an agent awarded: %d", resp.StatusCode)
		}
		var nomID int64
		d.Read().QueryRow(`SELECT id FROM badge_nominations`).Scan(&nomID)
		for _, c := range []*http.Client{bob, ann} {
			if resp := h.postForm(c, "/recognition/nominations/"+itoa(nomID)+"/approve", url.Values{}); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("an agent approved: %d", resp.StatusCode)
			}
		}
		if count(t, d, "badge_awards") != 0 {
			t.Fatal("a refused approval awarded")
		}
		// A cross-site form is refused before it reaches the handler.
		resp = h.postForm(lead, "/recognition/nominations/"+itoa(nomID)+"/approve", url.Values{}, "Sec-Fetch-Site", "cross-site")
		if resp.StatusCode != http.StatusForbidden || count(t, d, "badge_awards") != 0 {
			t.Fatalf("cross-site approval: %d", resp.StatusCode)
		}
		page = body(t, h.get(lead, "/recognition/nominations"))
		if !strings.Contains(page, "Approve and award") {
			t.Fatalf("the lead sees no decision form:\n%s", page)
		}
		everyControlLabelled(t, page)
		resp = h.postForm(lead, "/recognition/nominations/"+itoa(nomID)+"/approve", url.Values{"note": {"Yes!"}})
		if resp.StatusCode != http.StatusSeeOther || count(t, d, "badge_awards") != 1 {
			t.Fatalf("approve: %d", resp.StatusCode)
		}
		// The lead awards another badge straight away.
		resp = h.postForm(lead, "/recognition/awards", h.badgeForm("award", 1, "Answered in four minutes."))
		if resp.StatusCode != http.StatusSeeOther || count(t, d, "badge_awards") != 2 {
			t.Fatalf("award: %d", resp.StatusCode)
		}

		// Everyone sees the feed, escaped, with the badges.
		resp = h.get(ann, "/recognition")
		page = body(t, resp)
		for _, want := range []string{"Stayed calm &amp; kind &lt;always&gt;.", "Answered in four minutes.",
			"/badges/" + itoa(h.values[0].ID) + ".svg?v=", "nominated by Name of bob@example.com", "Kettle refund"} {
			if !strings.Contains(page, want) {
				t.Errorf("the feed lacks %q", want)
			}
		}
		everyControlLabelled(t, page)
		var awardID int64
		d.Read().QueryRow(`SELECT MAX(id) FROM badge_awards`).Scan(&awardID)
		for range 2 {
			resp := h.postForm(ann, "/recognition/awards/"+itoa(awardID)+"/reactions", url.Values{"reaction": {"clap"}, "on": {"1"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("react: %d", resp.StatusCode)
			}
		}
		if n := count(t, d, "award_reactions"); n != 1 {
			t.Fatalf("%d reactions after clapping twice", n)
		}
		if page := body(t, h.get(ann, "/recognition")); !strings.Contains(page, `aria-pressed="true"`) {
			t.Fatal("the feed does not show ann's reaction as pressed")
		}
		h.postForm(ann, "/recognition/awards/"+itoa(awardID)+"/reactions", url.Values{"reaction": {"clap"}, "on": {"0"}})
		if n := count(t, d, "award_reactions"); n != 0 {
			t.Fatalf("%d reactions after taking it back", n)
		}
		resp = h.postForm(bob, "/recognition/awards/"+itoa(awardID)+"/comments", url.Values{"body": {"Bravo!"}})
		if resp.StatusCode != http.StatusSeeOther || count(t, d, "award_comments") != 1 {
			t.Fatalf("comment: %d", resp.StatusCode)
		}
		if page := body(t, h.get(lead, "/recognition")); !strings.Contains(page, "Bravo!") {
			t.Fatal("the comment is not in the feed")
		}

		// The philosophy shows, under each value, the tickets that earned it.
		page = body(t, h.get(bob, "/philosophy"))
		i := strings.Index(page, `id="value-examples-`+itoa(h.values[1].ID)+`"`)
		if i < 0 || !strings.Contains(page[i:], "Answered in four minutes.") || !strings.Contains(page[i:], "Kettle refund") {
			t.Fatalf("no examples under Responsive:\n%s", page)
		}

		// The signed-out feed sends to sign-in.
		if resp := h.get(h.browser(), "/recognition"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("signed-out feed: %d", resp.StatusCode)
		}
	})
}

func TestBadgeImage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newRecognitionDesk(t, newHarness(t, d))
		c := h.browser() // badges need no sign-in
		resp := h.get(c, "/badges/"+itoa(h.values[1].ID)+".svg")
		svg := body(t, resp)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" ||
			!strings.Contains(svg, "<title id=\"t\">Responsive badge</title>") || !strings.Contains(svg, `fill="#111111"`) {
			t.Fatalf("badge: %d %q\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), svg)
		}
		if cc := resp.Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
			t.Fatalf("an unversioned badge is cached for good: %q", cc)
		}
		etag := strings.Trim(resp.Header.Get("ETag"), `"`)
		resp = h.get(c, "/badges/"+itoa(h.values[1].ID)+".svg?v="+etag)
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
			t.Fatalf("a versioned badge: %q", cc)
		}
		for _, path := range []string{"/badges/999999.svg", "/badges/x.svg", "/badges/" + itoa(h.values[1].ID) + ".png"} {
			if resp := h.get(c, path); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
		}
	})
}

func TestRecognitionWebhookSetting(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newRecognitionDesk(t, newHarness(t, d))
		lead, bob := h.browser(), h.browser()
		h.signIn(lead, "lead@example.com")
		h.signIn(bob, "bob@example.com")
		if resp := h.get(bob, "/admin/recognition"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("an agent opened the webhook setting: %d", resp.StatusCode)
		}
		resp := h.postForm(lead, "/admin/recognition", url.Values{"url": {"javascript:alert(1)"}})
		if page := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Url must be an http or https URL") {
			t.Fatalf("bad URL: %d\n%s", resp.StatusCode, page)
		}
		resp = h.postForm(lead, "/admin/recognition", url.Values{"url": {"http://169.254.169.254/latest/meta-data/"}})
		if page := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "where cloud metadata services answer") {
			t.Fatalf("metadata URL: %d\n%s", resp.StatusCode, page)
		}
		resp = h.postForm(lead, "/admin/recognition", url.Values{"url": {"https://hooks.example.com/x"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", resp.StatusCode)
		}
		page := body(t, h.get(lead, "/admin/recognition"))
		if !strings.Contains(page, "https://hooks.example.com/x") || !strings.Contains(page, "X-Centerdesk-Signature") {
			t.Fatalf("settings page:\n%s", page)
		}
		everyControlLabelled(t, page)
		// The award queues a signed post.
		if resp := h.postForm(lead, "/recognition/awards", h.badgeForm("award", 0, "Kind.")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("award: %d", resp.StatusCode)
		}
		if n := scalar(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = 'recognition.webhook'`); n != 1 {
			t.Fatalf("%d webhook jobs", n)
		}
	})
}

func TestRecognitionDigestIsMailed(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		p := newPortalDesk(t, d)
		h := newRecognitionDesk(t, p.harness)
		lead := h.browser()
		h.signIn(lead, "lead@example.com")
		if resp := h.postForm(lead, "/recognition/awards", h.badgeForm("award", 0, "Listened, then fixed it.")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("award: %d", resp.StatusCode)
		}
		now := db.Now()
		if err := h.srv.QueueRecognitionDigest(context.Background(), now, now); err != nil {
			t.Fatal(err)
		}
		if _, err := h.srv.RunJobs(context.Background()); err != nil {
			t.Fatal(err)
		}
		p.relay.mu.Lock()
		defer p.relay.mu.Unlock()
		got := map[string]string{}
		for i, m := range p.relay.mails {
			if strings.HasPrefix(m.GetHeader("Subject"), "This week's recognition") {
				got[p.relay.to[i][0]] = m.Text
			}
		}
		if len(got) != 3 {
			t.Fatalf("digests went to %v", got)
		}
		text := got["bob@example.com"]
		for _, want := range []string{"Name of ann@example.com earned the Empathetic badge (E)", "Listened, then fixed it.",
			"Kettle refund", "Awarded by Name of lead@example.com"} {
			if !strings.Contains(text, want) {
				t.Errorf("the digest lacks %q:\n%s", want, text)
			}
		}
	})
}

func TestAwardIsAnnouncedLive(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		running, _ := runningHarness(t, d)
		h := newRecognitionDesk(t, running)
		lead, bob := h.browser(), h.browser()
		h.signIn(lead, "lead@example.com")
		h.signIn(bob, "bob@example.com")
		page := body(t, h.get(bob, "/recognition"))
		if !strings.Contains(page, `id="new-awards"`) || !strings.Contains(page, `data-live="1"`) {
			t.Fatal("the feed has no place for live news")
		}
		live := h.openLive(bob)
		if resp := h.postForm(lead, "/recognition/awards", h.badgeForm("award", 0, "Kind.")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("award: %d", resp.StatusCode)
		}
		m := live.next("award")
		if num(m["id"]) == 0 || num(m["ticket_id"]) != h.ticketID {
			t.Fatalf("live message %v", m)
		}
	})
}

// A lead withdraws an award from the feed, saying why; agents are offered
// no such form and are refused.
func TestLeadWithdrawsAnAwardFromTheFeed(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newRecognitionDesk(t, newHarness(t, d))
		lead, bob := h.browser(), h.browser()
		h.signIn(lead, "lead@example.com")
		h.signIn(bob, "bob@example.com")
		if resp := h.postForm(lead, "/recognition/awards", h.badgeForm("award", 0, "Stayed until it was fixed.")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("award: %d", resp.StatusCode)
		}
		var id int64
		if err := d.Read().QueryRow(`SELECT id FROM badge_awards`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		withdraw := "/recognition/awards/" + itoa(id) + "/withdraw"
		if page := body(t, h.get(bob, "/recognition")); strings.Contains(page, withdraw) {
			t.Error("an agent is offered the withdraw form")
		}
		if resp := h.postForm(bob, withdraw, url.Values{"reason": {"Mine now."}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("an agent withdrawing: %d, want 403", resp.StatusCode)
		}
		page := body(t, h.get(lead, "/recognition"))
		if !strings.Contains(page, withdraw) {
			t.Fatal("the lead is not offered the withdraw form")
		}
		everyControlLabelled(t, page)
		if resp := h.postForm(lead, withdraw, url.Values{"reason": {"The wrong agent."}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", resp.StatusCode)
		}
		if n := count(t, d, "badge_awards"); n != 0 {
			t.Fatalf("%d awards after the withdrawal", n)
		}
		if page := body(t, h.get(lead, "/recognition")); strings.Contains(page, "Stayed until it was fixed.") {
			t.Error("the feed still shows the withdrawn award")
		}
	})
}
