package api

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/httpx"
)

// Coaching sessions and concerns (package coaching).

func (a *API) createCoachingSession(w http.ResponseWriter, r *http.Request) error {
	var in coaching.NewSession
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	s, err := a.Coaching.CreateSession(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/coaching-sessions/"+strconv.FormatInt(s.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, s)
	return nil
}

func (a *API) listCoachingSessions(w http.ResponseWriter, r *http.Request) error {
	agent, err := queryID(r.URL.Query(), "agent_id")
	if err != nil {
		return err
	}
	list, err := a.Coaching.Sessions(r.Context(), me(r), agent)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(list))
	return nil
}

func (a *API) getCoachingSession(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.Coaching.Session(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) updateCoachingSession(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p coaching.SessionPatch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	s, err := a.Coaching.UpdateSession(r.Context(), me(r), id, p)
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

func (a *API) tickCoachingAction(w http.ResponseWriter, r *http.Request) error {
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
	s, err := a.Coaching.SetActionDone(r.Context(), me(r), id, action, in.Done)
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

func (a *API) getCoachingSettings(w http.ResponseWriter, r *http.Request) error {
	on, err := a.Coaching.VisibleToAgents(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, coachingSettings{VisibleToAgents: on})
	return nil
}

func (a *API) putCoachingSettings(w http.ResponseWriter, r *http.Request) error {
	var in coachingSettings
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := a.Coaching.SetVisibleToAgents(r.Context(), me(r), in.VisibleToAgents); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, in)
	return nil
}

func (a *API) raiseConcern(w http.ResponseWriter, r *http.Request) error {
	var in coaching.NewConcern
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := a.Coaching.RaiseConcern(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/concerns/"+strconv.FormatInt(c.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) listConcerns(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Coaching.Concerns(r.Context(), me(r), coaching.ConcernStatus(r.URL.Query().Get("status")))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(list))
	return nil
}

func (a *API) getConcern(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := a.Coaching.Concern(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) updateConcern(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in coaching.ConcernUpdate
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := a.Coaching.UpdateConcern(r.Context(), me(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}
