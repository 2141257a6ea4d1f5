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
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/search"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/team"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// op documents one route for the OpenAPI document. Every pattern given to
// a.handle must have one (a test checks both ways).
type op struct {
	Summary string
	Query   []string // query parameters, "name: what it does"
	In      any      // the JSON request body, nil for none
	Out     any      // the JSON answer, nil for 204 No Content
	Status  int      // the success status; 200 when zero
	Upload  bool     // the request body is a file, not JSON
	File    bool     // the answer is a file, not JSON
}

// docs describes every route of the API, keyed by its ServeMux pattern.
var docs = map[string]op{
	"GET /api/v1/me": {Summary: "The user the token belongs to", Out: user.User{}},

	"GET /api/v1/users":                    {Summary: "List users", Out: list[user.User]{}},
	"POST /api/v1/users":                   {Summary: "Create a user", In: user.NewUser{}, Out: user.User{}, Status: 201},
	"GET /api/v1/users/{id}":               {Summary: "Get a user", Out: user.User{}},
	"PATCH /api/v1/users/{id}":             {Summary: "Change a user's name, role or disabled state", In: user.Patch{}, Out: user.User{}},
	"DELETE /api/v1/users/{id}/two-factor": {Summary: "Reset a user's two-factor sign-in"},

	"GET /api/v1/tokens": {Summary: "List your API tokens", Out: list[user.Token]{}},
	"POST /api/v1/tokens": {Summary: "Create an API token; the secret is shown once", In: struct {
		Name string `json:"name"`
	}{}, Out: tokenCreated{}, Status: 201},
	"DELETE /api/v1/tokens/{id}": {Summary: "Revoke an API token"},

	"GET /api/v1/audit":      {Summary: "Read the audit log, newest first", Query: []string{"action: only this action", "cursor: next_cursor of the previous page", "limit: at most 500"}, Out: list[audit.Entry]{}},
	"GET /api/v1/settings":   {Summary: "Read the instance settings", Out: settings.Settings{}},
	"PATCH /api/v1/settings": {Summary: "Change the instance settings", In: settings.Patch{}, Out: settings.Settings{}},

	"GET /api/v1/tickets": {Summary: "List tickets, most recently updated first", Query: []string{
		"status: new, open, pending, on_hold, solved or closed, or a custom status key", "assignee: a user id, or none",
		"team: a team id", "tag: a tag", "requester: a customer id",
		"updated_since: an RFC 3339 time", "cursor: next_cursor of the previous page", "limit: at most 100",
		"field.{key}: tickets whose custom field has this value (at most 5 such filters)"},
		Out: list[ticket.Ticket]{}},
	"GET /api/v1/tickets/export": {Summary: "Download the tickets the listing's filters match, streamed, as CSV " +
		"(formula-like cells prefixed with ') or JSON lines", Query: append([]string{"format: csv (the default) or jsonl"},
		ticketFilterParams...), File: true},
	"GET /api/v1/search": {Summary: "Search the subjects and messages (notes included) of tickets, best match first; " +
		"snippet is HTML with matches in <mark>", Query: append([]string{"q: words (all must match), \"quoted phrases\", " +
		"prefixes (bill*), or a ticket number (#1042); required", "cursor: next_cursor of the previous page",
		"limit: at most 100"}, ticketFilterParams...), Out: search.Results{}},
	"POST /api/v1/tickets":              {Summary: "Open a ticket with its first message; the requester is found or created by email", In: ticket.NewTicket{}, Out: ticket.Ticket{}, Status: 201},
	"GET /api/v1/tickets/{id}":          {Summary: "Get a ticket", Out: ticket.Ticket{}},
	"PATCH /api/v1/tickets/{id}":        {Summary: "Change a ticket; every change is recorded as an event", In: ticket.Patch{}, Out: ticket.Ticket{}},
	"GET /api/v1/tickets/{id}/messages": {Summary: "A ticket's messages, oldest first", Out: list[ticket.Message]{}},
	"POST /api/v1/tickets/{id}/messages": {Summary: "Add a public reply or an internal note: body, body_html (sanitised) or both, and uploads to attach",
		In: ticket.NewMessage{}, Out: ticket.Message{}, Status: 201},
	"GET /api/v1/tickets/{id}/events": {Summary: "A ticket's history, oldest first", Out: list[events.Event]{}},
	"POST /api/v1/tickets/{id}/merge": {Summary: "Merge the ticket into another: its messages move, it closes", In: struct {
		Into int64 `json:"into"`
	}{}, Out: ticket.Merged{}},
	"POST /api/v1/tickets/{id}/split":             {Summary: "Move one message into a new linked ticket", In: ticket.Split{}, Out: ticket.Ticket{}, Status: 201},
	"GET /api/v1/tickets/{id}/links":              {Summary: "A ticket's links, oldest first", Out: list[ticket.Link]{}},
	"POST /api/v1/tickets/{id}/links":             {Summary: "Link the ticket to another: related, parent or child", In: ticket.NewLink{}, Out: ticket.Link{}, Status: 201},
	"DELETE /api/v1/tickets/{id}/links/{link_id}": {Summary: "Remove a related or parent/child link"},
	"GET /api/v1/custom-fields":                   {Summary: "List custom field definitions", Query: []string{"archived: true for archived fields only, false for active ones"}, Out: list[field.Field]{}},
	"POST /api/v1/custom-fields":                  {Summary: "Define a custom field", In: field.NewField{}, Out: field.Field{}, Status: 201},
	"GET /api/v1/custom-fields/{id}":              {Summary: "Get a custom field definition", Out: field.Field{}},
	"PATCH /api/v1/custom-fields/{id}":            {Summary: "Relabel, change options of, require or archive a custom field", In: field.Patch{}, Out: field.Field{}},
	"GET /api/v1/custom-statuses":                 {Summary: "List custom statuses by category", Out: list[ticket.CustomStatus]{}},
	"POST /api/v1/custom-statuses":                {Summary: "Add a custom status within a built-in category", In: ticket.NewStatus{}, Out: ticket.CustomStatus{}, Status: 201},
	"GET /api/v1/custom-statuses/{id}":            {Summary: "Get a custom status", Out: ticket.CustomStatus{}},
	"PATCH /api/v1/custom-statuses/{id}":          {Summary: "Relabel or archive a custom status", In: ticket.StatusPatch{}, Out: ticket.CustomStatus{}},

	"GET /api/v1/customers":      {Summary: "List customers", Query: []string{"email: only the customer with this address", "cursor: next_cursor of the previous page", "limit: at most 100"}, Out: list[customer.Customer]{}},
	"POST /api/v1/customers":     {Summary: "Create a customer", In: customer.NewCustomer{}, Out: customer.Customer{}, Status: 201},
	"GET /api/v1/customers/{id}": {Summary: "Get a customer", Out: customer.Customer{}},

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

	"GET /api/v1/tags": {Summary: "Tags in use, most used first", Query: []string{"prefix: only tags that start with this", "limit: at most 1000"}, Out: list[ticket.TagCount]{}},
	"PATCH /api/v1/tags/{name}": {Summary: "Rename a tag on every ticket, merging into an existing tag", In: struct {
		Name string `json:"name"`
	}{}, Out: tagChange{}},
	"DELETE /api/v1/tags/{name}": {Summary: "Remove a tag from every ticket", Out: tagChange{}},

	"POST /api/v1/attachments":     {Summary: "Upload a file (multipart field file, or the raw body) to attach to a message within 24 hours", Query: []string{"filename: the file's name, for a raw body"}, Upload: true, Out: attachment.Attachment{}, Status: 201},
	"GET /api/v1/attachments/{id}": {Summary: "Download an attachment; only safe raster images are shown inline", File: true},

	"GET /api/v1/openapi.json": {Summary: "This document", Out: map[string]any{}},
}

