package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// TestOpenAPIPathsAreServed fetches the document as a client would and
// sends a request to every operation in it: each must reach a route of its
// own, not the API's catch-all "no_route" answer.
func TestOpenAPIPathsAreServed(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		r := httptest.NewRequest("GET", "/api/v1/openapi.json", nil) // no token: the document is public
		rec := httptest.NewRecorder()
		c.h.ServeHTTP(rec, r)
		var doc struct {
			OpenAPI    string
			Paths      map[string]map[string]json.RawMessage
			Components struct{ Schemas map[string]json.RawMessage }
		}
		c.want(rec, http.StatusOK, &doc)
		if doc.OpenAPI != "3.1.0" || len(doc.Paths) < 10 || doc.Components.Schemas["Ticket"] == nil {
			t.Fatalf("document: openapi %q, %d paths, schemas %v", doc.OpenAPI, len(doc.Paths), keys(doc.Components.Schemas))
		}
		param := regexp.MustCompile(`\{[a-z_]+\}`)
		for path, methods := range doc.Paths {
			for method := range methods {
				concrete := param.ReplaceAllString(path, "999999")
				rec := c.do(strings.ToUpper(method), concrete, "{}", "")
				if rec.Code == http.StatusNotFound && strings.Contains(rec.Body.String(), `"no_route"`) ||
					rec.Code == http.StatusMethodNotAllowed {
					t.Errorf("%s %s is in the document but not served: %d %s", method, path, rec.Code, rec.Body)
				}
			}
		}
	})
}

// TestOpenAPIAccessIsEnforced reads who may call each operation from the
// document (x-access) and checks the server agrees: agents are refused
// what leads and admins may do, leads what only admins may, and a lead is
// not refused a lead's route. So the document cannot promise a route to
// someone the server turns away, or the reverse.
func TestOpenAPIAccessIsEnforced(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		var doc struct {
			Paths map[string]map[string]struct {
				Access string `json:"x-access"`
			}
		}
		c.want(c.do("GET", "/api/v1/openapi.json", "", ""), http.StatusOK, &doc)
		agent, lead := c.as("agent"), c.as("lead")
		param := regexp.MustCompile(`\{[a-z_]+\}`)
		seen := map[string]int{}
		for path, methods := range doc.Paths {
			for method, o := range methods {
				seen[o.Access]++
				concrete := param.ReplaceAllString(path, "999999")
				refused := func(who *client) bool {
					rec := who.do(strings.ToUpper(method), concrete, "{}", "")
					return rec.Code == http.StatusForbidden
				}
				switch o.Access {
				case "admin":
					if !refused(agent) || !refused(lead) {
						t.Errorf("%s %s is for admins, but an agent or a lead was let in", method, path)
					}
				case "lead":
					if !refused(agent) {
						t.Errorf("%s %s is for leads, but an agent was let in", method, path)
					}
					if refused(lead) {
						t.Errorf("%s %s is for leads, but a lead was refused", method, path)
					}
				case "agent", "public":
				default:
					t.Errorf("%s %s: x-access %q", method, path, o.Access)
				}
			}
		}
		if seen["admin"] == 0 || seen["lead"] == 0 || seen["agent"] == 0 || seen["public"] == 0 {
			t.Errorf("access levels in the document: %v", seen)
		}
	})
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
