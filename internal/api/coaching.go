package api

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/httpx"
)

// coachingHandlers serve coaching sessions, their settings, and concerns.
type coachingHandlers struct {
	coaching *coaching.Service
}

// Coaching sessions and concerns (package coaching).

func (h *coachingHandlers) createCoachingSession(w http.ResponseWriter, r *http.Request) error {
	var in coaching.NewSession
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	s, err := h.coaching.CreateSession(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/coaching-sessions/"+strconv.FormatInt(s.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, s)
	return nil
}

func (h *coachingHandlers) listCoachingSessions(w http.ResponseWriter, r *http.Request) error {
	agent, err := queryID(r.URL.Query(), "agent_id")
	if err != nil {
		return err
	}
	list, err := h.coaching.Sessions(r.Context(), me(r), agent)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(list))
	return nil
}

func (h *coachingHandlers) getCoachingSession(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := h.coaching.Session(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (h *coachingHandlers) updateCoachingSession(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p coaching.SessionPatch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	s, err := h.coaching.UpdateSession(r.Context(), me(r), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

// actionDone is the body that ticks a coaching action done or not.
type actionDone struct {
	Done bool `json:"done"`
}

func (h *coachingHandlers) tickCoachingAction(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	action, err := httpx.PathID(r, "action_id")
	if err != nil {
		return err
	}
	var in actionDone
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	s, err := h.coaching.SetActionDone(r.Context(), me(r), id, action, in.Done)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

// coachingSettings is who may read coaching sessions besides the agent
// and the leads.
type coachingSettings struct {
	VisibleToAgents bool `json:"visible_to_agents"`
}

func (h *coachingHandlers) getCoachingSettings(w http.ResponseWriter, r *http.Request) error {
	on, err := h.coaching.VisibleToAgents(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, coachingSettings{VisibleToAgents: on})
	return nil
}

func (h *coachingHandlers) putCoachingSettings(w http.ResponseWriter, r *http.Request) error {
	var in coachingSettings
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.coaching.SetVisibleToAgents(r.Context(), me(r), in.VisibleToAgents); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, in)
	return nil
}

func (h *coachingHandlers) raiseConcern(w http.ResponseWriter, r *http.Request) error {
	var in coaching.NewConcern
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.coaching.RaiseConcern(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/concerns/"+strconv.FormatInt(c.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (h *coachingHandlers) listConcerns(w http.ResponseWriter, r *http.Request) error {
	list, err := h.coaching.Concerns(r.Context(), me(r), coaching.ConcernStatus(r.URL.Query().Get("status")))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(list))
	return nil
}

func (h *coachingHandlers) getConcern(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.coaching.Concern(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (h *coachingHandlers) updateConcern(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in coaching.ConcernUpdate
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.coaching.UpdateConcern(r.Context(), me(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}
