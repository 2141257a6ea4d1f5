package api

import (
	"math/rand/v2"
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/quality"
)

// Review periods and their queues, reviews, disputes and calibration.

func (h *qualityHandlers) listPeriods(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.quality.Periods(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(ps))
	return nil
}

func (h *qualityHandlers) createPeriod(w http.ResponseWriter, r *http.Request) error {
	var in quality.NewPeriod
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.quality.CreatePeriod(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/review-periods/"+strconv.FormatInt(p.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, p)
	return nil
}

func (h *qualityHandlers) getPeriod(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.quality.Period(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

// drawRequest names the reviewers of a draw and, to repeat one, its seed.
type drawRequest struct {
	ReviewerIDs []int64 `json:"reviewer_ids"`
	Seed        *int64  `json:"seed"`
}

// drawResponse is a draw's result with the seed that repeats it.
type drawResponse struct {
	quality.DrawResult
	Seed int64 `json:"seed"`
}

// maxSeed keeps seeds exact in JSON numbers (JavaScript's 2^53).
const maxSeed = 1 << 53

func (h *qualityHandlers) drawPeriod(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in drawRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	seed := rand.Int64N(maxSeed)
	if in.Seed != nil {
		seed = *in.Seed
	}
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(seed)))
	res, err := h.quality.Draw(r.Context(), me(r), id, in.ReviewerIDs, rng)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, drawResponse{DrawResult: *res, Seed: seed})
	return nil
}

func (h *qualityHandlers) periodQueue(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	q, err := h.quality.PeriodQueue(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(q))
	return nil
}

func (h *qualityHandlers) periodScores(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	scores, err := h.quality.PeriodScores(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(scores))
	return nil
}

func (h *qualityHandlers) myReviewQueue(w http.ResponseWriter, r *http.Request) error {
	period, err := queryID(r.URL.Query(), "period_id")
	if err != nil {
		return err
	}
	q, err := h.quality.Queue(r.Context(), me(r), period)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(q))
	return nil
}

func (h *qualityHandlers) listReviews(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var f quality.ReviewFilter
	var err error
	if f.AgentID, err = queryID(q, "agent_id"); err != nil {
		return err
	}
	if f.ReviewerID, err = queryID(q, "reviewer_id"); err != nil {
		return err
	}
	if f.PeriodID, err = queryID(q, "period_id"); err != nil {
		return err
	}
	if f.Limit, err = httpx.QueryLimit(q, quality.MaxReviewLimit); err != nil {
		return err
	}
	f.Status = quality.ReviewStatus(q.Get("status"))
	reviews, err := h.quality.Reviews(r.Context(), me(r), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(reviews))
	return nil
}

func (h *qualityHandlers) createReview(w http.ResponseWriter, r *http.Request) error {
	var in quality.NewReview
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rv, err := h.quality.CreateReview(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/reviews/"+strconv.FormatInt(rv.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, rv)
	return nil
}

func (h *qualityHandlers) getReview(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	rv, err := h.quality.Review(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rv)
	return nil
}

func (h *qualityHandlers) updateReview(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p quality.ReviewPatch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	rv, err := h.quality.UpdateReview(r.Context(), me(r), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rv)
	return nil
}

func (h *qualityHandlers) submitReview(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	rv, err := h.quality.SubmitReview(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rv)
	return nil
}

func (h *qualityHandlers) acknowledgeReview(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	rv, err := h.quality.AcknowledgeReview(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rv)
	return nil
}

func (h *qualityHandlers) disputeReview(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in quality.NewDispute
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := h.quality.DisputeReview(r.Context(), me(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (h *qualityHandlers) listDisputes(w http.ResponseWriter, r *http.Request) error {
	ds, err := h.quality.Disputes(r.Context(), me(r), quality.DisputeStatus(r.URL.Query().Get("status")))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(ds))
	return nil
}

func (h *qualityHandlers) resolveDispute(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in quality.Resolution
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := h.quality.ResolveDispute(r.Context(), me(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (h *qualityHandlers) createCalibration(w http.ResponseWriter, r *http.Request) error {
	var in quality.NewCalibration
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.quality.CreateCalibration(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/calibrations/"+strconv.FormatInt(c.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (h *qualityHandlers) getCalibration(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.quality.Calibration(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (h *qualityHandlers) closeCalibration(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.quality.CloseCalibration(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (h *qualityHandlers) reviewerAgreement(w http.ResponseWriter, r *http.Request) error {
	ag, err := h.quality.Agreements(r.Context(), me(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(ag))
	return nil
}
