package quality

import (
	"slices"
	"strings"
	"unicode"
)

// stopWords are common English words that say nothing about a service on
// their own; they are left out of survey word counts. Apostrophes are
// removed before the lookup, so contractions appear without them.
var stopWords = func() map[string]bool {
	const list = `a about above after again against all also am an and any are arent as at be because been
	before being below between both but by can cant could couldnt did didnt do does doesnt doing dont down
	during each even ever every few for from further get gets got had hadnt has hasnt have havent having he
	hed hell hes her here heres hers herself him himself his how hows i id ill im ive if in into is isnt it
	its itself just lets like make makes me more most much must mustnt my myself no nor not of off on once
	only or other ought our ours ourselves out over own really same shant she shed shell shes should
	shouldnt so some such than that thats the their theirs them themselves then there theres these they
	theyd theyll theyre theyve think this those through to too under until up upon us very want was wasnt
	we wed well were weve werent what whats when whens where wheres which while who whos whom why whys will
	with wont would wouldnt you youd youll youre youve your yours yourself yourselves`
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		m[w] = true
	}
	return m
}()

// WordCount is how many answers use a word (each answer counts once,
// however often it repeats the word; a plural counts as its singular).
type WordCount struct {
	Word  string `json:"word"`
	Count int    `json:"count"`
}

// words splits text into lower-cased words without punctuation: anything
// that is not a letter or digit separates words, except apostrophes, which
// are dropped so "don't" becomes "dont".
func words(text string) []string {
	text = strings.ToLower(text)
	text = strings.NewReplacer("'", "", "\u2019", "").Replace(text)
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// CountWords counts, for each word, the answers among texts that use it,
// leaving out stop words and single characters, and returns the top n,
// most used first (ties alphabetically, so the answer is stable). An
// answer counts once per word however often it repeats it, so one
// emphatic person does not outweigh the team; and a plural counts as its
// singular when the singular is used too ("customers" with "customer"),
// so a word is not split in two by its grammar.
func CountWords(texts []string, n int) []WordCount {
	perAnswer := make([][]string, len(texts))
	used := map[string]bool{}
	for i, t := range texts {
		for _, w := range words(t) {
			if len([]rune(w)) < 2 || stopWords[w] {
				continue
			}
			perAnswer[i] = append(perAnswer[i], w)
			used[w] = true
		}
	}
	counts := map[string]int{}
	for _, ws := range perAnswer {
		seen := map[string]bool{}
		for _, w := range ws {
			if one := singular(w); one != w && used[one] {
				w = one
			}
			if !seen[w] {
				seen[w] = true
				counts[w]++
			}
		}
	}
	out := make([]WordCount, 0, len(counts))
	for w, c := range counts {
		out = append(out, WordCount{Word: w, Count: c})
	}
	slices.SortFunc(out, func(a, b WordCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Word, b.Word)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// singular guesses the singular of an English plural by its regular
// endings ("replies" -> "reply", "boxes" -> "box", "agents" -> "agent");
// CountWords uses it only when the guess is a word the answers use, so a
// wrong guess ("news" -> "new") costs nothing unless both appear.
func singular(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 4 && (strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "ches") ||
		strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "zes")):
		return w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") &&
		!strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:len(w)-1]
	}
	return w
}
