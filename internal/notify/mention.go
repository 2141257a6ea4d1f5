package notify

import (
	"regexp"
	"strings"
)

// Mention is one @mention in a note: @handle, or @"Full Name" when Quoted.
type Mention struct {
	Text   string
	Quoted bool
}

var (
	// A handle starts after the start of text or a character that cannot be
	// part of an email address, so "ana@example.com" mentions nobody.
	handleRE = regexp.MustCompile(`(?:^|[^\w.+@-])@([\w][\w.+-]{0,63})`)
	quotedRE = regexp.MustCompile(`(?:^|[^\w.+@-])@"([^"\n]{1,100})"`)
)

// MaxMentions bounds the mentions one note can make.
const MaxMentions = 50

// Mentions returns the @mentions in text, in order of appearance. A handle
// loses trailing dots ("thanks @ana." mentions ana).
func Mentions(text string) []Mention {
	type found struct {
		at int
		m  Mention
	}
	var all []found
	for _, loc := range quotedRE.FindAllStringSubmatchIndex(text, MaxMentions) {
		name := strings.TrimSpace(text[loc[2]:loc[3]])
		if name != "" {
			all = append(all, found{loc[2], Mention{Text: name, Quoted: true}})
		}
	}
	for _, loc := range handleRE.FindAllStringSubmatchIndex(text, MaxMentions) {
		h := strings.TrimRight(text[loc[2]:loc[3]], ".")
		if h != "" {
			all = append(all, found{loc[2], Mention{Text: h}})
		}
	}
	// Two short lists: an insertion sort by position keeps it simple.
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].at < all[j-1].at; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	out := make([]Mention, 0, len(all))
	for _, f := range all {
		out = append(out, f.m)
	}
	if len(out) > MaxMentions {
		out = out[:MaxMentions]
	}
	return out
}
