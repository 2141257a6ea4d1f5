package kit

import (
	"cmp"
	"fmt"
	"net/http"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Level is who may open a route. The kit checks it before the handler
// runs, so handlers never check roles themselves.
type Level int

// The access levels, from anyone to admins only.
const (
	Public    Level = iota + 1 // anyone, signed in or not
	Customer                   // a customer signed in to the portal
	Enrolling                  // a signed-in agent, even one who must still enrol a second factor
	Agent                      // a signed-in agent (leads and admins are agents too)
	Lead                       // a lead or an admin (user.User.IsLead)
	Admin                      // an admin
)

var levelNames = map[Level]string{Public: "public", Customer: "customer", Enrolling: "enrolling",
	Agent: "agent", Lead: "lead", Admin: "admin"}

// String names the level, for tests and messages.
func (l Level) String() string {
	if n, ok := levelNames[l]; ok {
		return n
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Route is one line of a surface's route table.
type Route struct {
	Pattern string // as http.ServeMux takes it: "GET /inbox"
	Level   Level
	Handler httpx.HandlerFunc // served through the table's adapter
	Raw     http.Handler      // or served as is (files, images); Public only
	// Refusal is what a Lead or Admin route tells whom it refuses; empty
	// says "only leads and admins (or: only admins) may open this page".
	Refusal string
}

// Table is a surface's route table.
type Table struct {
	Surface string
	Routes  []Route
	// Adapt turns a guarded handler into an http.Handler; nil is Kit.Page.
	Adapt func(httpx.HandlerFunc) http.Handler
	// Customer guards the Customer routes (the portal's own sign-in).
	Customer func(httpx.HandlerFunc) httpx.HandlerFunc
}

// Recorded is a route as registered, for tests that walk every route.
type Recorded struct {
	Surface string
	Pattern string
	Level   Level
}

// Register puts a surface's routes on mux, each behind the check of its
// level, and records them. Like http.ServeMux.Handle it panics on a table
// that cannot be right (an unknown level, a customer route without a
// customer guard, a raw handler that is not public): a mistake in code.
func (k *Kit) Register(mux *http.ServeMux, t Table) {
	adapt := t.Adapt
	if adapt == nil {
		adapt = k.Page
	}
	for _, rt := range t.Routes {
		h, err := k.guarded(t, rt)
		if err != nil {
			panic(fmt.Sprintf("web/%s: %s: %v", t.Surface, rt.Pattern, err))
		}
		if rt.Raw != nil {
			mux.Handle(rt.Pattern, rt.Raw)
		} else {
			mux.Handle(rt.Pattern, adapt(h))
		}
		k.routes = append(k.routes, Recorded{Surface: t.Surface, Pattern: rt.Pattern, Level: rt.Level})
	}
}

// guarded wraps a route's handler in the check of its level.
func (k *Kit) guarded(t Table, rt Route) (httpx.HandlerFunc, error) {
	if (rt.Raw == nil) == (rt.Handler == nil) {
		return nil, fmt.Errorf("give a Handler or a Raw handler")
	}
	if rt.Raw != nil && rt.Level != Public {
		return nil, fmt.Errorf("a raw handler must be public, not %s", rt.Level)
	}
	h := rt.Handler
	switch rt.Level {
	case Public:
		return h, nil
	case Customer:
		if t.Customer == nil {
			return nil, fmt.Errorf("customer route without a customer guard")
		}
		return t.Customer(h), nil
	case Enrolling:
		return k.signedIn(true, h), nil
	case Agent:
		return k.signedIn(false, h), nil
	case Lead:
		return k.role((*user.User).IsLead, cmp.Or(rt.Refusal, "only leads and admins may open this page"), h), nil
	case Admin:
		return k.role((*user.User).IsAdmin, cmp.Or(rt.Refusal, "only admins may open this page"), h), nil
	}
	return nil, fmt.Errorf("unknown access level %d", int(rt.Level))
}

// Routes lists every route registered so far, in order.
func (k *Kit) Routes() []Recorded { return append([]Recorded(nil), k.routes...) }
