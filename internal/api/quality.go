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

// qualityHandlers serve the quality programme: philosophy, values, surveys, scorecards, review periods, reviews, disputes and calibration.
type qualityHandlers struct {
	quality *quality.Service
}

// The quality programme's philosophy, values, surveys and scorecards. Who
// may do what is decided in package quality, which is handed the caller.

func me(r *http.Request) *user.User { return user.FromContext(r.Context()) }

func (h *qualityHandlers) getPhilosophy(w http.ResponseWriter, r *http.Request) error {
	p, err := h.quality.Philosophy(r.Context())
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

func (h *qualityHandlers) getPhilosophyMarkdown(w http.ResponseWriter, r *http.Request) error {
	p, err := h.quality.Philosophy(r.Context())
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

func (h *qualityHandlers) putPhilosophy(w http.ResponseWriter, r *http.Request) error {
	var in quality.PhilosophyInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.quality.PutPhilosophy(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (h *qualityHandlers) listPhilosophyVersions(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.quality.Versions(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(vs))
	return nil
}

func (h *qualityHandlers) getPhilosophyVersion(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := h.quality.Version(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (h *qualityHandlers) listValues(w http.ResponseWriter, r *http.Request) error {
	p, err := h.quality.Philosophy(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(p.Values))
	return nil
}

func (h *qualityHandlers) createValue(w http.ResponseWriter, r *http.Request) error {
	var in quality.ValueInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.ID != 0 {
		return apperr.Invalid("id", "is given by the server")
	}
	v, err := h.quality.CreateValue(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/values/"+strconv.FormatInt(v.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (h *qualityHandlers) updateValue(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p quality.ValuePatch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	v, err := h.quality.UpdateValue(r.Context(), me(r), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (h *qualityHandlers) deleteValue(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.quality.DeleteValue(r.Context(), me(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *qualityHandlers) listSurveys(w http.ResponseWriter, r *http.Request) error {
	svs, err := h.quality.Surveys(r.Context(), me(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(svs))
	return nil
}

func (h *qualityHandlers) createSurvey(w http.ResponseWriter, r *http.Request) error {
	var in quality.NewSurvey
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sv, err := h.quality.CreateSurvey(r.Context(), me(r), in)
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
func (h *qualityHandlers) answerSurvey(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in surveyAnswer
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.quality.Answer(r.Context(), me(r), id, in.Answer); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *qualityHandlers) surveyResults(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	top, err := queryInt(r.URL.Query(), "top")
	if err != nil {
		return err
	}
	res, err := h.quality.SurveyResults(r.Context(), me(r), id, top)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, res)
	return nil
}

func (h *qualityHandlers) listScorecards(w http.ResponseWriter, r *http.Request) error {
	cards, err := h.quality.Scorecards(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(cards))
	return nil
}

func (h *qualityHandlers) createScorecard(w http.ResponseWriter, r *http.Request) error {
	var in quality.NewScorecard
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sc, err := h.quality.CreateScorecard(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/scorecards/"+strconv.FormatInt(sc.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, sc)
	return nil
}

func (h *qualityHandlers) getScorecard(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	sc, err := h.quality.Scorecard(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sc)
	return nil
}
