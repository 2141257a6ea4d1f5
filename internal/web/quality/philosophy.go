package quality

import (
	"io"
	"math"
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/user"
)

// The philosophy's pages (package quality does the work): the page every
// user reads, its Markdown export and print layout; the editor for leads
// (philosophy_edit.go); its versions (philosophy_versions.go); and the
// team survey (surveys.go).

// philosophyPage is GET /philosophy: the vision, then each value. Each
// value's cited examples (tickets that earned its badge) go in the
// placeholder section the template leaves under it; add what they need to
// valueView (the recognition pages fill it).
type philosophyPage struct {
	Page
	Lead bool
	Body philosophyBody
}

// philosophyBody is what the shared "philosophy-body" partial shows: the
// live philosophy or an old version of it.
type philosophyBody struct {
	Vision  string
	Values  []valueView
	Warning string
	Live    bool // the live page (with example placeholders), not an old version
}

// valueView is one value as the page shows it.
type valueView struct {
	quality.Value
	Place   int      // 1 for the first value
	Ink     string   // the text colour that reads on the value's colour
	Answers []answer // the five questions, in their order
	// Examples are tickets whose work earned the value's badge, newest
	// first (live page only; see recognition_philosophy.go).
	Examples []recognition.Example
}

// answer is one of the five questions a value answers.
type answer struct {
	Question string
	Text     string
}

// The five questions every value answers, as the page asks them.
const (
	qMeaning       = "What it means to us"
	qInAction      = "What it looks like in action"
	qMisread       = "How it could be misread"
	qJudgedBy      = "How we judge whether we live it"
	qRelationships = "How it will change our relationships with customers"
)

func newBody(p *quality.Philosophy, live bool) philosophyBody {
	b := philosophyBody{Vision: p.Vision, Warning: p.Warning, Live: live}
	for i, v := range p.Values {
		b.Values = append(b.Values, valueView{Value: v, Place: i + 1, Ink: inkOn(v.Colour), Answers: []answer{
			{qMeaning, v.Meaning}, {qInAction, v.InAction}, {qMisread, v.Misread},
			{qJudgedBy, v.JudgedBy}, {qRelationships, v.Relationships},
		}})
	}
	return b
}

func (wb *Pages) philosophyPage(w http.ResponseWriter, r *http.Request) error {
	p, err := wb.Quality.Philosophy(r.Context())
	if err != nil {
		return err
	}
	me := user.FromContext(r.Context())
	body := newBody(p, true)
	if err := wb.addValueExamples(r, &body); err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "philosophy", &philosophyPage{
		Page: wb.BasePage(r, "Our philosophy"), Lead: me.IsLead(), Body: body})
	return nil
}

// philosophyMarkdown is GET /philosophy.md: the philosophy as a Markdown
// file to download, for a wiki or for sharing beyond the support team.
func (wb *Pages) philosophyMarkdown(w http.ResponseWriter, r *http.Request) error {
	p, err := wb.Quality.Philosophy(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="philosophy.md"`)
	w.WriteHeader(http.StatusOK)
	_, err = io.WriteString(w, p.Markdown())
	return err
}

// inkOn returns the text colour, near-black or white, that contrasts more
// with the background colour hex (#rrggbb), by WCAG's relative luminance.
func inkOn(hex string) string {
	if len(hex) != 7 {
		return "#ffffff"
	}
	lum := 0.0
	for i, weight := range []float64{0.2126, 0.7152, 0.0722} {
		n, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			return "#ffffff"
		}
		c := float64(n) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		lum += weight * c
	}
	// Contrast with white is 1.05/(L+0.05); with #1b2330 (L about 0.016) it
	// is (L+0.05)/0.066. Pick the larger.
	if 1.05/(lum+0.05) >= (lum+0.05)/0.066 {
		return "#ffffff"
	}
	return "#1b2330"
}
