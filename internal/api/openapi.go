package api

import (
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/field"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/macro"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/privacy"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/reply"
	"github.com/centerdesk/centerdesk/internal/search"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/ticket/ticketlink"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/view"
)

// docs describes every route of the API, keyed by its ServeMux pattern.
var docs = map[string]op{
	"GET /api/v1/me":   {Summary: "The user the token belongs to; time_zone is the desk's until they choose one", Out: user.User{}},
	"PATCH /api/v1/me": {Summary: "Change your own profile: time_zone (an IANA name) and the signature written below your replies in mail (plain text, at most 1000 characters)", In: user.ProfilePatch{}, Out: user.User{}},

	"GET /api/v1/users":                    {Summary: "List users", Out: list[user.User]{}},
	"POST /api/v1/users":                   {Summary: "Create a user", In: user.NewUser{}, Out: user.User{}, Status: 201},
	"GET /api/v1/users/{id}":               {Summary: "Get a user", Out: user.User{}},
	"PATCH /api/v1/users/{id}":             {Summary: "Change a user's name, role or disabled state", In: user.Patch{}, Out: user.User{}},
	"DELETE /api/v1/users/{id}/two-factor": {Summary: "Reset another user's two-factor sign-in"},

	"GET /api/v1/tokens": {Summary: "List your API tokens", Out: list[user.Token]{}},
	"POST /api/v1/tokens": {Summary: "Create an API token, confirming your password (and a two-factor code when it is on); the secret is shown once",
		In: tokenRequest{}, Out: tokenCreated{}, Status: 201},
	"DELETE /api/v1/tokens/{id}": {Summary: "Revoke an API token"},

	"GET /api/v1/audit": {Summary: "Read the audit log, newest first", Query: []string{"action: only this action", "actor_id: only what this user did",
		"from: from this day (YYYY-MM-DD, UTC) or time (RFC 3339)", "to: up to and including this day, or before this time",
		"cursor: next_cursor of the previous page", "limit: at most 500"}, Out: list[audit.Entry]{}},
	"GET /api/v1/settings":   {Summary: "Read the instance settings", Out: settings.Settings{}},
	"PATCH /api/v1/settings": {Summary: "Change the instance settings", In: settings.Patch{}, Out: settings.Settings{}},

	"GET /api/v1/tickets": {Summary: "List tickets, most recently updated first unless sort says otherwise", Query: []string{
		"status: new, open, pending, on_hold, solved or closed, or a custom status key", "assignee: a user id, or none",
		"team: a team id", "tag: a tag", "requester: a customer id",
		"updated_since: an RFC 3339 time", "cursor: next_cursor of the previous page", "limit: at most 100",
		"field.{key}: tickets whose custom field has this value (at most 5 such filters)",
		"sort: updated (the default), created, priority, number, or waiting (the customers who have waited longest " +
			"since their last message first, then the tickets nobody waits on)",
		"ascending: true turns the order round"},
		Out: list[ticket.Ticket]{}},
	"GET /api/v1/tickets/export": {Summary: "Download the tickets the listing's filters match, streamed, as CSV " +
		"(formula-like cells prefixed with ') or JSON lines", Query: append([]string{"format: csv (the default) or jsonl"},
		ticketFilterParams...), File: true},
	"GET /api/v1/search": {Summary: "Search the subjects and messages (notes included) of tickets, best match first; " +
		"snippet is HTML with matches in <mark>", Query: append([]string{"q: words (all must match), \"quoted phrases\", " +
		"prefixes (bill*), or a ticket number (#1042); required", "cursor: next_cursor of the previous page",
		"limit: at most 100"}, ticketFilterParams...), Out: search.Results{}},
	"POST /api/v1/tickets":              {Summary: "Open a ticket with its first message; the requester is found or created by email", In: ticket.NewTicket{}, Out: ticket.Ticket{}, Status: 201},
	"GET /api/v1/tickets/{id}":          {Summary: "Get a ticket; its ETag is its version", Out: ticket.Ticket{}, ETag: true},
	"PATCH /api/v1/tickets/{id}":        {Summary: "Change a ticket; every change is recorded as an event", In: ticket.Patch{}, Out: ticket.Ticket{}, IfMatch: true, ETag: true},
	"GET /api/v1/tickets/{id}/messages": {Summary: "A ticket's messages, oldest first", Out: list[ticket.Message]{}},
	"POST /api/v1/tickets/{id}/messages": {Summary: "Add a public reply or an internal note: body, body_html (sanitised) or both, and uploads to attach; " +
		"with macro_id the macro's actions apply too (unless skip_macro_actions), and then_status (pending, on_hold, solved) sets the status, all in one transaction; " +
		"channel says how it came (the ticket's when absent), and author \"customer\" with channel phone, walk_in or chat logs what the requester said (a call) as their message",
		In: reply.Draft{}, Out: ticket.Message{}, Status: 201, IfMatch: true},
	"POST /api/v1/tickets/bulk": {Summary: "Change up to 500 tickets at once: {\"ids\", \"patch\"} applies the patch to each, {\"ids\", \"merge_into\"} merges each into that ticket; " +
		"one result per ticket: changed, unchanged, or refused with the reason",
		In: ticket.Bulk{}, Out: list[ticket.BulkResult]{}},
	"GET /api/v1/tickets/{id}/events": {Summary: "A ticket's history, oldest first", Out: list[events.Event]{}},
	"POST /api/v1/tickets/{id}/merge": {Summary: "Merge the ticket into another: its messages move, it closes", In: struct {
		Into int64 `json:"into"`
	}{}, Out: ticket.Merged{}, IfMatch: true},
	"POST /api/v1/tickets/{id}/split":             {Summary: "Move one message into a new linked ticket", In: ticket.Split{}, Out: ticket.Ticket{}, Status: 201, IfMatch: true},
	"GET /api/v1/tickets/{id}/links":              {Summary: "A ticket's links, oldest first", Out: list[ticketlink.Link]{}},
	"POST /api/v1/tickets/{id}/links":             {Summary: "Link the ticket to another: related, parent or child", In: ticketlink.NewLink{}, Out: ticketlink.Link{}, Status: 201, IfMatch: true},
	"DELETE /api/v1/tickets/{id}/links/{link_id}": {Summary: "Remove a related or parent/child link", IfMatch: true},
	"GET /api/v1/custom-fields":                   {Summary: "List custom field definitions", Query: []string{"archived: true for archived fields only, false for active ones"}, Out: list[field.Field]{}},
	"POST /api/v1/custom-fields":                  {Summary: "Define a custom field", In: field.NewField{}, Out: field.Field{}, Status: 201},
	"GET /api/v1/custom-fields/{id}":              {Summary: "Get a custom field definition", Out: field.Field{}},
	"PATCH /api/v1/custom-fields/{id}":            {Summary: "Relabel, change options of, require or archive a custom field", In: field.Patch{}, Out: field.Field{}},
	"GET /api/v1/custom-statuses":                 {Summary: "List custom statuses by category", Out: list[ticket.CustomStatus]{}},
	"POST /api/v1/custom-statuses":                {Summary: "Add a custom status within a built-in category", In: ticket.NewStatus{}, Out: ticket.CustomStatus{}, Status: 201},
	"GET /api/v1/custom-statuses/{id}":            {Summary: "Get a custom status", Out: ticket.CustomStatus{}},
	"PATCH /api/v1/custom-statuses/{id}":          {Summary: "Relabel or archive a custom status", In: ticket.StatusPatch{}, Out: ticket.CustomStatus{}},

	"GET /api/v1/customers": {Summary: "List customers, newest first, with their identities and organization", Query: []string{"email: only the customer with this address", "organization: only customers of this organization id", "cursor: next_cursor of the previous page", "limit: at most 200"}, Out: list[customer.Customer]{}},
	"POST /api/v1/customers": {Summary: "Create a customer with an email address, other identities (kind email, phone or external; phone numbers in international form, external ids as system:id), or both; " +
		"without organization_id, the organization of the email domain is joined", In: customer.NewCustomer{}, Out: customer.Customer{}, Status: 201},
	"GET /api/v1/customers/{id}":   {Summary: "Get a customer, with the effort of all their tickets summed", Out: customerEffort{}},
	"PATCH /api/v1/customers/{id}": {Summary: "Change a customer's name, notes or organization (null leaves it)", In: customer.Patch{}, Out: customer.Customer{}},
	"POST /api/v1/customers/{id}/identities": {Summary: "Add an email address, phone number (+ and country code) or external id (system:id) to a customer; " +
		"one another customer has is a conflict", In: customer.NewIdentity{}, Out: customer.Customer{}, Status: 201},
	"DELETE /api/v1/customers/{id}/identities/{identity_id}": {Summary: "Remove an identity; the last email address of a customer with email conversations is refused", Out: customer.Customer{}},
	"POST /api/v1/customers/{id}/merge": {Summary: "Merge this customer into the customer into: identities, tickets, messages, follows and events move, " +
		"and this customer is deleted", In: mergeInto{}, Out: privacy.Merged{}},
	"POST /api/v1/customers/{id}/erase": {Summary: "Erase a customer's personal data everywhere (a data-protection request): name, identities, " +
		"message bodies, ticket subjects, attachments, email records; their tickets stay, anonymised", Out: privacy.Erasure{}},

	"GET /api/v1/organizations":                {Summary: "List organizations by name", Out: list[customer.Organization]{}},
	"POST /api/v1/organizations":               {Summary: "Create an organization; with auto_join (the default), customers with an email address at one of its domains join it", In: customer.NewOrganization{}, Out: customer.Organization{}, Status: 201},
	"GET /api/v1/organizations/{id}":           {Summary: "Get an organization", Out: customer.Organization{}},
	"PATCH /api/v1/organizations/{id}":         {Summary: "Change an organization; domains replaces its domains", In: customer.OrganizationPatch{}, Out: customer.Organization{}},
	"GET /api/v1/organizations/{id}/customers": {Summary: "List an organization's customers, newest first", Query: []string{"cursor: next_cursor of the previous page", "limit: at most 200"}, Out: list[customer.Customer]{}},

	"GET /api/v1/views": {Summary: "List the views you see: the ready-made ones (ids mine, unassigned, open, " +
		"pending, solved), your own, and those shared with your teams", Out: list[view.View]{}},
	"POST /api/v1/views": {Summary: "Save a view (filters, sort, columns); team_id shares it with a team you belong to",
		In: view.NewView{}, Out: view.View{}, Status: 201},
	"GET /api/v1/views/{id}":    {Summary: "Get a view you see; id is a ready-made view's key or a saved view's number", Out: view.View{}},
	"PATCH /api/v1/views/{id}":  {Summary: "Change a view you own; team_id null stops sharing it", In: view.Patch{}, Out: view.View{}},
	"DELETE /api/v1/views/{id}": {Summary: "Delete a view you own"},
	"GET /api/v1/views/{id}/tickets": {Summary: "List a page of the view's tickets in the view's order; assignee me " +
		"means you", Query: []string{"cursor: next_cursor of the previous page", "limit: at most 200"}, Out: list[ticket.Ticket]{}},
	"GET /api/v1/teams":         {Summary: "List teams with their members", Out: list[team.Team]{}},
	"POST /api/v1/teams":        {Summary: "Create a team", In: team.NewTeam{}, Out: team.Team{}, Status: 201},
	"GET /api/v1/teams/{id}":    {Summary: "Get a team", Out: team.Team{}},
	"PATCH /api/v1/teams/{id}":  {Summary: "Change a team; member_ids replaces the membership", In: team.Patch{}, Out: team.Team{}},
	"DELETE /api/v1/teams/{id}": {Summary: "Delete a team no ticket was ever routed to"},

	"GET /api/v1/mailboxes":         {Summary: "List the support mailboxes (passwords are never shown)", Out: list[mailbox.Mailbox]{}},
	"POST /api/v1/mailboxes":        {Summary: "Add a support mailbox: address, team, IMAP and SMTP settings, acknowledgement", In: mailbox.NewMailbox{}, Out: mailbox.Mailbox{}, Status: 201},
	"GET /api/v1/mailboxes/{id}":    {Summary: "Get a mailbox", Out: mailbox.Mailbox{}},
	"PATCH /api/v1/mailboxes/{id}":  {Summary: "Change a mailbox; a password set to \"\" is removed", In: mailbox.Patch{}, Out: mailbox.Mailbox{}},
	"DELETE /api/v1/mailboxes/{id}": {Summary: "Delete a mailbox; its tickets stay"},

	"GET /api/v1/macros":                                  {Summary: "List the macros you may use: the shared ones and your own, by name", Out: list[macro.Macro]{}},
	"POST /api/v1/macros":                                 {Summary: "Create a macro; body placeholders: {{customer.first_name}}, {{customer.name}}, {{customer.email}}, {{ticket.number}}, {{ticket.subject}}, {{agent.first_name}}, {{agent.name}}; only admins make shared ones", In: macro.NewMacro{}, Out: macro.Macro{}, Status: 201},
	"GET /api/v1/macros/{id}":                             {Summary: "Get a macro (another agent's personal macro is not found)", Out: macro.Macro{}},
	"PATCH /api/v1/macros/{id}":                           {Summary: "Change a macro: your own, or a shared one if you are an admin", In: macro.Patch{}, Out: macro.Macro{}},
	"DELETE /api/v1/macros/{id}":                          {Summary: "Delete a macro: your own, or a shared one if you are an admin"},
	"POST /api/v1/tickets/{id}/macros/{macro_id}/preview": {Summary: "Render a macro's body for a ticket; changes nothing (its actions apply when a reply made with it is sent)", Out: macro.Preview{}},

	"GET /api/v1/tags": {Summary: "Tags in use, most used first", Query: []string{"prefix: only tags that start with this", "limit: at most 1000"}, Out: list[ticket.TagCount]{}},
	"PATCH /api/v1/tags/{name}": {Summary: "Rename a tag on every ticket, merging into an existing tag", In: struct {
		Name string `json:"name"`
	}{}, Out: tagChange{}},
	"DELETE /api/v1/tags/{name}": {Summary: "Remove a tag from every ticket", Out: tagChange{}},

	"POST /api/v1/attachments":     {Summary: "Upload a file (multipart field file, or the raw body) to attach to a message within 24 hours", Query: []string{"filename: the file's name, for a raw body"}, Upload: true, Out: attachment.Attachment{}, Status: 201},
	"GET /api/v1/attachments/{id}": {Summary: "Download an attachment; only safe raster images are shown inline", File: true},

	"GET /api/v1/philosophy": {Summary: "The team's vision and values, in order; warning is set past 5 values",
		Query: []string{"format: json (the default) or markdown"}, Out: quality.Philosophy{}},
	"GET /api/v1/philosophy.md":             {Summary: "The philosophy as a Markdown document", File: true},
	"PUT /api/v1/philosophy":                {Summary: "Replace the vision and the values (kept by id, added without, removed when left out); saves a version", In: quality.PhilosophyInput{}, Out: quality.Philosophy{}},
	"GET /api/v1/philosophy/versions":       {Summary: "Saved versions of the philosophy, newest first", Out: list[quality.VersionInfo]{}},
	"GET /api/v1/philosophy/versions/{id}":  {Summary: "One saved version of the philosophy", Out: quality.Version{}},
	"GET /api/v1/values":                    {Summary: "The team's values, in order", Out: list[quality.Value]{}},
	"POST /api/v1/values":                   {Summary: "Add a value; a sixth is allowed with a warning", In: quality.ValueInput{}, Out: quality.ValueResult{}, Status: 201},
	"PATCH /api/v1/values/{id}":             {Summary: "Change a value", In: quality.ValuePatch{}, Out: quality.ValueResult{}},
	"DELETE /api/v1/values/{id}":            {Summary: "Remove a value; scorecards keep its name"},
	"GET /api/v1/surveys":                   {Summary: "Team surveys, newest first, with whether you answered", Out: list[quality.Survey]{}},
	"POST /api/v1/surveys":                  {Summary: "Ask the team a question (a default one when empty)", In: quality.NewSurvey{}, Out: quality.Survey{}, Status: 201},
	"POST /api/v1/surveys/{id}/answers":     {Summary: "Answer a survey, once and anonymously", In: surveyAnswer{}},
	"GET /api/v1/surveys/{id}/results":      {Summary: "A survey's most frequent words, stop words left out", Query: []string{"top: how many words, 50 by default, at most 500"}, Out: quality.SurveyResults{}},
	"GET /api/v1/scorecards":                {Summary: "Scorecards, newest first, with their categories", Out: list[quality.Scorecard]{}},
	"POST /api/v1/scorecards":               {Summary: "Make a scorecard from the values (one 1-5 category each unless listed)", In: quality.NewScorecard{}, Out: quality.Scorecard{}, Status: 201},
	"GET /api/v1/scorecards/{id}":           {Summary: "Get a scorecard", Out: quality.Scorecard{}},
	"GET /api/v1/review-periods":            {Summary: "Review periods, latest first", Out: list[quality.Period]{}},
	"POST /api/v1/review-periods":           {Summary: "Open a review period (this week, Monday 00:00 UTC, by default)", In: quality.NewPeriod{}, Out: quality.Period{}, Status: 201},
	"GET /api/v1/review-periods/{id}":       {Summary: "Get a review period", Out: quality.Period{}},
	"POST /api/v1/review-periods/{id}/draw": {Summary: "Draw tickets solved in the period into reviewers' queues; give the answer's seed to repeat a draw", In: drawRequest{}, Out: drawResponse{}},
	"GET /api/v1/review-periods/{id}/queue": {Summary: "Every ticket drawn in the period", Out: list[quality.Assignment]{}},
	"GET /api/v1/review-periods/{id}/scores": {Summary: "Each agent's quality score for the period (yours only, unless you lead)",
		Out: list[quality.AgentScore]{}},
	"GET /api/v1/review-queue": {Summary: "Tickets waiting for your review", Query: []string{"period_id: only this period"}, Out: list[quality.Assignment]{}},
	"GET /api/v1/reviews": {Summary: "Reviews you may read, newest first", Query: []string{"agent_id: of this agent",
		"reviewer_id: by this reviewer", "period_id: in this period", "status: draft, submitted or voided",
		"limit: at most 500"}, Out: list[quality.Review]{}},
	"POST /api/v1/reviews":                  {Summary: "Start a draft review: of an assignment in your queue, in a calibration session, or (leads) of any ticket", In: quality.NewReview{}, Out: quality.Review{}, Status: 201},
	"GET /api/v1/reviews/{id}":              {Summary: "Get a review you may read", Out: quality.Review{}},
	"PATCH /api/v1/reviews/{id}":            {Summary: "Rate categories and comment on your draft", In: quality.ReviewPatch{}, Out: quality.Review{}},
	"POST /api/v1/reviews/{id}/submit":      {Summary: "Submit your draft; every category rated or not applicable", Out: quality.Review{}},
	"POST /api/v1/reviews/{id}/acknowledge": {Summary: "Acknowledge a submitted review of your work", Out: quality.Review{}},
	"POST /api/v1/reviews/{id}/dispute":     {Summary: "Dispute a submitted review of your work, with a reason", In: quality.NewDispute{}, Out: quality.Dispute{}, Status: 201},
	"GET /api/v1/disputes":                  {Summary: "Disputes (yours, unless you lead), newest first", Query: []string{"status: open, accepted, partly_accepted or rejected"}, Out: list[quality.Dispute]{}},
	"POST /api/v1/disputes/{id}/resolve":    {Summary: "Accept (void the review), partly accept (correct ratings) or reject a dispute", In: quality.Resolution{}, Out: quality.Dispute{}},
	"POST /api/v1/calibrations":             {Summary: "Open a calibration session: several reviewers score one ticket blind", In: quality.NewCalibration{}, Out: quality.Calibration{}, Status: 201},
	"GET /api/v1/calibrations/agreement":    {Summary: "Each reviewer's mean agreement over closed sessions (0-100)", Out: list[quality.ReviewerAgreement]{}},
	"GET /api/v1/calibrations/{id}":         {Summary: "A calibration session: your review while open, everyone's and the differences once closed", Out: quality.Calibration{}},
	"POST /api/v1/calibrations/{id}/close":  {Summary: "Close a session before every reviewer has submitted", Out: quality.Calibration{}},

	"GET /api/v1/openapi.json": {Summary: "This document", Out: map[string]any{}},
}

