package kb

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/centerdesk/centerdesk/internal/db"
)

// How the search reads a query, the same on both databases:
//
//   - words are runs of letters and digits, lower-cased; the words
//     PostgreSQL's english configuration drops (stopwords) are dropped here
//     first, so SQLite does not ask for words PostgreSQL ignores;
//   - an article matches when it holds every word in some form: FTS5's
//     porter stemmer and PostgreSQL's english stemmer both read "refunds"
//     and "refunding" as "refund";
//   - when nothing matches, each word that no article holds is replaced by
//     the closest word that one does (at most one edit in a word of four or
//     five letters, two in a longer one), found through their shared
//     trigrams (an FTS5 trigram table; pg_trgm's index answering LIKE), and
//     the search runs once more. Candidates are ranked by shared trigrams,
//     then alphabetically, and the edit distance is counted here, so both
//     databases pick the same word.
const (
	maxQueryWords = 8
	maxHits       = 50
	maxCandidates = 50
)

// stopwords are PostgreSQL's english stopwords (snowball's list).
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`i me my myself we our ours ourselves you your yours yourself yourselves he
		him his himself she her hers herself it its itself they them their theirs themselves what which who whom
		this that these those am is are was were be been being have has had having do does did doing a an the and
		but if or because as until while of at by for with about against between into through during before after
		above below to from up down in out on off over under again further then once here there when where why
		how all any both each few more most other some such no nor not only own same so than too very s t can will
		just don should now`) {
		stopwords[w] = true
	}
}

// words splits text into lower-cased words of letters and digits.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// queryWords are the words of a query the search asks for.
func queryWords(q string) []string {
	var out []string
	for _, w := range words(q) {
		if stopwords[w] || slices.Contains(out, w) {
			continue
		}
		out = append(out, w)
		if len(out) == maxQueryWords {
			break
		}
	}
	return out
}

// termsOf are the distinct words of an article's text worth correcting a
// typo to: of four to forty characters.
func termsOf(text string) []string {
	var out []string
	for _, w := range words(text) {
		if n := len([]rune(w)); n >= 4 && n <= 40 && !stopwords[w] {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// SearchOptions ask the knowledge base for articles.
type SearchOptions struct {
	Query string
	// PublicOnly keeps to what the help center shows: published and public.
	PublicOnly bool
	// Prefix lets the query's last word be the start of a word, for
	// suggestions while the customer types; and since a customer's
	// sentence rarely has every word in one article, when nothing holds
	// them all the articles holding any of them are suggested, best first.
	Prefix bool
	Limit  int

	anyWord bool // match any word rather than all
}

// Hit is an article that matched, with a snippet of its text around the
// words found.
type Hit struct {
	Article *Article
	Snippet Snippet
}

// Results are a search's hits; Corrected is the query as typo correction
// changed it, empty when it did not.
type Results struct {
	Words     []string
	Corrected string
	Hits      []Hit
}

// Search finds articles that hold every word of the query, correcting
// typos when nothing matches as typed.
func (s *Service) Search(ctx context.Context, o SearchOptions) (*Results, error) {
	res := &Results{Words: queryWords(o.Query)}
	if len(res.Words) == 0 {
		return res, nil
	}
	limit := o.Limit
	if limit <= 0 || limit > maxHits {
		limit = maxHits
	}
	r := s.db.Reader(ctx)
	found, err := s.match(ctx, r, res.Words, o, limit)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		corrected, changed, err := s.correct(ctx, r, res.Words, o.Prefix)
		if err != nil {
			return nil, err
		}
		if changed {
			if found, err = s.match(ctx, r, corrected, o, limit); err != nil {
				return nil, err
			}
			res.Words, res.Corrected = corrected, strings.Join(corrected, " ")
		}
	}
	if len(found) == 0 && o.Prefix && len(res.Words) > 1 {
		loose := o
		loose.anyWord = true
		if found, err = s.match(ctx, r, res.Words, loose, limit); err != nil {
			return nil, err
		}
	}
	for _, a := range found {
		res.Hits = append(res.Hits, Hit{Article: a, Snippet: snippetOf(a.BodyText, res.Words)})
	}
	return res, nil
}

// hitColumns are summaryColumns with the plain text, for snippets.
var hitColumns = strings.Replace(summaryColumns, `a.title, '', '', ''`, `a.title, '', '', a.body_text`, 1)

func (s *Service) match(ctx context.Context, r db.Queryer, ws []string, o SearchOptions, limit int) ([]*Article, error) {
	public := ""
	if o.PublicOnly {
		public = ` AND a.status = 'published' AND a.visibility = 'public'`
	}
	var query string
	var expr string
	if s.db.Dialect() == db.Postgres {
		expr = tsquery(ws, o.Prefix, o.anyWord)
		query = `SELECT ` + hitColumns + ` FROM kb_articles a, to_tsquery('english', $1) q
			WHERE a.search_vector @@ q` + public + ` ORDER BY ts_rank(a.search_vector, q) DESC, a.id LIMIT $2`
	} else {
		expr = fts5Query(ws, o.Prefix, o.anyWord)
		query = `SELECT ` + hitColumns + ` FROM kb_articles_fts f CROSS JOIN kb_articles a ON a.id = f.rowid
			WHERE kb_articles_fts MATCH $1` + public + ` ORDER BY f.rank, a.id LIMIT $2`
	}
	return scanArticles(r.QueryContext(ctx, query, expr, limit))
}

// fts5Query asks FTS5 for every word, each quoted so none is an operator.
func fts5Query(ws []string, prefix, anyWord bool) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = `"` + w + `"`
	}
	if prefix {
		parts[len(parts)-1] += "*"
	}
	if anyWord {
		return strings.Join(parts, " OR ")
	}
	return strings.Join(parts, " AND ")
}

