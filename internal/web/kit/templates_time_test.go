package kit_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Times on pages go through the kit's when (a moment: relative, in the
// viewer's zone, in a <time> element) or day (a calendar date). A template
// that formats a time itself shows UTC to everyone and never updates, so
// none may: this reads every surface's templates, as embedded.
func TestTemplatesFormatNoTimeThemselves(t *testing.T) {
	forbidden := regexp.MustCompile(`\.Format\b|\.UTC\b|\.Unix\b|\.In\b|<time\b|\bprintf\b[^}]*\.(At|CreatedAt|UpdatedAt)\b`)
	var checked int
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".html") || !strings.Contains(filepath.ToSlash(path), "/templates/") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for i, line := range strings.Split(string(src), "\n") {
			for _, action := range regexp.MustCompile(`\{\{.*?\}\}|<time\b`).FindAllString(line, -1) {
				if forbidden.MatchString(action) {
					t.Errorf("%s:%d formats a time itself (%s): use when or day", path, i+1, action)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every surface's templates were read, not a directory that moved.
	if checked < 50 {
		t.Fatalf("read only %d templates", checked)
	}
}
