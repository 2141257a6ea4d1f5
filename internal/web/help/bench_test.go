package help_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/web/help"
	"github.com/centerdesk/centerdesk/internal/web/webtest"
)

// TestHelpCenterLatency measures the public help center's pages at 10,000
// published articles on each database, and prints p50/p99 per page (see
// docs/BENCHMARKS.md). It is a measurement, not a check: it runs only
// when CENTERDESK_BENCH_HELP is set (to the requests per page, e.g. 2000).
func TestHelpCenterLatency(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("CENTERDESK_BENCH_HELP"))
	if n <= 0 {
		t.Skip("a measurement: set CENTERDESK_BENCH_HELP to the requests per page")
	}
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := webtest.NewOn(t, d)
		svc := kb.NewService(d)
		table, err := help.New(e.Kit, help.Deps{Log: testutil.Logger(t), Settings: e.Settings, Sessions: e.Sessions, KB: svc,
			Tickets: ticket.NewService(d), Journeys: &help.Journeys{Sessions: e.Sessions, KB: svc},
			PublicURL: "https://help.example.com"})
		if err != nil {
			t.Fatal(err)
		}
		e.Register(table)
		start := time.Now()
		seedArticles(t, d, 10_000)
		t.Logf("seeded 10,000 articles in %s", time.Since(start).Round(time.Millisecond))
		rnd := rand.New(rand.NewPCG(1, 2))
		pages := []struct {
			name string
			path func() string
		}{
			{"/help", func() string { return "/help" }},
			{"/help/articles/{slug}", func() string { return fmt.Sprintf("/help/articles/article-%d", 1+rnd.IntN(10_000)) }},
			{"/help/search?q=", func() string {
				q := benchWords[rnd.IntN(len(benchWords))]
				if rnd.IntN(4) == 0 { // a typo: one letter dropped
					q = q[:len(q)-1]
				}
				return "/help/search?q=" + q + "+" + benchWords[rnd.IntN(len(benchWords))]
			}},
		}
		for _, p := range pages {
			took := make([]time.Duration, 0, n)
			for i := 0; i < n+n/10; i++ {
				r := httptest.NewRequest(http.MethodGet, p.path(), nil)
				rec := httptest.NewRecorder()
				t0 := time.Now()
				e.Mux.ServeHTTP(rec, r)
				el := time.Since(t0)
				if rec.Code != http.StatusOK {
					t.Fatalf("%s: %d %s", r.URL, rec.Code, rec.Body)
				}
				if i >= n/10 { // the first tenth warms caches
					took = append(took, el)
				}
			}
			slices.Sort(took)
			pct := func(q float64) time.Duration { return took[int(q*float64(len(took)-1)+0.5)] }
			t.Logf("%-24s n=%d p50=%s p95=%s p99=%s max=%s", p.name, len(took), pct(0.50).Round(10*time.Microsecond),
				pct(0.95).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), took[len(took)-1].Round(10*time.Microsecond))
		}
	})
}

// benchWords are the vocabulary of the seeded articles.
var benchWords = strings.Fields(`refund invoice billing payment card declined password reset account email
	login shipping delivery tracking order return exchange warranty repair subscription cancel upgrade
	downgrade plan price discount coupon voucher address change profile security verification phone
	notification setting privacy export import report dashboard integration webhook token limit
	storage upload download attachment image printer receipt tax currency transfer bank statement
	balance credit debit charge twice late missing damaged broken replace schedule appointment`)

// benchVocabulary is the seeded articles' words, most common first (drawn
// Zipf-like, as words in text are): common English words, then the help
// center's topic words, then 4,000 made-up rarer words.
func benchVocabulary() []string {
	out := strings.Fields(`the to and a of you your is in for it on with this that be can if are or
		not from at by an as have will we our do when after before then`)
	out = append(out, benchWords...)
	syll := strings.Fields("ka lo mi ner sut pra vel dor fin gus hap jet")
	for i := range 4000 {
		out = append(out, syll[i%12]+syll[(i/12)%12]+syll[(i/144)%12]+"s")
	}
	return out
}

// seedArticles writes n published public articles in 20 categories with
// rows as the service writes them (the search indexes follow by trigger or
// generated column), and their words for typo correction, in batches.
func seedArticles(t *testing.T, d *db.DB, n int) {
	t.Helper()
	now := db.Time(time.Now())
	w := d.Write()
	var cats []int64
	for i := range 20 {
		var id int64
		if err := w.QueryRow(`INSERT INTO kb_categories (parent_id, name, description, position, created_at, updated_at)
			VALUES (NULL, $1, $2, $3, $4, $4) RETURNING id`, fmt.Sprintf("Topic %d", i+1), "About topic", i, now).Scan(&id); err != nil {
			t.Fatal(err)
		}
		cats = append(cats, id)
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	vocab := benchVocabulary()
	zipf := rand.NewZipf(rand.New(rand.NewPCG(5, 6)), 1.1, 1, uint64(len(vocab)-1))
	const batch = 250
	for from := 0; from < n; from += batch {
		var sb strings.Builder
		args := []any{now}
		for i := from; i < min(from+batch, n); i++ {
			words := make([]string, 120)
			for j := range words {
				words[j] = vocab[zipf.Uint64()]
			}
			body := strings.Join(words, " ") + "."
			title := fmt.Sprintf("How to %s your %s %s %d", words[0], words[1], words[2], i+1)
			if sb.Len() > 0 {
				sb.WriteString(", ")
			}
			k := len(args)
			fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d, $%d, $%d, 'published', 'public', '[]', 1, $%d, $1, $1, $1, $1)",
				k+1, k+2, k+3, k+4, k+5, k+6, k+7)
			args = append(args, fmt.Sprintf("article-%d", i+1), title, body, "<p>"+body+"</p>", body,
				cats[i%len(cats)], rnd.IntN(1000))
		}
		if _, err := w.Exec(`INSERT INTO kb_articles (slug, title, body_markdown, body_html, body_text, category_id,
			status, visibility, labels, revision, views, confirmed_at, published_at, created_at, updated_at)
			VALUES `+sb.String(), args...); err != nil {
			t.Fatal(err)
		}
	}
	for _, word := range vocab {
		if _, err := w.Exec(`INSERT INTO kb_terms (term) VALUES ($1) ON CONFLICT (term) DO NOTHING`, word); err != nil {
			t.Fatal(err)
		}
	}
	if d.Dialect() == db.Postgres {
		if _, err := w.Exec(`ANALYZE`); err != nil {
			t.Fatal(err)
		}
	}
}
