package quality

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
)

// surveysPage is GET /surveys: the team's surveys, and for leads a form to
// start one with the default question already written.
type surveysPage struct {
	Page
	Lead              bool
	Surveys           []*quality.Survey
	Question          string
	Error, ErrorField string
}

// surveyPage is GET /surveys/{id}: the question, the answer form (once),
// and the results as a word cloud and a table.
type surveyPage struct {
	Page
	Survey *quality.Survey
	// ShowResults is true once the user has answered, and always for
	// leads: seeing the team's words first would colour one's own answer.
	ShowResults bool
	// TooFew is true while there are fewer than minAnswers answers: the
	// words of one or two people could be told apart, so none are shown.
	TooFew            bool
	MinAnswers        int
	Cloud             []cloudWord
	Words             []quality.WordCount
	Answer            string
	Error, ErrorField string
}

// cloudWord is a word of the cloud: Size 1-6 grows with its count, Tone
// picks one of the colours that all read on the page's background.
type cloudWord struct {
	quality.WordCount
	Size, Tone int
}

// cloudWords is how many words the cloud and its table show.
const cloudWords = 40

// minAnswers is how many answers a survey needs before its words show, so
// that no single answer can be read back from the counts.
const minAnswers = 3

func (wb *Pages) surveysPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderSurveys(w, r, http.StatusOK, nil, quality.DefaultSurveyQuestion)
}

func (wb *Pages) renderSurveys(w http.ResponseWriter, r *http.Request, status int, problem error, question string) error {
	me := user.FromContext(r.Context())
	list, err := wb.Quality.Surveys(r.Context(), me)
	if err != nil {
		return err
	}
	p := &surveysPage{Page: wb.BasePage(r, "Team survey"), Lead: me.IsLead(), Surveys: list, Question: question}
	if problem != nil {
		var detail httpx.ErrorDetail
		if status, detail = httpx.Describe(r.Context(), problem); status >= 500 || status == http.StatusForbidden {
			return problem
		}
		p.Error, p.ErrorField = detail.Message, detail.Field
	}
	wb.Render(w, r, status, "surveys", p)
	return nil
}

func (wb *Pages) createSurvey(w http.ResponseWriter, r *http.Request) error {
	question := r.PostFormValue("question")
	sv, err := wb.Quality.CreateSurvey(r.Context(), user.FromContext(r.Context()), quality.NewSurvey{Question: question})
	if err != nil {
		return wb.renderSurveys(w, r, 0, err, question)
	}
	wb.Flash(r, "Survey started: the team can answer it now.")
	http.Redirect(w, r, "/surveys/"+strconv.FormatInt(sv.ID, 10), http.StatusSeeOther)
	return nil
}

func (wb *Pages) surveyPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderSurvey(w, r, http.StatusOK, nil, "")
}

func (wb *Pages) renderSurvey(w http.ResponseWriter, r *http.Request, status int, problem error, answer string) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	me := user.FromContext(r.Context())
	res, err := wb.Quality.SurveyResults(r.Context(), me, id, cloudWords)
	if err != nil {
		return err
	}
	p := &surveyPage{Page: wb.BasePage(r, "Team survey"), Survey: &res.Survey, Answer: answer,
		ShowResults: res.Survey.Answered || me.IsLead()}
	p.MinAnswers, p.TooFew = minAnswers, res.Survey.Answers < minAnswers
	if p.ShowResults && !p.TooFew {
		p.Words, p.Cloud = res.Words, cloud(res.Words)
	}
	if problem != nil {
		var detail httpx.ErrorDetail
		if status, detail = httpx.Describe(r.Context(), problem); status >= 500 {
			return problem
		}
		p.Error, p.ErrorField = detail.Message, detail.Field
	}
	wb.Render(w, r, status, "survey", p)
	return nil
}

func (wb *Pages) answerSurvey(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	answer := r.PostFormValue("answer")
	if err := wb.Quality.Answer(r.Context(), user.FromContext(r.Context()), id, answer); err != nil {
		return wb.renderSurvey(w, r, 0, err, answer)
	}
	wb.Flash(r, "Thank you: your answer is in, without your name.")
	http.Redirect(w, r, "/surveys/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// cloud sizes the words by count on a logarithmic scale (so one very common
// word does not shrink all the others to nothing) and orders them
// alphabetically, which scatters big and small words as a cloud does.
func cloud(words []quality.WordCount) []cloudWord {
	if len(words) == 0 {
		return nil
	}
	lo, hi := words[0].Count, words[0].Count
	for _, w := range words {
		lo, hi = min(lo, w.Count), max(hi, w.Count)
	}
	out := make([]cloudWord, 0, len(words))
	for i, w := range words {
		size := 3
		if hi > lo {
			f := (math.Log(float64(w.Count)) - math.Log(float64(lo))) / (math.Log(float64(hi)) - math.Log(float64(lo)))
			size = 1 + int(math.Round(f*5))
		}
		out = append(out, cloudWord{WordCount: w, Size: size, Tone: i % 5})
	}
	slices.SortFunc(out, func(a, b cloudWord) int { return strings.Compare(a.Word, b.Word) })
	return out
}
