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

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
