// Package apikit is what a domain's part of the JSON API needs to join it:
// the route row with its access level and its OpenAPI entry, and the list
// envelope. The api package serves the core routes and every Section it is
// given, so a new capability brings its routes in a package of its own
// (internal/api/<domain>api) instead of growing the api package.
package apikit

import "github.com/centerdesk/centerdesk/internal/httpx"

// Access says who may call a route. The route table's middleware enforces
// it before the handler runs, so handlers never check it again; what is
// about the record stays in the domain service.
type Access int

const (
	Public Access = iota // no token; counted against the client address's rate limit
	Agent                // any user with a valid token
	Lead                 // leads and admins (user.User.IsLead)
	Admin                // admins only
)

// String names the level as the OpenAPI document shows it (x-access).
func (level Access) String() string {
	switch level {
	case Public:
		return "public"
	case Agent:
		return "agent"
	case Lead:
		return "lead"
	case Admin:
		return "admin"
	}
	return "unknown"
}

// Keyed says whether a route honours Idempotency-Key, so a client may
// retry it and get the first answer rather than a second write.
type Keyed bool

const (
	NoKey Keyed = false // ignores the header
	Once  Keyed = true  // POSTs that create something, so clients can retry
)

// Route is one row of a section's route table, with its document entry.
type Route struct {
	Pattern string            // the ServeMux pattern, "METHOD /path"
	Who     Access            // who may call it
	Handler httpx.HandlerFunc // thin: decode, call a domain service, encode
	Key     Keyed             // whether it honours Idempotency-Key
	Doc     Op                // what the OpenAPI document says of it
}

// Op documents one route for the OpenAPI document; who may call the route
// comes from its row, not from here.
type Op struct {
	Summary string
	Query   []string // query parameters, "name: what it does"
	In      any      // the JSON request body, nil for none
	Out     any      // the JSON answer, nil for 204 No Content
	Status  int      // the success status; 200 when zero
	Upload  bool     // the request body is a file, not JSON
	File    bool     // the answer is a file, not JSON
	// IfMatch: the route writes to ticket {id} and honours If-Match,
	// answering 412 with the current ticket.
	IfMatch bool
	ETag    bool // the answer carries the ticket's ETag
	// CSV: the answer is text/csv when the request asks for format=csv.
	CSV bool
}

// Section is one domain's part of the API.
type Section interface {
	Routes() []Route
}

// List wraps a listing so clients always get {"items": [...]}.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// ListOf wraps items, never as null.
func ListOf[T any](items []T) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items}
}
