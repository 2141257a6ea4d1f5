package api

import (
	"io"
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
)

// The quality programme's philosophy, values, surveys and scorecards. Who
// may do what is decided in package quality, which is handed the caller.

func me(r *http.Request) *user.User { return user.FromContext(r.Context()) }

func (a *API) getPhilosophy(w http.ResponseWriter, r *http.Request) error {
	p, err := a.Quality.Philosophy(r.Context())
	if err != nil {
		return err
	}
	switch f := r.URL.Query().Get("format"); f {
	case "", "json":
		httpx.WriteJSON(w, http.StatusOK, p)
		return nil
	case "markdown", "md":
		return writeMarkdown(w, p)
	default:
		return apperr.Invalid("format", "must be json or markdown, not %q", f)
	}
}

func (a *API) getPhilosophyMarkdown(w http.ResponseWriter, r *http.Request) error {
	p, err := a.Quality.Philosophy(r.Context())
	if err != nil {
		return err
	}
	return writeMarkdown(w, p)
}

func writeMarkdown(w http.ResponseWriter, p *quality.Philosophy) error {
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="philosophy.md"`)
	w.WriteHeader(http.StatusOK)
	_, err := io.WriteString(w, p.Markdown())
	return err
}

func (a *API) putPhilosophy(w http.ResponseWriter, r *http.Request) error {
	var in quality.PhilosophyInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := a.Quality.PutPhilosophy(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (a *API) listPhilosophyVersions(w http.ResponseWriter, r *http.Request) error {
	vs, err := a.Quality.Versions(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(vs))
	return nil
}

func (a *API) getPhilosophyVersion(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := a.Quality.Version(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) listValues(w http.ResponseWriter, r *http.Request) error {
	p, err := a.Quality.Philosophy(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(p.Values))
	return nil
}

func (a *API) createValue(w http.ResponseWriter, r *http.Request) error {
	var in quality.ValueInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.ID != 0 {
		return apperr.Invalid("id", "is given by the server")
	}
	v, err := a.Quality.CreateValue(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/values/"+strconv.FormatInt(v.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (a *API) updateValue(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p quality.ValuePatch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	v, err := a.Quality.UpdateValue(r.Context(), me(r), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) deleteValue(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Quality.DeleteValue(r.Context(), me(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listSurveys(w http.ResponseWriter, r *http.Request) error {
	svs, err := a.Quality.Surveys(r.Context(), me(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(svs))
	return nil
}

func (a *API) createSurvey(w http.ResponseWriter, r *http.Request) error {
	var in quality.NewSurvey
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sv, err := a.Quality.CreateSurvey(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/surveys/"+strconv.FormatInt(sv.ID, 10)+"/results")
	httpx.WriteJSON(w, http.StatusCreated, sv)
	return nil
}

// surveyAnswer is an anonymous answer to a survey.
type surveyAnswer struct {
	Answer string `json:"answer"`
}

// answerSurvey is deliberately not wrapped in Idempotency-Key handling:
// that store keeps a hash of each request beside its user, which would tie
// an answer to its author.
func (a *API) answerSurvey(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in surveyAnswer
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := a.Quality.Answer(r.Context(), me(r), id, in.Answer); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) surveyResults(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	top, err := queryInt(r.URL.Query(), "top")
	if err != nil {
		return err
	}
	res, err := a.Quality.SurveyResults(r.Context(), me(r), id, top)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, res)
	return nil
}

func (a *API) listScorecards(w http.ResponseWriter, r *http.Request) error {
	cards, err := a.Quality.Scorecards(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(cards))
	return nil
}

func (a *API) createScorecard(w http.ResponseWriter, r *http.Request) error {
	var in quality.NewScorecard
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sc, err := a.Quality.CreateScorecard(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/scorecards/"+strconv.FormatInt(sc.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, sc)
	return nil
}

func (a *API) getScorecard(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	sc, err := a.Quality.Scorecard(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sc)
	return nil
}
