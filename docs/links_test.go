// Package docs_test checks the repository's Markdown: a reader who follows
// a link from the README or a document must land on a file of this
// repository, not on a path that exists only on its author's machine.
package docs_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// mdLink is an inline Markdown link or image: [text](target "title").
var mdLink = regexp.MustCompile(`!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)

// outsidePath is a relative path that climbs out of the file's folder, in
// a link or named in running text (`../shared/DESIGN.md`).
var outsidePath = regexp.MustCompile("(?:^|[\\s(`'\"])(\\.\\./[^\\s)`'\"]+)")

// TestRelativeLinksResolve checks every relative link in README.md and
// docs/*.md names a file or folder inside the repository, and every
// fragment a heading of the file it points into.
func TestRelativeLinksResolve(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{filepath.Join(root, "README.md")}, files...)
	checked := 0
	for _, file := range files {
		text := read(t, file)
		rel, _ := filepath.Rel(root, file)
		for _, m := range mdLink.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if isExternal(target) {
				continue
			}
			checked++
			if problem := resolve(root, file, target); problem != "" {
				t.Errorf("%s: link %q %s", rel, target, problem)
			}
		}
		for _, m := range outsidePath.FindAllStringSubmatch(text, -1) {
			if p := filepath.Join(filepath.Dir(file), m[1]); !inside(root, p) {
				t.Errorf("%s: names %q, which is outside the repository", rel, m[1])
			}
		}
	}
	if checked == 0 {
		t.Fatal("no relative links found: the pattern is broken")
	}
}

func isExternal(target string) bool {
	for _, scheme := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(target, scheme) {
			return true
		}
	}
	return false
}

// resolve says what is wrong with target as a link from file, or "".
func resolve(root, file, target string) string {
	path, fragment, _ := strings.Cut(target, "#")
	dest := file
	if path != "" {
		if strings.HasPrefix(path, "/") {
			return "is absolute: GitHub and a local checkout resolve it differently"
		}
		dest = filepath.Join(filepath.Dir(file), filepath.FromSlash(path))
		if !inside(root, dest) {
			return "points outside the repository"
		}
		if _, err := os.Stat(dest); err != nil {
			return "names no file in the repository"
		}
	}
	if fragment != "" && strings.HasSuffix(dest, ".md") && !hasHeading(dest, fragment) {
		return "names no heading of " + filepath.Base(dest)
	}
	return ""
}

func inside(root, path string) bool {
	rel, err := filepath.Rel(root, filepath.Clean(path))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// hasHeading reports whether a Markdown file has a heading whose GitHub
// anchor is fragment.
func hasHeading(file, fragment string) bool {
	b, err := os.ReadFile(file)
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "#") && anchor(strings.TrimLeft(line, "# ")) == fragment {
			return true
		}
	}
	return false
}

// anchor is GitHub's anchor of a heading: lower case, spaces to hyphens,
// punctuation dropped.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ' || r == '-':
			b.WriteRune('-')
		case r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || r > 127:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func read(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAnchorIsGitHubs(t *testing.T) {
	for heading, want := range map[string]string{
		"Design notes": "design-notes",
		"People: agents' pages, tiers, coaching and concerns": "people-agents-pages-tiers-coaching-and-concerns",
		"Running on PostgreSQL":                               "running-on-postgresql",
	} {
		if got := anchor(heading); got != want {
			t.Errorf("anchor(%q) = %q, want %q", heading, got, want)
		}
	}
}

func TestResolveCatchesBadLinks(t *testing.T) {
	root, _ := filepath.Abs("..")
	readme := filepath.Join(root, "README.md")
	for target, bad := range map[string]bool{
		"docs/BENCHMARKS.md":      false,
		"#design-notes":           false,
		"../shared/DESIGN.md":     true,
		"docs/NOPE.md":            true,
		"#no-such-heading":        true,
		"/docs/BENCHMARKS.md":     true,
		"internal/quality/doc.go": false,
	} {
		if got := resolve(root, readme, target) != ""; got != bad {
			t.Errorf("resolve(%q) bad = %v, want %v", target, got, bad)
		}
	}
}
