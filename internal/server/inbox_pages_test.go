package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// workspace is a harness with tickets made through the ticket service.
type workspace struct {
	*harness
	tickets *ticket.Service
}

func newWorkspace(t *testing.T, d *db.DB) *workspace {
	return &workspace{harness: newHarness(t, d), tickets: ticket.NewService(d)}
}

// agent makes a user and a browser signed in as them.
func (w *workspace) agent(email, role string) (*user.User, *http.Client) {
	w.t.Helper()
	u := w.createUser(email, role)
	b := w.browser()
	w.signIn(b, email)
	return u, b
}

func (w *workspace) ticket(subject, priority string, assignee *int64) *ticket.Ticket {
	w.t.Helper()
	tk, err := w.tickets.Create(context.Background(), ticket.NewTicket{
		Subject: subject, Body: "Details of " + subject, Channel: "email", Priority: priority,
		Requester: ticket.Requester{Email: strings.ToLower(strings.ReplaceAll(subject, " ", ".")) + "@example.com"},
	})
	if err != nil {
		w.t.Fatal(err)
	}
	if assignee != nil {
		if tk, err = w.tickets.Update(testutil.As(*assignee), tk.ID, ticket.Patch{AssigneeID: ticket.SetID(assignee)}); err != nil {
			w.t.Fatal(err)
		}
	}
	return tk
}

func (w *workspace) page(b *http.Client, path string, want int) string {
	w.t.Helper()
	resp := w.get(b, path)
	page := body(w.t, resp)
	if resp.StatusCode != want {
		w.t.Fatalf("GET %s: %d, want %d\n%s", path, resp.StatusCode, want, page)
	}
	return page
}

func (w *workspace) post(b *http.Client, path string, form url.Values, want int) *http.Response {
	w.t.Helper()
	resp := w.postForm(b, path, form)
	if resp.StatusCode != want {
		w.t.Fatalf("POST %s: %d, want %d\n%s", path, resp.StatusCode, want, body(w.t, resp))
	}
	return resp
}

func row(id int64) string { return fmt.Sprintf(`id="ticket-row-%d"`, id) }

func TestInboxReadyMadeViews(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorkspace(t, d)
		ada, b := w.agent("ada@example.com", "agent")
		bob := w.createUser("bob@example.com", "agent")
		mine := w.ticket("Printer jam", "normal", &ada.ID)
		theirs := w.ticket("Lost password", "high", &bob.ID)
		nobodys := w.ticket("Refund please", "low", nil)

		page := w.page(b, "/inbox", http.StatusOK)
		for _, s := range []string{`<table id="inbox"`, `data-view-id="mine"`, `<tbody id="inbox-rows"`, row(mine.ID),
			fmt.Sprintf(`href="/tickets/%d"`, mine.ID), `<nav id="views"`, `href="/inbox?view=unassigned"`} {
			if !strings.Contains(page, s) {
				t.Errorf("inbox lacks %s", s)
			}
		}
		if strings.Contains(page, row(theirs.ID)) || strings.Contains(page, row(nobodys.ID)) {
			t.Error("My open tickets lists others' tickets")
		}
		rows := w.page(b, "/inbox/rows?view=unassigned", http.StatusOK)
		if !strings.Contains(rows, row(nobodys.ID)) || strings.Contains(rows, row(mine.ID)) || strings.Contains(rows, "<html") {
			t.Errorf("unassigned rows fragment:\n%s", rows)
		}
		all := w.page(b, "/inbox?view=open", http.StatusOK)
		for _, tk := range []*ticket.Ticket{mine, theirs, nobodys} {
			if !strings.Contains(all, row(tk.ID)) {
				t.Errorf("All open lacks ticket %d", tk.ID)
			}
		}
		counts := w.page(b, "/inbox/counts?view=open", http.StatusOK)
		for view, n := range map[string]int{"mine": 1, "unassigned": 1, "open": 3, "pending": 0, "solved": 0} {
			re := regexp.MustCompile(`data-view-id="` + view + `"[^>]*>\s*<span>[^<]*</span>\s*<span class="count">(\d+)`)
			m := re.FindStringSubmatch(counts)
			if m == nil || m[1] != strconv.Itoa(n) {
				t.Errorf("count of %s: %v, want %d\n%s", view, m, n, counts)
			}
		}
		w.page(b, "/inbox?view=nosuch", http.StatusNotFound)
	})
}

