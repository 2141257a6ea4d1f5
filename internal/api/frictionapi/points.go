package frictionapi

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/api/apikit"
	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/httpx"
)

func (h handlers) listPoints(w http.ResponseWriter, r *http.Request) error {
	f := friction.PointFilter{State: friction.State(r.URL.Query().Get("state"))}
	var err error
	if f.DepartmentID, err = queryID(r, "department_id"); err != nil {
		return err
	}
	list, err := h.friction.Points(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(list))
	return nil
}

func (h handlers) createPoint(w http.ResponseWriter, r *http.Request) error {
	var in friction.NewPoint
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.friction.CreatePoint(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	created(w, pointPath(p), p)
	return nil
}

func (h handlers) propose(w http.ResponseWriter, r *http.Request) error {
	var in friction.Proposal
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.friction.Propose(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	created(w, pointPath(p), p)
	return nil
}

func pointPath(p *friction.Point) string { return "/api/v1/friction/" + strconv.FormatInt(p.ID, 10) }

func (h handlers) getPoint(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.friction.Point(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (h handlers) updatePoint(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in friction.PointPatch
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.friction.UpdatePoint(r.Context(), me(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (h handlers) deletePoint(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.friction.DeletePoint(r.Context(), me(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h handlers) accept(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.friction.Accept(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (h handlers) decline(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in friction.Decline
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.friction.DeclineProposal(r.Context(), me(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (h handlers) setStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in friction.StatusChange
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.friction.SetStatus(r.Context(), me(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (h handlers) ticketTags(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	tags, err := h.friction.TicketTags(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(tags))
	return nil
}

func (h handlers) tag(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in tagInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	tags, err := h.friction.TagTicket(r.Context(), me(r), id, in.FrictionID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(tags))
	return nil
}

func (h handlers) untag(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	fid, err := httpx.PathID(r, "friction_id")
	if err != nil {
		return err
	}
	tags, err := h.friction.UntagTicket(r.Context(), me(r), id, fid)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, apikit.ListOf(tags))
	return nil
}

func (h handlers) report(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		return apperr.Invalid("format", "must be json or csv, not %q", format)
	}
	p, err := h.friction.Period(q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	rep, err := h.friction.Report(r.Context(), p)
	if err != nil {
		return err
	}
	if format != "csv" {
		httpx.WriteJSON(w, http.StatusOK, rep)
		return nil
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="friction-report.csv"`)
	w.WriteHeader(http.StatusOK)
	return rep.WriteCSV(w)
}
