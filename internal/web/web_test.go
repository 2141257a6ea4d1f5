package web_test

import (
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/web"
)

var update = flag.Bool("update", false, "rewrite testdata/routes.golden")

// TestEveryRouteHasALevel registers every surface and checks each route is
// in a route table with a known access level, and that the list of routes
// and levels is the one in testdata/routes.golden: a change of who may open
// a page shows up in review.
func TestEveryRouteHasALevel(t *testing.T) {
	wb, err := web.New(web.Deps{Log: testutil.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	wb.Register(http.NewServeMux())
	var b strings.Builder
	for _, r := range wb.Routes() {
		if strings.HasPrefix(r.Level.String(), "Level(") {
			t.Errorf("%s %s: unknown level %s", r.Surface, r.Pattern, r.Level)
		}
		fmt.Fprintf(&b, "%-10s %-9s %s\n", r.Surface, r.Level, r.Pattern)
	}
	golden := filepath.Join("testdata", "routes.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("routes differ from %s (go test -update to accept):\n%s", golden, b.String())
	}
}

// roleCheck finds a handler checking a role by hand instead of leaving it
// to its route's level.
var roleCheck = regexp.MustCompile(`(?m)\.(IsAdmin|IsLead)\(\) *\{\s*\n\s*return[^\n]*Forbidden|\.Role *[!=]= *user\.Role`)

// TestOnlyTheKitGuards checks no surface registers a route outside its
// route table or checks a role by hand.
func TestOnlyTheKitGuards(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if strings.HasPrefix(path, "kit"+string(filepath.Separator)) || strings.HasPrefix(path, "webtest"+string(filepath.Separator)) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := string(b)
		if strings.Contains(src, ".Handle(") || strings.Contains(src, ".HandleFunc(") {
			t.Errorf("%s registers a route outside a route table", path)
		}
		if loc := roleCheck.FindStringIndex(src); loc != nil {
			t.Errorf("%s checks a role by hand (%q): give the route a level instead", path, src[loc[0]:loc[1]])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
