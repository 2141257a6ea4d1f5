package macro

import (
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Placeholders are the names a macro body may use, as {{name}}.
var Placeholders = []string{
	"customer.first_name", "customer.name", "customer.email",
	"ticket.number", "ticket.subject",
	"agent.first_name", "agent.name",
}

// Values are what the placeholders stand for on one ticket.
type Values map[string]string

// ValuesFor fills the placeholders from a ticket, its requester and the
// agent writing. c or agent may be nil.
func ValuesFor(t *ticket.Ticket, c *customer.Customer, agent *user.User) Values {
	v := Values{"ticket.number": strconv.FormatInt(t.Number, 10), "ticket.subject": t.Subject}
	if c != nil {
		v["customer.name"], v["customer.first_name"], v["customer.email"] = c.Name, firstName(c.Name), c.Email
	}
	if agent != nil {
		v["agent.name"], v["agent.first_name"] = agent.Name, firstName(agent.Name)
	}
	return v
}

// firstName is the first word of a name: good enough for a greeting, and
// the whole name when it is one word.
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

// Render replaces every {{name}} in body by its value. It is a plain
// search and replace, never a template language: a macro body, a customer's
// name or a subject can hold anything and none of it is ever run. Unknown
// names are left as written (checkBody refuses them on save); values are
// not scanned again, so a name that contains "{{...}}" stays literal.
func Render(body string, v Values) string {
	var b strings.Builder
	for {
		start := strings.Index(body, "{{")
		if start < 0 {
			break
		}
		end := strings.Index(body[start+2:], "}}")
		if end < 0 {
			break
		}
		name := strings.TrimSpace(body[start+2 : start+2+end])
		b.WriteString(body[:start])
		if val, ok := v[name]; ok && isPlaceholder(name) {
			b.WriteString(val)
		} else {
			b.WriteString(body[start : start+2+end+2])
		}
		body = body[start+2+end+2:]
	}
	b.WriteString(body)
	return b.String()
}

func isPlaceholder(name string) bool {
	for _, p := range Placeholders {
		if p == name {
			return true
		}
	}
	return false
}

// placeholdersIn lists the names used as {{name}} in body.
func placeholdersIn(body string) []string {
	var out []string
	for {
		start := strings.Index(body, "{{")
		if start < 0 {
			return out
		}
		end := strings.Index(body[start+2:], "}}")
		if end < 0 {
			return out
		}
		out = append(out, strings.TrimSpace(body[start+2:start+2+end]))
		body = body[start+2+end+2:]
	}
}