func init() {
	overrides[reflect.TypeFor[ticket.OptionalID]()] = map[string]any{"type": []string{"integer", "null"},
		"description": "an id, or null to clear"}
}

// route is a registered pattern and who may call it.
type route struct {
	pattern string
	who     access
}

// Routes returns the patterns the API serves, for tests and tools.
func (a *API) Routes() []string {
	out := make([]string, len(a.routes))
	for i, r := range a.routes {
		out[i] = r.pattern
	}
	return out
}

// serveOpenAPI answers with the document, built once at registration.
func (a *API) serveOpenAPI(doc map[string]any) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		httpx.WriteJSON(w, http.StatusOK, doc)
		return nil
	}
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// openAPI builds the OpenAPI 3.1 document of the registered routes.
func (a *API) openAPI() map[string]any {
	sch := newSchemas()
	errRef := sch.of(httpx.ErrorBody{})
	paths := map[string]any{}
	for _, rt := range a.routes {
		d, ok := docs[rt.pattern]
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
				"POSTs that create accept an Idempotency-Key header."},
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
	o := map[string]any{"summary": d.Summary, "operationId": operationID(rt.pattern)}
	if rt.who == adminOnly {
		o["description"] = "Admins only."
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
	if d.File {
		out["200"] = map[string]any{"description": "the file", "content": map[string]any{
			"application/octet-stream": map[string]any{"schema": binary}}}
		return out
	}
	if d.Out == nil {
		out["204"] = map[string]any{"description": "done"}
		return out
	}
	out[strconv.Itoa(status)] = map[string]any{"description": http.StatusText(status),
		"content": map[string]any{"application/json": map[string]any{"schema": sch.of(d.Out)}}}
	return out
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
