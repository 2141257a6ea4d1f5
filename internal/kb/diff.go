package kb

import "github.com/centerdesk/centerdesk/internal/quality"

// Diff is how an article's text changed from one revision to another, word
// by word (the philosophy page's diff); the title leads the body.
func Diff(before, after *Revision) []quality.DiffPart {
	return quality.WordDiff(before.Title+"\n\n"+before.BodyMarkdown, after.Title+"\n\n"+after.BodyMarkdown)
}
