package server

import (
	"net/http/httptest"
	"testing"

	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// The per-address limit follows the route tables: public POST routes
// match, whatever their path parameters; GETs and signed-in forms do not.
func TestPublicFormsFollowTheRouteTables(t *testing.T) {
	forms := publicForms([]kit.Recorded{
		{Surface: "account", Pattern: "POST /signin", Level: kit.Public},
		{Surface: "account", Pattern: "GET /signin", Level: kit.Public},
		{Surface: "portal", Pattern: "POST /portal/signin/{token}", Level: kit.Public},
		{Surface: "account", Pattern: "POST /account/password", Level: kit.Agent},
		{Surface: "portal", Pattern: "POST /portal/tickets", Level: kit.Customer},
	})
	for _, c := range []struct {
		method, path string
		limited      bool
	}{
		{"POST", "/signin", true},
		{"POST", "/portal/signin/abc123", true},
		{"GET", "/signin", false},
		{"POST", "/account/password", false},
		{"POST", "/portal/tickets", false},
		{"POST", "/nowhere", false},
	} {
		_, pattern := forms.Handler(httptest.NewRequest(c.method, c.path, nil))
		if (pattern != "") != c.limited {
			t.Errorf("%s %s: matched %q, want limited=%v", c.method, c.path, pattern, c.limited)
		}
	}
}
