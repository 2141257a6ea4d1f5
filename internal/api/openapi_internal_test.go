package api

import (
	"net/http"
	"slices"
	"testing"
)

// TestEveryRouteIsDocumented checks the OpenAPI table against the routes
// Register serves, both ways, so the document cannot drift from the API.
func TestEveryRouteIsDocumented(t *testing.T) {
	a := New(Deps{})
	a.Register(http.NewServeMux())
	served := a.Routes()
	for _, p := range served {
		if _, ok := docs[p]; !ok {
			t.Errorf("route %q is served but not in the OpenAPI document (add it to docs in openapi.go)", p)
		}
	}
	for p := range docs {
		if !slices.Contains(served, p) {
			t.Errorf("the OpenAPI document has %q, which is not served", p)
		}
	}
	for p, d := range docs {
		if d.Summary == "" {
			t.Errorf("%q has no summary", p)
		}
	}
}
