package api

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/recognition"
)

// Recognition (package recognition): value badges, awards, proposals,
// nominations, the feed's reactions and comments, and the webhook. Every
// route is open to any user; the domain decides who may do what.
func (a *API) registerRecognition(mux *http.ServeMux, once func(httpx.HandlerFunc) httpx.HandlerFunc) {
	a.handle(mux, "GET /api/v1/awards", anyUser, a.listAwards)
	a.handle(mux, "POST /api/v1/awards", anyUser, once(a.createAward))
	a.handle(mux, "GET /api/v1/awards/{id}", anyUser, a.getAward)
	a.handle(mux, "PUT /api/v1/awards/{id}/reactions/{reaction}", anyUser, a.setReaction(true))
	a.handle(mux, "DELETE /api/v1/awards/{id}/reactions/{reaction}", anyUser, a.setReaction(false))
	a.handle(mux, "GET /api/v1/awards/{id}/comments", anyUser, a.listAwardComments)
	a.handle(mux, "POST /api/v1/awards/{id}/comments", anyUser, once(a.addAwardComment))
	a.handle(mux, "POST /api/v1/awards/{id}/withdraw", anyUser, a.withdrawAward)
	a.handle(mux, "GET /api/v1/badge-proposals", anyUser, a.listProposals)
	a.handle(mux, "POST /api/v1/badge-proposals/{id}/confirm", anyUser, once(a.confirmProposal))
	a.handle(mux, "POST /api/v1/badge-proposals/{id}/dismiss", anyUser, a.dismissProposal)
	a.handle(mux, "GET /api/v1/nominations", anyUser, a.listNominations)
	a.handle(mux, "POST /api/v1/nominations", anyUser, once(a.createNomination))
	a.handle(mux, "POST /api/v1/nominations/{id}/approve", anyUser, once(a.approveNomination))
	a.handle(mux, "POST /api/v1/nominations/{id}/decline", anyUser, a.declineNomination)
	a.handle(mux, "GET /api/v1/values/{id}/examples", anyUser, a.valueExamples)
	a.handle(mux, "GET /api/v1/recognition/webhook", adminOnly, a.getWebhook)
	a.handle(mux, "PUT /api/v1/recognition/webhook", adminOnly, a.putWebhook)
}

// The routes' documentation joins the one table in openapi.go.
func init() {
	for pattern, d := range recognitionDocs {
		docs[pattern] = d
	}
}

