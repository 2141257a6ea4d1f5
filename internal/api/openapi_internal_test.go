package api

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/user"
)

// registered returns the API with its route table built, over no services:
// the table and the document need none.
func registered(t *testing.T) *API {
	t.Helper()
	a := New(Deps{})
	a.Register(http.NewServeMux())
	return a
}

// TestEveryRouteIsDocumented checks the OpenAPI table against the route
// table, both ways, so the document cannot drift from the API.
func TestEveryRouteIsDocumented(t *testing.T) {
	a := registered(t)
	for _, problem := range docProblems(a.routes, a.docs) {
		t.Error(problem)
	}
}

// TestDocProblemsCatchesDrift shows the check above fails when a route
// lacks a doc entry, a doc entry lacks a route, or a summary claims an
// access level of its own.
func TestDocProblemsCatchesDrift(t *testing.T) {
	table := []route{{pattern: "GET /api/v1/a", who: agent}, {pattern: "GET /api/v1/b", who: lead}}
	d := map[string]op{
		"GET /api/v1/b": {Summary: "B. Leads and admins"},
		"GET /api/v1/c": {Summary: "C"},
	}
	got := strings.Join(docProblems(table, d), "\n")
	for _, want := range []string{`"GET /api/v1/a" is served but not in the OpenAPI document`,
		`"GET /api/v1/c", which is not served`, `"GET /api/v1/b" says who may call it`} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %q lack %q", got, want)
		}
	}
}

// accessClaim matches a summary whose last sentence only says who may call
// the route ("... Leads and admins"): that belongs in the route table, from
// which the document says it. Rules about the record ("the coached agent
// and leads") stay in the summary.
var accessClaim = regexp.MustCompile(`(?i)(^|\. )(leads and admins|leads|admins)( only)?\.?$`)

// docProblems lists where docs and the route table disagree.
func docProblems(table []route, docs map[string]op) []string {
	var out []string
	served := make([]string, len(table))
	for i, rt := range table {
		served[i] = rt.pattern
		if slices.Contains(served[:i], rt.pattern) {
			out = append(out, "route "+rt.pattern+" is in the table twice")
		}
		if _, ok := docs[rt.pattern]; !ok {
			out = append(out, `route "`+rt.pattern+`" is served but not in the OpenAPI document (add it to docs in openapi.go)`)
		}
	}
	for p, d := range docs {
		if !slices.Contains(served, p) {
			out = append(out, `the OpenAPI document has "`+p+`", which is not served`)
		}
		if d.Summary == "" {
			out = append(out, `"`+p+`" has no summary`)
		}
		if accessClaim.MatchString(d.Summary) {
			out = append(out, `"`+p+`" says who may call it in its summary; the route table says it (x-access)`)
		}
	}
	return out
}

// TestDocumentShowsAccess checks every operation of the built document
// against its row in the table: who may call it, whether it takes a
// token, and whether it honours Idempotency-Key.
func TestDocumentShowsAccess(t *testing.T) {
	a := registered(t)
	paths := a.doc["paths"].(map[string]any)
	n := 0
	for _, rt := range a.routes {
		method, path, _ := strings.Cut(rt.pattern, " ")
		o, ok := paths[path].(map[string]any)[strings.ToLower(method)].(map[string]any)
		if !ok {
			t.Errorf("%s: no operation in the document", rt.pattern)
			continue
		}
		n++
		if got := o["x-access"]; got != rt.who.String() {
			t.Errorf("%s: document says x-access %v, the table %v", rt.pattern, got, rt.who)
		}
		if got, _ := o["description"].(string); got != accessNote[rt.who] {
			t.Errorf("%s: description %q, want %q", rt.pattern, got, accessNote[rt.who])
		}
		if _, open := o["security"]; open != (rt.who == public) {
			t.Errorf("%s: security override %v, but access is %v", rt.pattern, open, rt.who)
		}
		if got := o["x-idempotency-key"] == true; got != (rt.key == once) {
			t.Errorf("%s: x-idempotency-key %v, the table %v", rt.pattern, got, rt.key)
		}
	}
	if n != len(a.routes) || n < 100 {
		t.Errorf("%d operations for %d routes", n, len(a.routes))
	}
}

// TestOnlyTheDocumentIsPublic keeps the one route without a token from
// growing company by accident.
func TestOnlyTheDocumentIsPublic(t *testing.T) {
	for _, rt := range registered(t).routes {
		if rt.who == public && rt.pattern != "GET /api/v1/openapi.json" {
			t.Errorf("%s is public", rt.pattern)
		}
	}
}

// TestAllowed is the access rule the table's middleware applies.
func TestAllowed(t *testing.T) {
	want := map[access][]user.Role{ // who is let in
		agent: {user.RoleAgent, user.RoleLead, user.RoleAdmin},
		lead:  {user.RoleLead, user.RoleAdmin},
		admin: {user.RoleAdmin},
	}
	for who, in := range want {
		for _, role := range user.Roles {
			err := allowed(who, &user.User{Role: role})
			if ok := err == nil; ok != slices.Contains(in, role) {
				t.Errorf("%v route, %s: %v", who, role, err)
			}
			if err != nil && !apperr.Is(err, apperr.KindForbidden) {
				t.Errorf("%v route, %s: %v, want forbidden", who, role, err)
			}
		}
	}
}

// sectionForTest is a domain's part of the API as another package brings it.
type sectionForTest struct{}

func (sectionForTest) Routes() []apikit.Route {
	return []apikit.Route{{Pattern: "GET /api/v1/section-probe", Who: apikit.Lead,
		Handler: func(w http.ResponseWriter, r *http.Request) error { return nil },
		Doc:     apikit.Op{Summary: "A probe", Out: map[string]any{}, CSV: true}}}
}

// TestSectionsJoinTheTableAndTheDocument shows a section's route is served
// behind its access level and documented like a core route.
func TestSectionsJoinTheTableAndTheDocument(t *testing.T) {
	a := New(Deps{Sections: []apikit.Section{sectionForTest{}}})
	a.Register(http.NewServeMux())
	if !slices.Contains(a.Routes(), "GET /api/v1/section-probe") {
		t.Fatalf("routes %v lack the section's", a.Routes())
	}
	for _, problem := range docProblems(a.routes, a.docs) {
		t.Error(problem)
	}
	get := a.doc["paths"].(map[string]any)["/api/v1/section-probe"].(map[string]any)["get"].(map[string]any)
	if get["x-access"] != "lead" {
		t.Errorf("x-access = %v, want lead", get["x-access"])
	}
	content := get["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)
	if _, ok := content["text/csv"]; !ok {
		t.Errorf("200 content %v lacks text/csv", content)
	}
}
