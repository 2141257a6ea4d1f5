package db_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// tableOwners maps a table to the directories whose non-test code may write
// it: every other package goes through the owner's functions (settings.PutTx,
// ticket.SetMailbox, ...), so a rule about the table lives in one place.
// Reads are free.
var tableOwners = map[string][]string{
	"settings": {"internal/settings/"},
	// internal/ticket/customerdata is the ticket domain's own sub-package
	// (merging and erasing a customer's tickets). The load generator's
	// create-raw writes a creation's rows around the application on purpose:
	// it measures the database's ceiling that the API is compared with.
	"tickets": {"internal/ticket/", "cmd/centerdesk-bench/raw.go"},
	// Links: internal/ticket stores those of merges, splits and follow-ups,
	// its sub-package internal/ticket/ticketlink those agents add and remove.
	"ticket_links": {"internal/ticket/"},
	// Effort figures are kept by internal/effort, inside the ticket
	// package's transactions (see internal/effort).
	"ticket_effort": {"internal/effort/"},
	// Business hours and SLA clocks (issue 17).
	"schedules":      {"internal/schedule/"},
	"team_schedules": {"internal/schedule/"},
	"sla_policies":   {"internal/sla/"},
	"sla_clocks":     {"internal/sla/"},
	"sla_segments":   {"internal/sla/"},
	// Surveys after a solve, their frozen attribution and the opt-outs.
	"feedback_surveys":       {"internal/feedback/"},
	"feedback_survey_agents": {"internal/feedback/"},
	"feedback_opt_outs":      {"internal/feedback/"},
	// Customer comments turned into recognition posts on the feedback wall.
	"wall_recognitions": {"internal/wall/"},
	// Friction hunters and ambassadors (issue 16).
	"departments":            {"internal/friction/"},
	"department_ambassadors": {"internal/friction/"},
	"friction_points":        {"internal/friction/"},
	"ticket_friction":        {"internal/friction/"},
	// One issue across channels: suggestions are the joining rules', the
	// acknowledgements of joined mail the sending side's.
	"ticket_join_suggestions": {"internal/joining/"},
	"email_join_acks":         {"internal/outbound/"},
	// The report roll-ups are kept by internal/report alone.
	"report_hourly": {"internal/report/"},
	"report_daily":  {"internal/report/"},
	"report_facts":  {"internal/report/"},
	"report_state":  {"internal/report/"},
	// The knowledge base (internal/kb).
	"kb_categories":        {"internal/kb/"},
	"kb_articles":          {"internal/kb/"},
	"kb_article_revisions": {"internal/kb/"},
	"kb_related":           {"internal/kb/"},
	"kb_votes":             {"internal/kb/"},
	"kb_terms":             {"internal/kb/"},
	"kb_searches":          {"internal/kb/"},
	"kb_journeys":          {"internal/kb/"},
	"kb_journey_articles":  {"internal/kb/"},
	"kb_ticket_articles":   {"internal/kb/"},
	"kb_settings":          {"internal/kb/"},
}

// fixtures write rows around the application on purpose, as test code
// does: internal/testutil/scale fills a desk's year for benchmarks of
// reports in seconds. It is imported only by _test.go files.
var fixtures = []string{"internal/testutil/scale/"}

// writeSQL finds a write to one table in an SQL string: the table name is
// matched whole, so tickets_fts (the search index's own upkeep) is not
// tickets.
var writeSQL = regexp.MustCompile(`\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_]+)\b`)

// TestTablesAreWrittenByTheirOwners fails when non-test code outside a
// table's owner writes it in SQL.
func TestTablesAreWrittenByTheirOwners(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	scanned := 0
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if e.IsDir() {
			if path != root && strings.HasPrefix(e.Name(), ".") || e.Name() == "testdata" || e.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") || underAny(rel, fixtures) {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		scanned++
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			sql, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for _, m := range writeSQL.FindAllStringSubmatch(sql, -1) {
				if owners, owned := tableOwners[m[1]]; owned && !underAny(rel, owners) {
					t.Errorf("%s: writes %s, which only %s may write: call its owner's functions",
						fset.Position(lit.Pos()), m[1], strings.Join(owners, ", "))
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 50 {
		t.Fatalf("scanned only %d Go files under %s: is the module root moved?", scanned, root)
	}
}

func TestWriteSQLMatchesWholeTableNames(t *testing.T) {
	cases := map[string]string{
		"INSERT INTO settings (key) VALUES ($1)":                    "settings",
		"UPDATE tickets SET id = id WHERE id = $1":                  "tickets",
		"DELETE FROM\n\t\ttickets WHERE id = $1":                    "tickets",
		"INSERT INTO tickets_fts (tickets_fts) VALUES ('optimize')": "tickets_fts",
		"ON CONFLICT (key) DO UPDATE SET value = excluded.value":    "",
		"SELECT value FROM settings WHERE key = $1":                 "",
	}
	for sql, want := range cases {
		got := ""
		if m := writeSQL.FindStringSubmatch(sql); m != nil {
			got = m[1]
		}
		if got != want {
			t.Errorf("%q writes %q, want %q", sql, got, want)
		}
	}
}

func underAny(rel string, dirs []string) bool {
	for _, d := range dirs {
		if strings.HasPrefix(rel, d) {
			return true
		}
	}
	return false
}
