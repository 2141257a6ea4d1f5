package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// valueForm is a value with all its fields, as the editor sends it.
func valueForm(name, code, colour string) url.Values {
	return url.Values{"name": {name}, "code": {code}, "colour": {colour},
		"description": {name + " in one line"}, "meaning": {name + " means a lot"},
		"in_action": {"We show " + name}, "misread": {name + " is not chaos"},
		"judged_by": {"Reviews rate " + name}, "relationships": {"Customers trust " + name}}
}

// mustSee fails unless the page has every one of wants.
func mustSee(t *testing.T, what, page string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Fatalf("%s lacks %q:\n%s", what, w, page)
		}
	}
}

func TestPhilosophyPagesForAgentsAndLeads(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("admin@example.com", "admin")
		h.createUser("lead@example.com", "lead")
		h.createUser("agent@example.com", "agent")
		lead, agent := h.browser(), h.browser()
		h.signIn(lead, "lead@example.com")
		h.signIn(agent, "agent@example.com")

		// A lead (not an admin) edits: the vision, then six values.
		if resp := h.get(lead, "/philosophy/edit"); resp.StatusCode != http.StatusOK {
			t.Fatalf("lead opens the editor: %d", resp.StatusCode)
		}
		resp := h.postForm(lead, "/philosophy/vision", url.Values{"vision": {"Customers feel heard & helped."}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save vision: %d %s", resp.StatusCode, body(t, resp))
		}
		for _, v := range [][3]string{{"Creative", "C", "#b42318"}, {"Empowering", "E", "#1d6b3a"},
			{"Nimble", "N", "#f5c518"}, {"Trustful", "T", "#1f5fae"}, {"Empathetic", "E2", "#6b2c91"}} {
			if resp := h.postForm(lead, "/philosophy/values", valueForm(v[0], v[1], v[2])); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("add %s: %d %s", v[0], resp.StatusCode, body(t, resp))
			}
		}
		editor := body(t, h.get(lead, "/philosophy/edit"))
		mustSee(t, "the editor at five values", editor, "At most 5 are suggested")
		h.postForm(lead, "/philosophy/values", valueForm("Responsive", "R", "#0b7285"))
		editor = body(t, h.get(lead, "/philosophy/edit"))
		mustSee(t, "the editor at six values", editor, "the team has 6 values; at most 5 are suggested, because")

		// Bad input names its field and changes nothing.
		resp = h.postForm(lead, "/philosophy/values", valueForm("Bold", "B", "red"))
		page := body(t, resp)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "colour:") ||
			!strings.Contains(page, `id="value-colour" name="colour" type="color" value="red"`) {
			t.Fatalf("bad colour: %d\n%s", resp.StatusCode, page)
		}
		if n := count(t, d, "team_values"); n != 6 {
			t.Fatalf("%d values after a refused one, want 6", n)
		}

		// Every user reads the page: the vision, each value with its code,
		// colour, name, description, five answers, and the examples' place.
		page = body(t, h.get(agent, "/philosophy"))
		id := valueID(t, d, "C")
		mustSee(t, "the philosophy page", page, "Customers feel heard &amp; helped.", "Creative",
			`fill="#b42318"`, "<code>#b42318</code>", "Creative in one line", "What it means to us",
			"Creative means a lot", "What it looks like in action", "We show Creative", "How it could be misread",
			"How we judge whether we live it", "How it will change our relationships with customers",
			"Customers trust Creative", `id="value-examples-`+id+`"`, `href="/philosophy.md"`,
			`href="/philosophy" aria-current="page">Philosophy</a>`, `href="/surveys"`)
		if strings.Contains(page, "/philosophy/edit") {
			t.Fatal("an agent is offered the editor")
		}
		if strings.Contains(page, " style=") || strings.Contains(page, "<script>") {
			t.Fatal("the page has inline style or script, which the CSP blocks")
		}
		// Yellow takes dark ink, the rest white.
		mustSee(t, "the value marks", page, `fill="#1b2330" text-anchor="middle"`, `fill="#ffffff" text-anchor="middle"`)

		// An agent cannot edit.
		for _, path := range []string{"/philosophy/edit", "/philosophy/values/" + id} {
			if resp := h.get(agent, path); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("agent GET %s: %d, want 403", path, resp.StatusCode)
			}
		}
		for path, form := range map[string]url.Values{
			"/philosophy/vision":                   {"vision": {"hijacked"}},
			"/philosophy/values":                   valueForm("Sneaky", "S", "#000000"),
			"/philosophy/values/" + id:             valueForm("Sneaky", "S", "#000000"),
			"/philosophy/values/" + id + "/delete": nil,
		} {
			if resp := h.postForm(agent, path, form); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("agent POST %s: %d, want 403", path, resp.StatusCode)
			}
		}
		if page := body(t, h.get(agent, "/philosophy")); strings.Contains(page, "hijacked") || strings.Contains(page, "Sneaky") ||
			!strings.Contains(page, "Creative") {
			t.Fatal("an agent's refused change shows on the page")
		}

		// The lead edits one value and removes another; versions record it.
		resp = h.postForm(lead, "/philosophy/values/"+id, valueForm("Creative always", "C", "#b42318"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit value: %d %s", resp.StatusCode, body(t, resp))
		}
		if resp := h.postForm(lead, "/philosophy/values/"+valueID(t, d, "E2")+"/delete", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete value: %d", resp.StatusCode)
		}
		versions := body(t, h.get(agent, "/philosophy/versions"))
		mustSee(t, "the versions", versions, "Vision changed", "Value added", "Value changed", "Value removed",
			"Name of lead@example.com", "<li>Removed E2 Empathetic</li>", "<li>Added R Responsive</li>")
		latest := regexp.MustCompile(`/philosophy/versions/(\d+)`).FindStringSubmatch(versions)
		old := body(t, h.get(agent, "/philosophy/versions/"+latest[1]))
		mustSee(t, "the newest version", old, "Removed E2 Empathetic", "Creative always")
		if strings.Contains(old, "value-examples-") {
			t.Fatal("an old version has the examples' placeholders")
		}
		edited := body(t, h.get(agent, "/philosophy/versions/"+itoa(int64(atoi(t, latest[1])-1))))
		mustSee(t, "the version of the edit", edited, "Changed C Creative always: name, description, what it means",
			`<h3 class="diff-label">C Creative always: name</h3>`, `Creative<ins> always</ins></p>`)
	})
}

