package kit

import (
	"net/http"
	"testing"
)

// TestRegisterRefusesBadTables checks a table that cannot be right fails at
// start: a customer route with no customer guard, a raw handler that is not
// public, a route with no handler, an unknown level.
func TestRegisterRefusesBadTables(t *testing.T) {
	h := func(http.ResponseWriter, *http.Request) error { return nil }
	raw := http.NotFoundHandler()
	for name, rt := range map[string]Route{
		"customer without guard": {Pattern: "GET /a", Level: Customer, Handler: h},
		"raw not public":         {Pattern: "GET /a", Level: Agent, Raw: raw},
		"no handler":             {Pattern: "GET /a", Level: Public},
		"both handlers":          {Pattern: "GET /a", Level: Public, Handler: h, Raw: raw},
		"no level":               {Pattern: "GET /a", Handler: h},
	} {
		t.Run(name, func(t *testing.T) {
			k := &Kit{}
			defer func() {
				if recover() == nil {
					t.Fatal("registered")
				}
				if len(k.Routes()) != 0 {
					t.Fatal("recorded a refused route")
				}
			}()
			k.Register(http.NewServeMux(), Table{Surface: "test", Routes: []Route{rt}})
		})
	}
}

// TestRegisterRecords checks every registered route is recorded with its
// surface and level.
func TestRegisterRecords(t *testing.T) {
	k := &Kit{}
	k.Register(http.NewServeMux(), Table{Surface: "files", Routes: []Route{
		{Pattern: "GET /f/", Level: Public, Raw: http.NotFoundHandler()},
	}})
	got := k.Routes()
	if len(got) != 1 || got[0] != (Recorded{Surface: "files", Pattern: "GET /f/", Level: Public}) {
		t.Fatalf("recorded %+v", got)
	}
	if Lead.String() != "lead" || Level(0).String() != "Level(0)" {
		t.Fatalf("level names: %s, %s", Lead, Level(0))
	}
}
