package docs_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestServiceLevelFormulaIsTheCodes keeps docs/service-level.md's formula
// word for word the comment of internal/sla/level.go.
func TestServiceLevelFormulaIsTheCodes(t *testing.T) {
	src := read(t, filepath.Join("..", "internal", "sla", "level.go"))
	start := strings.Index(src, "// Service level is")
	end := strings.Index(src, "\n// LevelFilter")
	if start < 0 || end < start {
		t.Fatal("the formula's comment is not in internal/sla/level.go")
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(src[start:end]), "\n") {
		l = strings.TrimPrefix(strings.TrimPrefix(l, "//"), " ")
		lines = append(lines, strings.TrimPrefix(l, "\t"))
	}
	want := strings.Join(lines, "\n")
	doc := read(t, filepath.Join("service-level.md"))
	block := regexp.MustCompile("(?s)```\n(Service level is.*?)\n```").FindStringSubmatch(doc)
	if block == nil || block[1] != want {
		t.Errorf("docs/service-level.md's formula differs from internal/sla/level.go's comment:\n%s", want)
	}
}