func TestViewsAreCreatedSharedAndPrivate(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorkspace(t, d)
		ada, a := w.agent("ada@example.com", "agent")
		bob, b := w.agent("bob@example.com", "agent")
		carl, c := w.agent("carl@example.com", "agent")
		tm, err := team.NewService(d).Create(testutil.As(ada.ID), team.NewTeam{Name: "Billing", MemberIDs: []int64{ada.ID, bob.ID}})
		if err != nil {
			t.Fatal(err)
		}
		urgent := w.ticket("Server down", "urgent", nil)
		calm := w.ticket("Question", "low", nil)

		resp := w.post(a, "/views/new", url.Values{"name": {"Fires"}, "priorities": {"urgent"},
			"statuses": {"new", "open"}, "columns": {"subject", "priority"}, "sort": {"priority"}}, http.StatusSeeOther)
		loc := resp.Header.Get("Location")
		id := strings.TrimPrefix(loc, "/inbox?view=")
		if _, err := strconv.Atoi(id); err != nil {
			t.Fatalf("created view went to %q", loc)
		}
		page := w.page(a, loc, http.StatusOK)
		if !strings.Contains(page, row(urgent.ID)) || strings.Contains(page, row(calm.ID)) || !strings.Contains(page, "Edit view") {
			t.Fatalf("the new view lists the wrong tickets:\n%s", page)
		}

		// Private: the others neither see nor touch it.
		for _, other := range []*http.Client{b, c} {
			w.page(other, loc, http.StatusNotFound)
			w.page(other, "/views/"+id+"/edit", http.StatusNotFound)
			w.post(other, "/views/"+id+"/delete", nil, http.StatusNotFound)
		}
		resp, _ = w.api("GET", "/api/v1/views/"+id, w.token(bob), "")
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("API shows a private view to another agent: %d", resp.StatusCode)
		}

		// Shared with Billing: Bob sees it, Carl still does not.
		w.post(a, "/views/"+id+"/edit", url.Values{"name": {"Fires"}, "priorities": {"urgent"},
			"team_id": {strconv.FormatInt(tm.ID, 10)}}, http.StatusSeeOther)
		if page := w.page(b, loc, http.StatusOK); !strings.Contains(page, row(urgent.ID)) || strings.Contains(page, "Edit view") {
			t.Fatal("a teammate does not see the shared view, or may edit it")
		}
		if nav := w.page(b, "/inbox/counts", http.StatusOK); !strings.Contains(nav, `href="/inbox?view=`+id+`"`) {
			t.Fatal("the shared view is not in the teammate's list")
		}
		w.page(c, loc, http.StatusNotFound)
		w.post(b, "/views/"+id+"/delete", nil, http.StatusForbidden)
		w.post(a, "/views/"+id+"/edit", url.Values{"name": {""}}, http.StatusBadRequest)

		w.post(a, "/views/"+id+"/delete", nil, http.StatusSeeOther)
		w.page(a, loc, http.StatusNotFound)
		_ = carl
	})
}