func init() {
	overrides[reflect.TypeFor[ticket.OptionalID]()] = map[string]any{"type": []string{"integer", "null"},
		"description": "an id, or null to clear"}
}

// Routes returns the patterns the API serves, for tests and tools.
func (a *API) Routes() []string {
	out := make([]string, len(a.routes))
	for i, r := range a.routes {
		out[i] = r.pattern
	}
	return out
}

// serveOpenAPI answers with the document Register built from the table.
func (a *API) serveOpenAPI(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusOK, a.doc)
	return nil
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// openAPI builds the OpenAPI 3.1 document of the registered routes.
func (a *API) openAPI() map[string]any {
	sch := newSchemas()
	errRef := sch.of(httpx.ErrorBody{})
	paths := map[string]any{}
	for _, rt := range a.routes {
		d, ok := a.docs[rt.pattern]
		if !ok {
			continue // the coverage test names it
		}
		method, path, _ := strings.Cut(rt.pattern, " ")
		item, _ := paths[path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		item[strings.ToLower(method)] = operation(sch, rt, d, path, errRef)
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Centerdesk API", "version": "1",
			"description": "The JSON API of Centerdesk. Errors are {\"error\": {\"code\", \"message\", \"field\"}}. " +
				"POSTs that create accept an Idempotency-Key header. Requests are rate limited per token, " +
				"and per client address without one: answers carry the RateLimit-Policy and RateLimit " +
				"fields (draft-ietf-httpapi-ratelimit-headers-09), and over the limit the answer is 429 " +
				"with Retry-After and the code rate_limited."},
		"servers":  []any{map[string]any{"url": "/"}},
		"paths":    paths,
		"security": []any{map[string]any{"token": []string{}}},
		"components": map[string]any{
			"schemas": sch.components,
			"securitySchemes": map[string]any{"token": map[string]any{
				"type": "http", "scheme": "bearer", "description": "an API token (cdk_...)"}},
		},
	}
}

