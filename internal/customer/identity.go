package customer

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Identity kinds.
const (
	KindEmail    = "email"
	KindPhone    = "phone"
	KindExternal = "external"
)

// Identity is one way a channel recognises a customer. Each identity
// belongs to one customer: an email address (stored lower-cased), a phone
// number (stored as + and digits) or an external id ("system:id", the id of
// the customer in another system, such as "shopify:84213").
type Identity struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Value     string    `json:"value"`
	CreatedAt time.Time `json:"created_at"`
}

// NewIdentity is an identity to add to a customer.
type NewIdentity struct {
	Kind  string `json:"kind"`  // email, phone or external
	Value string `json:"value"` // for external: "system:id"
}

// normalize checks n and returns the value as identities store it; errors
// name field (such as "value" or "identities[1].value").
func (n NewIdentity) normalize(kindField, field string) (NewIdentity, error) {
	var err error
	switch n.Kind {
	case KindEmail:
		n.Value, err = NormalizeEmail(field, n.Value)
	case KindPhone:
		n.Value, err = NormalizePhone(field, n.Value)
	case KindExternal:
		n.Value, err = NormalizeExternal(field, n.Value)
	case "":
		err = apperr.Invalid(kindField, "is required: email, phone or external")
	default:
		err = apperr.Invalid(kindField, "must be email, phone or external, not %q", n.Kind)
	}
	return n, err
}

// NormalizePhone checks a phone number in international form and returns
// it as + and digits (E.164): "+44 (20) 7946-0958" and "0044 20 7946 0958"
// are both "+442079460958". A number without its country code cannot be
// told apart from the same digits elsewhere, so it is refused.
func NormalizePhone(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", apperr.Invalid(field, "is required")
	}
	rest, plus := strings.CutPrefix(s, "+")
	if !plus {
		if rest, plus = strings.CutPrefix(s, "00"); !plus {
			return "", apperr.Invalid(field, "must be an international number starting with + and the country code, such as +44 20 7946 0958")
		}
	}
	var b strings.Builder
	b.WriteByte('+')
	for _, r := range rest {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
			// Separators people write; not part of the number.
		default:
			return "", apperr.Invalid(field, "may hold only digits, spaces, dashes, dots and brackets after the +, not %q", r)
		}
	}
	digits := b.Len() - 1
	if digits < 7 || digits > 15 {
		return "", apperr.Invalid(field, "must have 7 to 15 digits, not %d", digits)
	}
	if b.String()[1] == '0' {
		return "", apperr.Invalid(field, "must start with a country code, which never starts with 0")
	}
	return b.String(), nil
}

var externalSystem = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,39}$`)

// NormalizeExternal checks an external id written "system:id" and returns
// it with the system lower-cased; the id part is kept as it is, since other
// systems' ids may be case-sensitive.
func NormalizeExternal(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", apperr.Invalid(field, "is required")
	}
	system, id, ok := strings.Cut(s, ":")
	system = strings.ToLower(system)
	if !ok || !externalSystem.MatchString(system) {
		return "", apperr.Invalid(field, "must be written system:id, where system is a short name of letters, digits, _ . or -, such as shopify:84213")
	}
	if id == "" || len(id) > 200 {
		return "", apperr.Invalid(field, "must have an id of 1 to 200 characters after %q", system+":")
	}
	for _, r := range id {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return "", apperr.Invalid(field, "must have an id without spaces or control characters")
		}
	}
	return system + ":" + id, nil
}

// identityField names the field of the i-th identity in a request.
func identityField(i int, name string) string { return fmt.Sprintf("identities[%d].%s", i, name) }