func TestViewsAPI(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorkspace(t, d)
		ada := w.createUser("ada@example.com", "agent")
		bob := w.createUser("bob@example.com", "agent")
		tok, other := w.token(ada), w.token(bob)
		mine := w.ticket("Printer jam", "normal", &ada.ID)

		resp, out := w.api("GET", "/api/v1/views", tok, "")
		if resp.StatusCode != http.StatusOK || len(out["items"].([]any)) != 5 {
			t.Fatalf("list: %d %v", resp.StatusCode, out)
		}
		resp, out = w.api("GET", "/api/v1/views/mine/tickets", tok, "")
		items := out["items"].([]any)
		if resp.StatusCode != http.StatusOK || len(items) != 1 || int64(items[0].(map[string]any)["id"].(float64)) != mine.ID {
			t.Fatalf("mine/tickets: %d %v", resp.StatusCode, out)
		}
		resp, out = w.api("POST", "/api/v1/views", tok, `{"name":"Normal","filters":{"priorities":["normal"]},"columns":["subject"]}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %v", resp.StatusCode, out)
		}
		id := out["id"].(string)
		resp, out = w.api("PATCH", "/api/v1/views/"+id, tok, `{"sort":"sideways"}`)
		if resp.StatusCode != http.StatusBadRequest || errorOf(t, out)["field"] != "sort" {
			t.Fatalf("bad sort: %d %v", resp.StatusCode, out)
		}
		for _, method := range []string{"GET", "PATCH", "DELETE"} {
			body := ""
			if method == "PATCH" {
				body = `{"name":"mine now"}`
			}
			if resp, _ := w.api(method, "/api/v1/views/"+id, other, body); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("%s of another's private view: %d", method, resp.StatusCode)
			}
		}
		if resp, _ := w.api("DELETE", "/api/v1/views/mine", tok, ""); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("deleting a ready-made view: %d", resp.StatusCode)
		}
		if resp, _ := w.api("DELETE", "/api/v1/views/"+id, tok, ""); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
	})
}

func TestBulkActionsChangeTicketsWithEvents(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorkspace(t, d)
		ada, a := w.agent("ada@example.com", "agent")
		one := w.ticket("First", "normal", nil)
		two := w.ticket("Second", "normal", nil)
		three := w.ticket("Third", "normal", nil)
		eventsOf := func(id int64) int {
			evs, err := w.tickets.Events(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			return len(evs)
		}
		before := eventsOf(one.ID)

		w.post(a, "/inbox/bulk", url.Values{"view": {"unassigned"}, "action": {"apply"},
			"ticket": {itoa(one.ID), itoa(two.ID)}, "assignee": {"me"}, "status": {"pending"},
			"priority": {"high"}, "add_tag": {"VIP"}}, http.StatusSeeOther)
		for _, id := range []int64{one.ID, two.ID} {
			tk, err := w.tickets.Get(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if tk.AssigneeID == nil || *tk.AssigneeID != ada.ID || tk.Status != "pending" || tk.Priority != "high" ||
				!strings.Contains(strings.Join(tk.Tags, ","), "vip") {
				t.Fatalf("ticket %d after bulk: %+v", id, tk)
			}
		}
		if got := eventsOf(one.ID); got != before+4 {
			t.Fatalf("bulk appended %d events, want 4 (assignee, status, priority, tags)", got-before)
		}
		if page := w.page(a, "/inbox?view=unassigned", http.StatusOK); !strings.Contains(page, "Updated 2 of 2 tickets.") {
			t.Fatal("no flash reports the bulk change")
		}
		if tk, _ := w.tickets.Get(context.Background(), three.ID); tk.AssigneeID != nil {
			t.Fatal("an unselected ticket changed")
		}

		w.post(a, "/inbox/bulk", url.Values{"view": {"open"}, "action": {"apply"}, "ticket": {itoa(one.ID)},
			"remove_tag": {"vip"}}, http.StatusSeeOther)
		if tk, _ := w.tickets.Get(context.Background(), one.ID); strings.Contains(strings.Join(tk.Tags, ","), "vip") {
			t.Fatal("remove tag left the tag")
		}

		w.post(a, "/inbox/bulk", url.Values{"view": {"open"}, "action": {"merge"},
			"ticket": {itoa(two.ID), itoa(three.ID)}}, http.StatusSeeOther)
		merged, err := w.tickets.Get(context.Background(), three.ID)
		if err != nil || merged.Status != "closed" {
			t.Fatalf("merged ticket: %+v %v", merged, err)
		}
		if page := w.page(a, "/inbox?view=open", http.StatusOK); !strings.Contains(page, fmt.Sprintf("Merged 1 tickets into #%d.", two.Number)) {
			t.Fatal("no flash reports the merge")
		}

		w.post(a, "/inbox/bulk", url.Values{"view": {"open"}, "action": {"apply"}, "ticket": {"abc"}}, http.StatusBadRequest)
	})
}

func TestSearchPageFindsTicketsCustomersAndMessages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorkspace(t, d)
		_, a := w.agent("ada@example.com", "agent")
		tk := w.ticket("Invoice overdue", "normal", nil)
		if _, err := w.tickets.AddMessage(testutil.As(1), tk.ID, "The zeppelin arrived broken.", ticket.KindNote); err != nil {
			t.Fatal(err)
		}
		c, err := customer.NewService(d).Create(testutil.As(1), customer.NewCustomer{Email: "grace@navy.example", Name: "Grace Hopper"})
		if err != nil {
			t.Fatal(err)
		}
		page := w.page(a, "/search?q=invoice", http.StatusOK)
		if !strings.Contains(page, fmt.Sprintf(`href="/tickets/%d"`, tk.ID)) || !strings.Contains(page, `value="invoice"`) {
			t.Fatalf("ticket not found:\n%s", page)
		}
		page = w.page(a, "/search?q=zeppelin", http.StatusOK)
		if !strings.Contains(page, fmt.Sprintf(`href="/tickets/%d#message-`, tk.ID)) || !strings.Contains(page, "<mark>zeppelin</mark>") {
			t.Fatalf("message not found:\n%s", page)
		}
		page = w.page(a, "/search?q=hopper", http.StatusOK)
		if !strings.Contains(page, fmt.Sprintf(`href="/customers/%d"`, c.ID)) {
			t.Fatalf("customer not found:\n%s", page)
		}
		page = w.page(a, "/search?q=%3Cscript%3E", http.StatusOK)
		if strings.Contains(page, "<script>") {
			t.Fatal("the query is echoed unescaped")
		}
	})
}

func TestAdminTeamsTagsAndFieldsPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorkspace(t, d)
		_, admin := w.agent("admin@example.com", "admin")
		ada, a := w.agent("ada@example.com", "agent")
		w.page(a, "/admin/teams", http.StatusForbidden)

		w.post(admin, "/admin/teams", url.Values{"name": {"Billing"}, "member": {itoa(ada.ID)}}, http.StatusSeeOther)
		teams, err := team.NewService(d).List(context.Background())
		if err != nil || len(teams) != 1 || len(teams[0].MemberIDs) != 1 || teams[0].MemberIDs[0] != ada.ID {
			t.Fatalf("teams %+v %v", teams, err)
		}
		id := itoa(teams[0].ID)
		if page := w.page(admin, "/admin/teams", http.StatusOK); !strings.Contains(page, "Name of ada@example.com") {
			t.Fatal("members not listed")
		}
		w.page(admin, "/admin/teams/"+id, http.StatusOK)
		w.post(admin, "/admin/teams/"+id, url.Values{"name": {"Finance"}}, http.StatusSeeOther)
		if tm, _ := team.NewService(d).Get(context.Background(), teams[0].ID); tm.Name != "Finance" || len(tm.MemberIDs) != 0 {
			t.Fatalf("team after edit %+v", tm)
		}
		w.post(admin, "/admin/teams", url.Values{"name": {""}}, http.StatusBadRequest)

		tk := w.ticket("Tagged", "normal", nil)
		if _, err := w.tickets.Update(testutil.As(ada.ID), tk.ID, ticket.Patch{AddTags: []string{"refnd"}}); err != nil {
			t.Fatal(err)
		}
		if page := w.page(admin, "/admin/tags", http.StatusOK); !strings.Contains(page, "refnd") {
			t.Fatal("tag not listed")
		}
		w.post(admin, "/admin/tags/rename", url.Values{"from": {"refnd"}, "to": {"refund"}}, http.StatusSeeOther)
		if got, _ := w.tickets.Get(context.Background(), tk.ID); strings.Join(got.Tags, ",") != "refund" {
			t.Fatalf("tags after rename %v", got.Tags)
		}
		w.post(admin, "/admin/tags/delete", url.Values{"tag": {"refund"}}, http.StatusSeeOther)
		if got, _ := w.tickets.Get(context.Background(), tk.ID); len(got.Tags) != 0 {
			t.Fatalf("tags after delete %v", got.Tags)
		}

		w.post(admin, "/admin/fields", url.Values{"key": {"plan"}, "label": {"Plan"}, "type": {"dropdown"},
			"options": {"Free\r\nPro\r\n"}}, http.StatusSeeOther)
		resp := w.postForm(admin, "/admin/fields", url.Values{"key": {"Bad Key"}, "label": {"x"}, "type": {"text"}})
		if page := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "key:") {
			t.Fatalf("bad key: %d", resp.StatusCode)
		}
		page := w.page(admin, "/admin/fields", http.StatusOK)
		m := regexp.MustCompile(`href="/admin/fields/(\d+)">Plan<`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("field not listed:\n%s", page)
		}
		w.post(admin, "/admin/fields/"+m[1], url.Values{"label": {"Plan"}, "options": {"Free\nPro\nEnterprise"},
			"archived": {"on"}}, http.StatusSeeOther)
		if page := w.page(admin, "/admin/fields/"+m[1], http.StatusOK); !strings.Contains(page, "Enterprise") {
			t.Fatal("options not saved")
		}
	})
}

// inlineCode finds what the Content-Security-Policy would block: scripts
// without a src, event handler attributes and style attributes.
var (
	scriptTag    = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	eventHandler = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	styleAttr    = regexp.MustCompile(`(?i)<[a-z][^>]*\sstyle\s*=`)
)

func TestWorkspacePagesHaveNoInlineScript(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorkspace(t, d)
		admin, b := w.agent("admin@example.com", "admin")
		w.ticket("On my plate", "urgent", &admin.ID)
		for _, path := range []string{"/inbox", "/inbox?view=open", "/inbox/rows?view=mine", "/inbox/counts",
			"/views/new", "/search", "/search?q=plate", "/admin/teams", "/admin/tags", "/admin/fields",
			"/admin/users", "/account"} {
			resp := w.get(b, path)
			page := body(t, resp)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", path, resp.StatusCode)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") ||
				strings.Contains(csp, "unsafe-inline") {
				t.Errorf("%s: CSP %q", path, csp)
			}
			for _, tag := range scriptTag.FindAllString(page, -1) {
				if !strings.Contains(tag, " src=") {
					t.Errorf("%s: inline script %s", path, tag)
				}
			}
			if m := eventHandler.FindString(page); m != "" {
				t.Errorf("%s: inline event handler %q", path, m)
			}
			if m := styleAttr.FindString(page); m != "" {
				t.Errorf("%s: style attribute in %q", path, m)
			}
		}
		page := w.page(b, "/inbox", http.StatusOK)
		for _, s := range []string{`id="global-search"`, `<dialog id="shortcuts"`, "vendor/htmx.min.js", "app.js",
			`name="htmx-config"`, `"allowEval":false`} {
			if !strings.Contains(page, s) {
				t.Errorf("layout lacks %s", s)
			}
		}
	})
}