func operation(sch *schemas, rt route, d op, path string, errRef map[string]any) map[string]any {
	o := map[string]any{"summary": d.Summary, "operationId": operationID(rt.pattern),
		"x-access": rt.who.String()}
	if desc := accessNote[rt.who]; desc != "" {
		o["description"] = desc
	}
	if rt.who == public {
		o["security"] = []any{} // no token needed
	}
	if rt.key == once {
		o["x-idempotency-key"] = true
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true,
			"schema": map[string]any{"type": "string"}})
	}
	for _, q := range d.Query {
		name, desc, _ := strings.Cut(q, ": ")
		params = append(params, map[string]any{"name": name, "in": "query", "description": desc,
			"schema": map[string]any{"type": "string"}})
	}
	if d.IfMatch {
		params = append(params, ifMatchParam)
	}
	if params != nil {
		o["parameters"] = params
	}
	if d.In != nil {
		o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": sch.of(d.In)}}}
	}
	if d.Upload {
		o["requestBody"] = uploadBody()
	}
	o["responses"] = responses(sch, d, errRef)
	return o
}

func responses(sch *schemas, d op, errRef map[string]any) map[string]any {
	status := d.Status
	if status == 0 {
		status = http.StatusOK
	}
	errResp := map[string]any{"description": "an error; see error.code and error.field",
		"content": map[string]any{"application/json": map[string]any{"schema": errRef}}}
	out := map[string]any{"default": errResp}
	if d.IfMatch {
		out["412"] = map[string]any{"description": "If-Match names a version the ticket is no longer at: " +
			"nothing changed; the body is the ticket as it is now", "headers": etagHeader,
			"content": map[string]any{"application/json": map[string]any{"schema": sch.of(ticket.Ticket{})}}}
	}
	if d.File {
		out["200"] = map[string]any{"description": "the file", "content": map[string]any{
			"application/octet-stream": map[string]any{"schema": binary}}}
		return out
	}
	if d.Out == nil {
		out["204"] = map[string]any{"description": "done"}
		return out
	}
	ok := map[string]any{"description": http.StatusText(status),
		"content": map[string]any{"application/json": map[string]any{"schema": sch.of(d.Out)}}}
	if d.ETag {
		ok["headers"] = etagHeader
	}
	if d.CSV {
		ok["content"].(map[string]any)["text/csv"] = map[string]any{"schema": map[string]any{"type": "string"}}
	}
	out[strconv.Itoa(status)] = ok
	return out
}