// tsquery asks PostgreSQL for every word; words hold only letters and
// digits, so none is an operator.
func tsquery(ws []string, prefix, anyWord bool) string {
	op := " & "
	if anyWord {
		op = " | "
	}
	q := strings.Join(ws, op)
	if prefix {
		q += ":*"
	}
	return q
}

// correct replaces each word no article holds with the nearest one that
// does; changed is false when no word changed.
func (s *Service) correct(ctx context.Context, r db.Queryer, ws []string, prefix bool) ([]string, bool, error) {
	known, err := knownTerms(ctx, r, ws)
	if err != nil {
		return nil, false, err
	}
	out := slices.Clone(ws)
	changed := false
	for i, w := range ws {
		if known[w] || len([]rune(w)) < 4 || prefix && i == len(ws)-1 {
			continue
		}
		best, err := s.nearestTerm(ctx, r, w)
		if err != nil {
			return nil, false, err
		}
		if best != "" {
			out[i], changed = best, true
		}
	}
	return out, changed, nil
}

func knownTerms(ctx context.Context, r db.Queryer, ws []string) (map[string]bool, error) {
	args := make([]any, len(ws))
	marks := make([]string, len(ws))
	for i, w := range ws {
		args[i], marks[i] = w, fmt.Sprintf("$%d", i+1)
	}
	rows, err := r.QueryContext(ctx, `SELECT term FROM kb_terms WHERE term IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("kb: known terms: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out[t] = true
	}
	return out, rows.Err()
}

// trigrams are the distinct three-letter runs of a word.
func trigrams(w string) []string {
	rs := []rune(w)
	var out []string
	for i := 0; i+3 <= len(rs); i++ {
		out = append(out, string(rs[i:i+3]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// nearestTerm is the known word closest to w within the edits allowed, or
// "" when none is.
func (s *Service) nearestTerm(ctx context.Context, r db.Queryer, w string) (string, error) {
	grams := trigrams(w)
	args := make([]any, 0, len(grams)+3)
	parts := make([]string, len(grams))
	for i, g := range grams {
		if s.db.Dialect() == db.Postgres {
			parts[i] = fmt.Sprintf(`SELECT id FROM kb_terms WHERE term LIKE $%d`, i+1)
			args = append(args, "%"+g+"%")
		} else {
			parts[i] = fmt.Sprintf(`SELECT rowid AS id FROM kb_terms_trigram WHERE kb_terms_trigram MATCH $%d`, i+1)
			args = append(args, `"`+g+`"`)
		}
	}
	n := len([]rune(w))
	maxEdits := editsAllowed(n)
	args = append(args, n-maxEdits, n+maxEdits, maxCandidates)
	k := len(grams)
	query := fmt.Sprintf(`SELECT t.term FROM (%s) g JOIN kb_terms t ON t.id = g.id
		WHERE length(t.term) BETWEEN $%d AND $%d
		GROUP BY t.term ORDER BY count(*) DESC, t.term LIMIT $%d`, strings.Join(parts, " UNION ALL "), k+1, k+2, k+3)
	rows, err := r.QueryContext(ctx, query, args...)
	if err != nil {
		return "", fmt.Errorf("kb: typo candidates: %w", err)
	}
	defer rows.Close()
	best, bestDist := "", maxEdits+1
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return "", err
		}
		if d := editDistance(w, t); d < bestDist || d == bestDist && t < best {
			best, bestDist = t, d
		}
	}
	if bestDist > maxEdits {
		return "", rows.Err()
	}
	return best, rows.Err()
}

func editsAllowed(n int) int {
	if n <= 5 {
		return 1
	}
	return 2
}

// editDistance counts the insertions, deletions, substitutions and swaps
// of neighbours that turn a into b (optimal string alignment).
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}