var recognitionDocs = map[string]op{
	"GET /api/v1/awards": {Summary: "The recognition feed: badges awarded, newest first, with reactions and comments; " +
		"every user sees it", Query: []string{"agent_id: to this agent", "value_id: of this value",
		"ticket_id: for this ticket", "cursor: next_cursor of the previous page", "limit: at most 100"},
		Out: list[recognition.Award]{}},
	"POST /api/v1/awards": {Summary: "Award a value's badge to an agent (the ticket's assignee by default) with a " +
		"citation. Leads, or the ticket's reviewer", In: recognition.NewAward{}, Out: recognition.Award{}, Status: 201},
	"GET /api/v1/awards/{id}": {Summary: "One award with its reactions and comments", Out: recognition.Award{}},
	"PUT /api/v1/awards/{id}/reactions/{reaction}": {Summary: "React to an award (clap, heart, star or thanks); " +
		"once per person, so repeating changes nothing", Out: list[recognition.Reaction]{}},
	"DELETE /api/v1/awards/{id}/reactions/{reaction}": {Summary: "Take a reaction back", Out: list[recognition.Reaction]{}},
	"GET /api/v1/awards/{id}/comments":                {Summary: "An award's comments, oldest first", Out: list[recognition.Comment]{}},
	"POST /api/v1/awards/{id}/comments": {Summary: "Comment on an award", In: commentInput{},
		Out: recognition.Comment{}, Status: 201},
	"POST /api/v1/awards/{id}/withdraw": {Summary: "Take back an award given by mistake, saying why (leads); " +
		"the ticket's history and the audit log keep it", In: withdrawInput{}},
	"GET /api/v1/badge-proposals": {Summary: "Badges your reviews proposed by rating a value at the top of its " +
		"range (every one for leads)", Query: []string{"review_id: of this review",
		"status: open (the default), confirmed, dismissed or all"}, Out: list[recognition.Proposal]{}},
	"POST /api/v1/badge-proposals/{id}/confirm": {Summary: "Award a proposed badge, with a citation",
		In: citationInput{}, Out: recognition.Award{}, Status: 201},
	"POST /api/v1/badge-proposals/{id}/dismiss": {Summary: "Set a proposed badge aside"},
	"GET /api/v1/nominations": {Summary: "Peer nominations, newest first: every one for leads, else those you made " +
		"or that name you", Query: []string{"status: open, approved or declined"}, Out: list[recognition.Nomination]{}},
	"POST /api/v1/nominations": {Summary: "Nominate a peer (the ticket's assignee by default) for a value's badge, " +
		"with a citation", In: recognition.NewAward{}, Out: recognition.Nomination{}, Status: 201},
	"POST /api/v1/nominations/{id}/approve": {Summary: "Approve a nomination, which awards the badge. Leads and admins",
		In: recognition.Decision{}, Out: recognition.Award{}, Status: 201},
	"POST /api/v1/nominations/{id}/decline": {Summary: "Decline a nomination. Leads and admins",
		In: recognition.Decision{}, Out: recognition.Nomination{}},
	"GET /api/v1/values/{id}/examples": {Summary: "The newest cited tickets that earned a value's badge: the value in action",
		Query: []string{"limit: at most 100, 5 by default"}, Out: list[recognition.Example]{}},
	"GET /api/v1/recognition/webhook": {Summary: "Where awards are posted, and the secret that signs them " +
		"(X-Centerdesk-Signature: sha256=HMAC-SHA256 of the body). Admins", Out: recognition.Webhook{}},
	"PUT /api/v1/recognition/webhook": {Summary: "Set the webhook URL (\"\" stops posting) or rotate its secret. The URL must reach a public address " +
		"(see CENTERDESK_OUTBOUND_ALLOW). Admins",
		In: recognition.WebhookInput{}, Out: recognition.Webhook{}},
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

func (a *API) listAwards(w http.ResponseWriter, r *http.Request) error {
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
	awards, err := a.Recognition.Feed(r.Context(), me(r), f)
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

func (a *API) createAward(w http.ResponseWriter, r *http.Request) error {
	var in recognition.NewAward
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	aw, err := a.Recognition.CreateAward(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, aw)
	return nil
}

func (a *API) getAward(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	aw, err := a.Recognition.Award(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, aw)
	return nil
}

func (a *API) setReaction(on bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		rs, err := a.Recognition.SetReaction(r.Context(), me(r), id, r.PathValue("reaction"), on)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, listOf(rs))
		return nil
	}
}

func (a *API) listAwardComments(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	cs, err := a.Recognition.Comments(r.Context(), me(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(cs))
	return nil
}

func (a *API) addAwardComment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in commentInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := a.Recognition.AddComment(r.Context(), me(r), id, in.Body)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) listProposals(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := recognition.ProposalFilter{Status: q.Get("status")}
	var err error
	if f.ReviewID, err = queryID(q, "review_id"); err != nil {
		return err
	}
	ps, err := a.Recognition.Proposals(r.Context(), me(r), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(ps))
	return nil
}

func (a *API) confirmProposal(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in citationInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	aw, err := a.Recognition.ConfirmProposal(r.Context(), me(r), id, in.Citation)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, aw)
	return nil
}

func (a *API) withdrawAward(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in withdrawInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := a.Recognition.WithdrawAward(r.Context(), me(r), id, in.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) dismissProposal(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Recognition.DismissProposal(r.Context(), me(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listNominations(w http.ResponseWriter, r *http.Request) error {
	ns, err := a.Recognition.Nominations(r.Context(), me(r), r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(ns))
	return nil
}

func (a *API) createNomination(w http.ResponseWriter, r *http.Request) error {
	var in recognition.NewAward
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := a.Recognition.Nominate(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, n)
	return nil
}

func (a *API) approveNomination(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in recognition.Decision
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	aw, err := a.Recognition.ApproveNomination(r.Context(), me(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, aw)
	return nil
}

func (a *API) declineNomination(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in recognition.Decision
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := a.Recognition.DeclineNomination(r.Context(), me(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, n)
	return nil
}

func (a *API) valueExamples(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	limit, err := httpx.QueryLimit(r.URL.Query(), recognition.MaxFeedLimit)
	if err != nil {
		return err
	}
	ex, err := a.Recognition.ValueExamples(r.Context(), me(r), id, limit)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(ex))
	return nil
}

func (a *API) getWebhook(w http.ResponseWriter, r *http.Request) error {
	hook, err := a.Recognition.Webhook(r.Context(), me(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, hook)
	return nil
}

func (a *API) putWebhook(w http.ResponseWriter, r *http.Request) error {
	var in recognition.WebhookInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	hook, err := a.Recognition.SetWebhook(r.Context(), me(r), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, hook)
	return nil
}