// ifMatchParam documents the If-Match header of writes to a ticket.
var ifMatchParam = map[string]any{"name": "If-Match", "in": "header", "required": false,
	"description": `the ticket's ETag ("<version>") as the client last read it: the write applies only ` +
		`while the ticket is at that version, else 412 and nothing changes; * or no header applies it anyway`,
	"schema": map[string]any{"type": "string"}}

// etagHeader documents a ticket's ETag.
var etagHeader = map[string]any{"ETag": map[string]any{"description": `the ticket's version, quoted ("7")`,
	"schema": map[string]any{"type": "string"}}}

// accessNote tells readers of the document who may call a route; x-access
// says it to tools.
var accessNote = map[access]string{
	lead:  "Leads and admins only.",
	admin: "Admins only.",
}

var binary = map[string]any{"type": "string", "format": "binary"}

// uploadBody is a file sent as multipart/form-data or as the raw body.
func uploadBody() map[string]any {
	return map[string]any{"required": true, "content": map[string]any{
		"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object",
			"required": []string{"file"}, "properties": map[string]any{"file": binary}}},
		"application/octet-stream": map[string]any{"schema": binary},
	}}
}

// operationID names an operation after its pattern: "GET /api/v1/tickets/{id}"
// becomes "get_tickets_id".
func operationID(pattern string) string {
	method, path, _ := strings.Cut(pattern, " ")
	parts := []string{strings.ToLower(method)}
	for _, seg := range strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/") {
		seg = strings.Trim(seg, "{}")
		seg = strings.NewReplacer("-", "_", ".", "_").Replace(seg)
		parts = append(parts, seg)
	}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), "_")
}
