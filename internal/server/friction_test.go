package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// frictionDesk is a server with a lead, an agent who is Billing's
// ambassador, another agent, and a ticket.
type frictionDesk struct {
	*harness
	lead, amb, agent string // tokens
	ambEmail         string
	agentEmail       string
	ticket           int64
}

func newFrictionDesk(t *testing.T, d *db.DB) *frictionDesk {
	h := newHarness(t, d)
	lead, amb, agent := h.createUser("lead@desk.test", "lead"), h.createUser("amb@desk.test", "agent"),
		h.createUser("agent@desk.test", "agent")
	f := &frictionDesk{harness: h, lead: h.token(lead), amb: h.token(amb), agent: h.token(agent),
		ambEmail: amb.Email, agentEmail: agent.Email}
	resp, out := h.api("POST", "/api/v1/tickets", f.agent,
		`{"subject": "Invoice will not open", "body": "The PDF is blank", "requester": {"email": "ann@example.com"}}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create ticket: %d %v", resp.StatusCode, out)
	}
	f.ticket = int64(out["id"].(float64))
	resp, out = h.api("POST", "/api/v1/departments", f.lead, fmt.Sprintf(`{"name": "Billing", "ambassador_ids": [%d]}`, amb.ID))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create department: %d %v", resp.StatusCode, out)
	}
	return f
}

// wantField checks an answer is 400 naming field.
func wantField(t *testing.T, what string, resp *http.Response, out map[string]any, field string) {
	t.Helper()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("%s: %d %v, want 400", what, resp.StatusCode, out)
		return
	}
	if got := errorOf(t, out)["field"]; got != field {
		t.Errorf("%s: names %v, want %s", what, got, field)
	}
}

func TestFrictionAPIProposeAcceptTagAndReport(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFrictionDesk(t, d)
		if resp, _ := f.api("POST", "/api/v1/departments", f.agent, `{"name": "Sales"}`); resp.StatusCode != http.StatusForbidden {
			t.Errorf("an agent created a department: %d", resp.StatusCode)
		}
		resp, out := f.api("GET", "/api/v1/departments", f.agent, "")
		dep := out["items"].([]any)[0].(map[string]any)
		depID := int64(dep["id"].(float64))
		if resp.StatusCode != http.StatusOK || dep["name"] != "Billing" {
			t.Fatalf("departments: %d %v", resp.StatusCode, out)
		}

		resp, out = f.api("POST", "/api/v1/friction/proposals", f.agent,
			fmt.Sprintf(`{"department_id": %d, "name": "Invoice PDF unreadable", "ticket_id": %d}`, depID, f.ticket))
		if resp.StatusCode != http.StatusCreated || out["state"] != "proposed" {
			t.Fatalf("propose: %d %v", resp.StatusCode, out)
		}
		point := int64(out["id"].(float64))
		if resp, _ := f.api("POST", fmt.Sprintf("/api/v1/friction/%d/accept", point), f.amb, ""); resp.StatusCode != http.StatusForbidden {
			t.Errorf("an agent accepted: %d", resp.StatusCode)
		}
		resp, out = f.api("POST", fmt.Sprintf("/api/v1/friction/%d/accept", point), f.lead, "")
		if resp.StatusCode != http.StatusOK || out["state"] != "accepted" || out["award_id"] == nil {
			t.Fatalf("accept: %d %v", resp.StatusCode, out)
		}
		resp, out = f.api("GET", "/api/v1/awards", f.agent, "")
		if items, _ := out["items"].([]any); resp.StatusCode != http.StatusOK || len(items) != 1 ||
			items[0].(map[string]any)["value_name"] != "Friction hunter" {
			t.Errorf("feed: %d %v", resp.StatusCode, out)
		}
		ticketFriction := fmt.Sprintf("/api/v1/tickets/%d/friction", f.ticket)
		resp, out = f.api("GET", ticketFriction, f.agent, "")
		if resp.StatusCode != http.StatusOK || len(out["items"].([]any)) != 1 {
			t.Fatalf("ticket's friction: %d %v", resp.StatusCode, out)
		}
		// The proposer's ticket was tagged in their name; Billing's ambassador
		// may take it off too.
		resp, out = f.api("DELETE", fmt.Sprintf("%s/%d", ticketFriction, point), f.amb, "")
		if resp.StatusCode != http.StatusOK || len(out["items"].([]any)) != 0 {
			t.Fatalf("the ambassador untagged: %d %v", resp.StatusCode, out)
		}
		resp, out = f.api("POST", ticketFriction, f.agent, fmt.Sprintf(`{"friction_id": %d}`, point))
		if resp.StatusCode != http.StatusOK || len(out["items"].([]any)) != 1 {
			t.Fatalf("tag: %d %v", resp.StatusCode, out)
		}
		status := fmt.Sprintf("/api/v1/friction/%d/status", point)
		if resp, _ := f.api("PUT", status, f.agent, `{"status": "raised"}`); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a non-ambassador set the status: %d", resp.StatusCode)
		}
		resp, out = f.api("PUT", status, f.amb, `{"status": "fixed", "fixed_on": "2026-11-01"}`)
		if resp.StatusCode != http.StatusOK || out["status"] != "fixed" {
			t.Fatalf("status: %d %v", resp.StatusCode, out)
		}

		resp, out = f.api("GET", "/api/v1/friction/report", f.agent, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("report: %d %v", resp.StatusCode, out)
		}
		row := out["points"].([]any)[0].(map[string]any)
		if row["name"] != "Invoice PDF unreadable" || row["tickets"] != 1.0 || row["customers"] != 1.0 ||
			row["contacts"] != 1.0 || row["fix"] == nil || len(row["trend"].([]any)) != len(out["weeks"].([]any)) {
			t.Errorf("report row %v", row)
		}
		req, _ := http.NewRequest("GET", f.url+"/api/v1/friction/report?format=csv", nil)
		req.Header.Set("Authorization", "Bearer "+f.agent)
		csvResp := f.do(http.DefaultClient, req)
		text := body(t, csvResp)
		if csvResp.StatusCode != http.StatusOK || !strings.HasPrefix(csvResp.Header.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(text, "kind,department,friction_point,") || !strings.Contains(text, "friction_point,Billing,Invoice PDF unreadable,fixed,2026-11-01,1,1,1,0") {
			t.Errorf("csv %d %s:\n%s", csvResp.StatusCode, csvResp.Header.Get("Content-Type"), text)
		}
	})
}

func TestFrictionAPIBadInputNamesTheField(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFrictionDesk(t, d)
		cases := []struct {
			method, path, token, body, field string
		}{
			{"POST", "/api/v1/departments", f.lead, `{"name": " "}`, "name"},
			{"POST", "/api/v1/departments", f.lead, `{"name": "X", "ambassador_ids": [0]}`, "ambassador_ids"},
			{"POST", "/api/v1/friction/proposals", f.agent, `{"name": "X", "department_id": 1}`, "ticket_id"},
			{"POST", "/api/v1/friction/proposals", f.agent, fmt.Sprintf(`{"name": "X", "ticket_id": %d}`, f.ticket), "department_id"},
			{"POST", "/api/v1/friction/proposals", f.agent, `{"name": 5}`, "name"},
			{"POST", fmt.Sprintf("/api/v1/tickets/%d/friction", f.ticket), f.agent, `{"friction_id": 0}`, "friction_id"},
			{"POST", fmt.Sprintf("/api/v1/tickets/%d/friction", f.ticket), f.agent, `{"friction_id": "one"}`, "friction_id"},
			{"GET", "/api/v1/friction?state=bogus", f.agent, "", "state"},
			{"GET", "/api/v1/friction?department_id=x", f.agent, "", "department_id"},
			{"GET", "/api/v1/friction/report?from=2026-11-02&to=2026-11-01", f.agent, "", "from"},
			{"GET", "/api/v1/friction/report?to=tomorrow", f.agent, "", "to"},
			{"GET", "/api/v1/friction/report?from=2026-02-30", f.agent, "", "from"},
			{"GET", "/api/v1/friction/report?format=xml", f.agent, "", "format"},
		}
		for _, c := range cases {
			resp, out := f.api(c.method, c.path, c.token, c.body)
			wantField(t, c.method+" "+c.path+" "+c.body, resp, out, c.field)
		}
		resp, out := f.api("POST", "/api/v1/friction", f.lead, `{"name": "Slow refunds", "department_id": 1}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create point: %d %v", resp.StatusCode, out)
		}
		point := int64(out["id"].(float64))
		status := fmt.Sprintf("/api/v1/friction/%d/status", point)
		for body, field := range map[string]string{
			`{"status": "done"}`:                             "status",
			`{"status": "fixed"}`:                            "fixed_on",
			`{"status": "fixed", "fixed_on": "2026-13-01"}`:  "fixed_on",
			`{"status": "raised", "fixed_on": "2026-11-01"}`: "fixed_on",
		} {
			resp, out := f.api("PUT", status, f.amb, body)
			wantField(t, "status "+body, resp, out, field)
		}
		resp, out = f.api("POST", fmt.Sprintf("/api/v1/friction/%d/decline", point), f.lead, `{"reason": "no"}`)
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("declined an accepted point: %d %v", resp.StatusCode, out)
		}
		if n := count(t, d, "ticket_friction"); n != 0 {
			t.Errorf("%d tags after refused requests", n)
		}
	})
}