// TestAdminsMakeLeads checks that the users page and the API accept the
// lead role, and that a lead is offered the editor but not the admin pages.
func TestAdminsMakeLeads(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		admin := h.createUser("admin@example.com", "admin")
		bo := h.createUser("bo@example.com", "agent")
		cy := h.createUser("cy@example.com", "agent")
		b := h.browser()
		h.signIn(b, "admin@example.com")
		if resp := h.postForm(b, "/admin/users/"+itoa(bo.ID), url.Values{"role": {"lead"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("make a lead on the page: %d %s", resp.StatusCode, body(t, resp))
		}
		mustSee(t, "the users page", body(t, h.get(b, "/admin/users")), `<option value="lead" selected>lead</option>`)
		resp, out := h.api(http.MethodPatch, "/api/v1/users/"+itoa(cy.ID), h.token(admin), `{"role": "lead"}`)
		if resp.StatusCode != http.StatusOK || out["role"] != "lead" {
			t.Fatalf("make a lead by the API: %d %v", resp.StatusCode, out)
		}
		resp, out = h.api(http.MethodPatch, "/api/v1/users/"+itoa(cy.ID), h.token(admin), `{"role": "boss"}`)
		if resp.StatusCode != http.StatusBadRequest || errorOf(t, out)["field"] != "role" {
			t.Fatalf("an unknown role: %d %v", resp.StatusCode, out)
		}

		lead := h.browser()
		h.signIn(lead, "bo@example.com")
		mustSee(t, "a lead's philosophy page", body(t, h.get(lead, "/philosophy")), `href="/philosophy/edit"`)
		if resp := h.get(lead, "/admin/users"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a lead opens the admin pages: %d, want 403", resp.StatusCode)
		}
	})
}

func TestPhilosophyMarkdownExport(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("lead@example.com", "lead")
		h.createUser("agent@example.com", "agent")
		lead, agent := h.browser(), h.browser()
		h.signIn(lead, "lead@example.com")
		h.signIn(agent, "agent@example.com")
		h.postForm(lead, "/philosophy/vision", url.Values{"vision": {"Every customer leaves lighter."}})
		h.postForm(lead, "/philosophy/values", valueForm("Trustful", "T", "#1f5fae"))

		resp := h.get(agent, "/philosophy.md")
		md := body(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/markdown") ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), `attachment; filename="philosophy.md"`) {
			t.Fatalf("markdown: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
		}
		mustSee(t, "the Markdown", md, "# Our philosophy\n", "## Vision\n\nEvery customer leaves lighter.\n",
			"### T — Trustful\n", "Colour: `#1f5fae`", "**What it means to us**\n\nTrustful means a lot",
			"**How it will change our relationships with customers**\n\nCustomers trust Trustful")
		if resp := h.get(h.browser(), "/philosophy.md"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("signed-out Markdown: %d, want a redirect to sign in", resp.StatusCode)
		}
	})
}

