package api

import "github.com/centerdesk/centerdesk/internal/recognition"

// The recognition routes' documentation joins docs (openapi.go).
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
	"POST /api/v1/awards/{id}/withdraw": {Summary: "Take back an award given by mistake, saying why; " +
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
	"POST /api/v1/nominations/{id}/approve": {Summary: "Approve a nomination, which awards the badge",
		In: recognition.Decision{}, Out: recognition.Award{}, Status: 201},
	"POST /api/v1/nominations/{id}/decline": {Summary: "Decline a nomination",
		In: recognition.Decision{}, Out: recognition.Nomination{}},
	"GET /api/v1/values/{id}/examples": {Summary: "The newest cited tickets that earned a value's badge: the value in action",
		Query: []string{"limit: at most 100, 5 by default"}, Out: list[recognition.Example]{}},
	"GET /api/v1/recognition/webhook": {Summary: "Where awards are posted, and the secret that signs them " +
		"(X-Centerdesk-Signature: sha256=HMAC-SHA256 of the body)", Out: recognition.Webhook{}},
	"PUT /api/v1/recognition/webhook": {Summary: "Set the webhook URL (\"\" stops posting) or rotate its secret. The URL must reach a public address " +
		"(see CENTERDESK_OUTBOUND_ALLOW)",
		In: recognition.WebhookInput{}, Out: recognition.Webhook{}},
}