func TestFrictionPagesAndTheTicketPanel(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFrictionDesk(t, d)
		resp, out := f.api("POST", "/api/v1/friction", f.lead, `{"name": "Invoice PDF unreadable", "department_id": 1}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create point: %d %v", resp.StatusCode, out)
		}
		point := int64(out["id"].(float64))
		b := f.browser()
		f.signIn(b, f.agentEmail)
		ticketPath := fmt.Sprintf("/tickets/%d", f.ticket)
		page := body(t, f.get(b, ticketPath))
		for _, want := range []string{`id="friction"`, `action="` + ticketPath + `/friction"`, "Billing: Invoice PDF unreadable", "Propose a new friction point"} {
			if !strings.Contains(page, want) {
				t.Errorf("the ticket page lacks %q", want)
			}
		}
		resp = f.postForm(b, ticketPath+"/friction", url.Values{"action": {"tag"}, "friction_id": {fmt.Sprint(point)}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != ticketPath+"#friction" {
			t.Fatalf("tag: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if page := body(t, f.get(b, ticketPath)); !strings.Contains(page, "/friction/"+fmt.Sprint(point)+"/remove") {
			t.Error("the ticket page does not show its tag")
		}
		resp = f.postForm(b, ticketPath+"/friction", url.Values{"action": {"propose"}, "name": {" "}, "department_id": {"1"}})
		if page := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "name:") {
			t.Errorf("a proposal without a name: %d\n%s", resp.StatusCode, page)
		}
		resp = f.postForm(b, ticketPath+"/friction", url.Values{"action": {"propose"}, "name": {"Refund takes weeks"}, "department_id": {"1"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("propose: %d", resp.StatusCode)
		}
		if page := body(t, f.get(b, "/friction")); !strings.Contains(page, "Refund takes weeks") || strings.Contains(page, "/accept") {
			t.Errorf("the friction page for an agent:\n%s", page)
		}
		if resp := f.get(b, "/friction/departments"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("an agent opened the departments: %d", resp.StatusCode)
		}
		if resp := f.get(b, "/friction/report?from=2026-11-02&to=2026-11-01"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a report from after to: %d", resp.StatusCode)
		}
		if page := body(t, f.get(b, "/friction/report")); !strings.Contains(page, "Invoice PDF unreadable") || !strings.Contains(page, `id="report-trend"`) {
			t.Errorf("the report page:\n%s", page)
		}

		lead := f.browser()
		f.signIn(lead, "lead@desk.test")
		page = body(t, f.get(lead, "/friction"))
		if !strings.Contains(page, "/accept") {
			t.Fatalf("a lead sees no accept button:\n%s", page)
		}
		var proposal int64
		d.Read().QueryRow(`SELECT id FROM friction_points WHERE state = 'proposed'`).Scan(&proposal)
		resp = f.postForm(lead, fmt.Sprintf("/friction/%d/decline", proposal), url.Values{"reason": {""}})
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("decline without a reason: %d", resp.StatusCode)
		}
		resp = f.postForm(lead, fmt.Sprintf("/friction/%d/accept", proposal), nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("accept: %d", resp.StatusCode)
		}
		resp = f.postForm(lead, "/friction/departments", url.Values{"name": {"Logistics"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("new department: %d", resp.StatusCode)
		}
		if page := body(t, f.get(lead, "/friction/departments")); !strings.Contains(page, "Logistics") || !strings.Contains(page, "Name of amb@desk.test") {
			t.Errorf("the departments page:\n%s", page)
		}
	})
}
