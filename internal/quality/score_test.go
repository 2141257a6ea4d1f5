package quality_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/quality"
)

func ptr[T any](v T) *T { return &v }

// The scorecard of the worked example in doc.go.
var exampleCard = []quality.Category{
	{ID: 1, Name: "Empathetic", Scale: quality.ScaleRange, Min: 1, Max: 5, Weight: 2},
	{ID: 2, Name: "Responsive", Scale: quality.ScaleRange, Min: 1, Max: 5, Weight: 1},
	{ID: 3, Name: "Trustful", Scale: quality.ScalePassFail, Min: 0, Max: 1, Weight: 1, Critical: true},
	{ID: 4, Name: "Creative", Scale: quality.ScaleRange, Min: 1, Max: 5, Weight: 1},
}

func rated(v int) quality.Rating { return quality.Rating{Rating: ptr(v)} }

var na = quality.Rating{NotApplicable: true}

func TestScoreArithmetic(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		cats    []quality.Category
		ratings map[int64]quality.Rating
		want    float64
		ok      bool
	}{
		{"worked example A: weights and not applicable", exampleCard,
			map[int64]quality.Rating{1: rated(4), 2: rated(5), 3: rated(1), 4: na}, 87.5, true},
		{"worked example B: critical fail zeroes", exampleCard,
			map[int64]quality.Rating{1: rated(5), 2: rated(3), 3: rated(0), 4: rated(5)}, 0, true},
		{"all top marks", exampleCard,
			map[int64]quality.Rating{1: rated(5), 2: rated(5), 3: rated(1), 4: rated(5)}, 100, true},
		{"all bottom marks but critical passes", exampleCard,
			map[int64]quality.Rating{1: rated(1), 2: rated(1), 3: rated(1), 4: rated(1)}, 100.0 / 5, true},
		{"not applicable leaves numerator and denominator", exampleCard,
			map[int64]quality.Rating{1: na, 2: rated(2), 3: na, 4: na}, 25, true},
		{"everything not applicable scores nothing", exampleCard,
			map[int64]quality.Rating{1: na, 2: na, 3: na, 4: na}, 0, false},
		{"critical range at exactly half passes", []quality.Category{
			{ID: 1, Scale: quality.ScaleRange, Min: 1, Max: 5, Weight: 1, Critical: true},
			{ID: 2, Scale: quality.ScaleRange, Min: 1, Max: 5, Weight: 3}},
			map[int64]quality.Rating{1: rated(3), 2: rated(5)}, (50 + 300) / 4.0, true},
		{"critical range below half fails", []quality.Category{
			{ID: 1, Scale: quality.ScaleRange, Min: 1, Max: 5, Weight: 1, Critical: true},
			{ID: 2, Scale: quality.ScaleRange, Min: 1, Max: 5, Weight: 3}},
			map[int64]quality.Rating{1: rated(2), 2: rated(5)}, 0, true},
		{"critical not applicable does not fail", []quality.Category{
			{ID: 1, Scale: quality.ScalePassFail, Min: 0, Max: 1, Weight: 1, Critical: true},
			{ID: 2, Scale: quality.ScaleRange, Min: 0, Max: 10, Weight: 1}},
			map[int64]quality.Rating{1: na, 2: rated(7)}, 70, true},
		{"pass/fail only", []quality.Category{
			{ID: 1, Scale: quality.ScalePassFail, Min: 0, Max: 1, Weight: 1},
			{ID: 2, Scale: quality.ScalePassFail, Min: 0, Max: 1, Weight: 3}},
			map[int64]quality.Rating{1: rated(0), 2: rated(1)}, 75, true},
	}
	for _, c := range cases {
		got, ok := quality.Score(c.cats, c.ratings)
		if ok != c.ok || math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s: got %v %v, want %v %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestPeriodScoreLeavesOutCalibrationAndVoided(t *testing.T) {
	t.Parallel()
	sub := quality.StatusSubmitted
	got, n, ok := quality.PeriodScore([]quality.Scored{
		{Score: ptr(87.5), Status: sub},
		{Score: ptr(0.0), Status: sub},
		{Score: ptr(60.0), Status: sub, Calibration: true}, // worked example C
		{Score: ptr(10.0), Status: quality.StatusVoided},
		{Score: nil, Status: quality.StatusDraft},
		{Score: nil, Status: sub}, // nothing applied
	})
	if !ok || n != 2 || got != 43.75 {
		t.Fatalf("period score %v over %d (%v), want 43.75 over 2", got, n, ok)
	}
	if _, _, ok := quality.PeriodScore([]quality.Scored{{Score: ptr(50.0), Status: sub, Calibration: true}}); ok {
		t.Fatal("a period with only calibration reviews has a score")
	}
}

func TestNeedsLookRanksTroubledTickets(t *testing.T) {
	t.Parallel()
	smooth := quality.NeedsLook(quality.Signals{Messages: 3})
	reopened := quality.NeedsLook(quality.Signals{Messages: 3, Reopens: 1})
	long := quality.NeedsLook(quality.Signals{Messages: 12})
	unhappy := quality.NeedsLook(quality.Signals{Messages: 3, Rating: ptr(1.0), Effort: ptr(6.0)})
	if smooth != 0 || reopened <= smooth || long <= smooth || unhappy <= reopened {
		t.Fatalf("smooth %v reopened %v long %v unhappy %v", smooth, reopened, long, unhappy)
	}
}

func TestAgreement(t *testing.T) {
	t.Parallel()
	cats := exampleCard[:2] // Empathetic, Responsive: range 1-5
	got := quality.Agreement(cats, map[int64]map[int64]quality.Rating{
		10: {1: rated(5), 2: rated(3)}, // 100, 50
		20: {1: rated(3), 2: rated(3)}, // 50, 50
		30: {1: na, 2: rated(3)},       // -, 50
	})
	// Empathetic: mean 75, both 25 away. Responsive: all on the mean 50.
	want := map[int64]float64{10: 100 - 12.5, 20: 100 - 12.5, 30: 100}
	for id, w := range want {
		if math.Abs(got[id]-w) > 1e-9 {
			t.Errorf("reviewer %d: agreement %v, want %v", id, got[id], w)
		}
	}
}

func TestCountWords(t *testing.T) {
	t.Parallel()
	got := quality.CountWords([]string{
		"They were FAST, friendly and they really listened!",
		"Friendly. Fast! We don't waste your time.",
		"fast",
	}, 3)
	want := []quality.WordCount{{Word: "fast", Count: 3}, {Word: "friendly", Count: 2}, {Word: "listened", Count: 1}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestCountWordsCountsEachAnswerOnceWhateverThePlural(t *testing.T) {
	t.Parallel()
	got := quality.CountWords([]string{
		"Customers first, customers always, customers!",
		"Every customer heard; replies that solve.",
		"A reply that solves. News travels.",
		"Boxes and a box; the news.",
	}, 10)
	want := []quality.WordCount{{Word: "customer", Count: 2}, {Word: "news", Count: 2}, {Word: "reply", Count: 2},
		{Word: "solve", Count: 2}, {Word: "always", Count: 1}, {Word: "box", Count: 1}, {Word: "first", Count: 1},
		{Word: "heard", Count: 1}, {Word: "travels", Count: 1}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v,\nwant %v", got, want)
	}
}

func TestWeekStartIsMondayMidnightUTC(t *testing.T) {
	t.Parallel()
	monday := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for _, at := range []time.Time{
		monday,
		monday.Add(time.Nanosecond),
		time.Date(2026, 11, 29, 23, 59, 59, 0, time.UTC),                  // Sunday night
		time.Date(2026, 11, 30, 0, 30, 0, 0, time.FixedZone("CET", 3600)), // Sunday 23:30 UTC
	} {
		if got := quality.WeekStart(at); !got.Equal(monday) {
			t.Errorf("week of %v starts %v", at, got)
		}
	}
	if got := quality.WeekStart(monday.Add(-time.Nanosecond)); !got.Equal(monday.AddDate(0, 0, -7)) {
		t.Errorf("the Sunday before starts %v", got)
	}
}
