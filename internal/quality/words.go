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

// WordCount is how often a word appears across the answers.
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

// CountWords counts the words of texts, leaving out stop words and single
// characters, and returns the top n, most frequent first (ties
// alphabetically, so the answer is stable).
func CountWords(texts []string, n int) []WordCount {
	counts := map[string]int{}
	for _, t := range texts {
		for _, w := range words(t) {
			if len([]rune(w)) < 2 || stopWords[w] {
				continue
			}
			counts[w]++
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
