package api

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/recognition"
)

// recognitionHandlers serve badges, awards, proposals, nominations and the recognition webhook.
type recognitionHandlers struct {
	recognition *recognition.Service
}

type commentInput struct {
	Body string `json:"body"`
}

type withdrawInput struct {
	Reason string `json:"reason"`
}

type citationInput struct {
	Citation string `json:"citation"`
}

func (h *recognitionHandlers) listAwards(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var f recognition.FeedFilter
	var err error
	if f.AgentID, err = queryID(q, "agent_id"); err != nil {
		return err
	}
	if f.ValueID, err = queryID(q, "value_id"); err != nil {
		return err
	}
	if f.TicketID, err = queryID(q, "ticket_id"); err != nil {
		return err
	}
	if f.Before, err = queryID(q, "cursor"); err != nil {
		return err
	}
	if f.Limit, err = httpx.QueryLimit(q, recognition.MaxFeedLimit); err != nil {
		return err
	}
	awards, err := h.recognition.Feed(r.Context(), me(r), f)
	if err != nil {
		return err
	}
	out := listOf(awards)
	if n := len(awards); n > 0 && n == recognitionLimit(f.Limit) {
		out.NextCursor = strconv.FormatInt(awards[n-1].ID, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// recognitionLimit is the page size the feed used.
func recognitionLimit(n int) int {
	if n == 0 {
		return recognition.DefaultFeedLimit
	}
	return n
}

func (h *recognitionHandlers) createAward(w http.ResponseWriter, r *http.Request) error {
	var in recognition.NewAward
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	aw, err := h.recognition.CreateAward(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, aw)
	return nil
}

func (h *recognitionHandlers) getAward(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	aw, err := h.recognition.Award(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, aw)
	return nil
}

func (h *recognitionHandlers) setReaction(on bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		rs, err := h.recognition.SetReaction(r.Context(), me(r), id, r.PathValue("reaction"), on)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, listOf(rs))
		return nil
	}
}

func (h *recognitionHandlers) listAwardComments(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	cs, err := h.recognition.Comments(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(cs))
	return nil
}

func (h *recognitionHandlers) addAwardComment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in commentInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.recognition.AddComment(r.Context(), me(r), id, in.Body)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (h *recognitionHandlers) listProposals(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := recognition.ProposalFilter{Status: q.Get("status")}
	var err error
	if f.ReviewID, err = queryID(q, "review_id"); err != nil {
		return err
	}
	ps, err := h.recognition.Proposals(r.Context(), me(r), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(ps))
	return nil
}

func (h *recognitionHandlers) confirmProposal(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in citationInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	aw, err := h.recognition.ConfirmProposal(r.Context(), me(r), id, in.Citation)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, aw)
	return nil
}

func (h *recognitionHandlers) withdrawAward(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in withdrawInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.recognition.WithdrawAward(r.Context(), me(r), id, in.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *recognitionHandlers) dismissProposal(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.recognition.DismissProposal(r.Context(), me(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *recognitionHandlers) listNominations(w http.ResponseWriter, r *http.Request) error {
	ns, err := h.recognition.Nominations(r.Context(), me(r), r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(ns))
	return nil
}

func (h *recognitionHandlers) createNomination(w http.ResponseWriter, r *http.Request) error {
	var in recognition.NewAward
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.recognition.Nominate(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, n)
	return nil
}

func (h *recognitionHandlers) approveNomination(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in recognition.Decision
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	aw, err := h.recognition.ApproveNomination(r.Context(), me(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, aw)
	return nil
}

func (h *recognitionHandlers) declineNomination(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in recognition.Decision
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.recognition.DeclineNomination(r.Context(), me(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, n)
	return nil
}

func (h *recognitionHandlers) valueExamples(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	limit, err := httpx.QueryLimit(r.URL.Query(), recognition.MaxFeedLimit)
	if err != nil {
		return err
	}
	ex, err := h.recognition.ValueExamples(r.Context(), me(r), id, limit)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(ex))
	return nil
}

func (h *recognitionHandlers) getWebhook(w http.ResponseWriter, r *http.Request) error {
	hook, err := h.recognition.Webhook(r.Context(), me(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, hook)
	return nil
}

func (h *recognitionHandlers) putWebhook(w http.ResponseWriter, r *http.Request) error {
	var in recognition.WebhookInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	hook, err := h.recognition.SetWebhook(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, hook)
	return nil
}