func TestSurveyPagesAnswerOnceAndCountWords(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("lead@example.com", "lead")
		lead := h.browser()
		h.signIn(lead, "lead@example.com")
		agents := make([]*http.Client, 3)
		for i := range agents {
			email := "agent" + itoa(int64(i)) + "@example.com"
			h.createUser(email, "agent")
			agents[i] = h.browser()
			h.signIn(agents[i], email)
		}

		mustSee(t, "the survey form", body(t, h.get(lead, "/surveys")),
			">What do you want our customers to think when they think of the service we provide?</textarea>")
		if page := body(t, h.get(agents[0], "/surveys")); strings.Contains(page, "Start a survey") {
			t.Fatal("an agent is offered to start a survey")
		}
		if resp := h.postForm(agents[0], "/surveys", url.Values{"question": {"Mine?"}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("agent starts a survey: %d, want 403", resp.StatusCode)
		}
		resp := h.postForm(lead, "/surveys", url.Values{"question": {"What should customers think of us?"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("start survey: %d %s", resp.StatusCode, body(t, resp))
		}
		path := resp.Header.Get("Location")

		page := body(t, h.get(agents[0], path))
		mustSee(t, "the unanswered survey", page, "Your answer is anonymous", "each person answers once",
			"The results show once you have answered")
		answers := []string{"They are fast and friendly!", "Friendly, honest and FAST.", "We are honest with every customer."}
		for i, a := range answers {
			if resp := h.postForm(agents[i], path+"/answers", url.Values{"answer": {a}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("answer %d: %d %s", i, resp.StatusCode, body(t, resp))
			}
			if i == 0 {
				// One answer alone would be readable from the counts.
				page := body(t, h.get(lead, path))
				mustSee(t, "a survey with one answer", page, "The words show once 3 people have answered")
				if strings.Contains(page, "<td>friendly</td>") {
					t.Fatal("the words of a single answer show")
				}
			}
		}
		resp = h.postForm(agents[0], path+"/answers", url.Values{"answer": {"again"}})
		if page := body(t, resp); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "already answered") {
			t.Fatalf("second answer: %d\n%s", resp.StatusCode, page)
		}
		if n := count(t, d, "survey_answers"); n != 3 {
			t.Fatalf("%d answers stored, want 3", n)
		}

		page = body(t, h.get(agents[0], path))
		mustSee(t, "the results", page, "You have answered this survey",
			"<tr><td>fast</td><td>2</td></tr>", "<tr><td>friendly</td><td>2</td></tr>",
			"<tr><td>honest</td><td>2</td></tr>", "<tr><td>customer</td><td>1</td></tr>")
		for _, stop := range []string{"<td>they</td>", "<td>are</td>", "<td>and</td>", "<td>we</td>", "<td>with</td>", "<td>them</td>", "<td>every</td>"} {
			if strings.Contains(page, stop) {
				t.Fatalf("the results count the stop word %s", stop)
			}
		}
		mustSee(t, "the word cloud", page, `class="cloud-word size-6`, `fast<span class="visually-hidden"> (2)</span>`)
		if strings.Contains(page, " style=") {
			t.Fatal("the word cloud uses inline style, which the CSP blocks")
		}
		if strings.Contains(page, `name="answer"`) {
			t.Fatal("the answered survey still offers the answer form")
		}
	})
}

func TestPhilosophyFormsRefuseCrossOriginPosts(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.createUser("lead@example.com", "lead")
		lead := h.browser()
		h.signIn(lead, "lead@example.com")
		h.postForm(lead, "/philosophy/values", valueForm("Nimble", "N", "#1f5fae"))
		h.postForm(lead, "/surveys", url.Values{"question": {"Why?"}})
		id := valueID(t, d, "N")
		versions, surveys := count(t, d, "philosophy_versions"), count(t, d, "surveys")
		for path, form := range map[string]url.Values{
			"/philosophy/vision":                   {"vision": {"forged"}},
			"/philosophy/values":                   valueForm("Forged", "F", "#000000"),
			"/philosophy/values/" + id:             valueForm("Forged", "N", "#000000"),
			"/philosophy/values/" + id + "/delete": nil,
			"/surveys":                             {"question": {"forged"}},
			"/surveys/1/answers":                   {"answer": {"forged"}},
		} {
			resp := h.postForm(lead, path, form, "Origin", "https://evil.example")
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("cross-origin POST %s: %d, want 403", path, resp.StatusCode)
			}
		}
		if count(t, d, "philosophy_versions") != versions || count(t, d, "surveys") != surveys ||
			count(t, d, "survey_answers") != 0 {
			t.Fatal("a refused cross-origin POST changed something")
		}
	})
}

// valueID returns the id of the value with code, as text for a path.
func valueID(t *testing.T, d *db.DB, code string) string {
	t.Helper()
	var id int64
	if err := d.Read().QueryRowContext(context.Background(), `SELECT id FROM team_values WHERE code = $1`, code).Scan(&id); err != nil {
		t.Fatalf("value %s: %v", code, err)
	}
	return itoa(id)
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("%q is not a number", s)
		}
		n = n*10 + int(r-'0')
	}
	return n
}
