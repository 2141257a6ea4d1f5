package customer

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/nyaruka/phonenumbers"

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

// normalize checks n and returns the value as identities store it, reading
// a phone number without country code as one of phoneRegion; errors name
// field (such as "value" or "identities[1].value").
func (n NewIdentity) normalize(kindField, field, phoneRegion string) (NewIdentity, error) {
	var err error
	switch n.Kind {
	case KindEmail:
		n.Value, err = NormalizeEmail(field, n.Value)
	case KindPhone:
		n.Value, err = NormalizePhone(field, n.Value, phoneRegion)
	case KindExternal:
		n.Value, err = NormalizeExternal(field, n.Value)
	case "":
		err = apperr.Invalid(kindField, "is required: email, phone or external")
	default:
		err = apperr.Invalid(kindField, "must be email, phone or external, not %q", n.Kind)
	}
	return n, err
}

// NormalizePhone checks a phone number and returns it in E.164 (+ and
// digits), as identities store it: "+44 (0)20 7946-0958" and
// "0044 20 7946 0958" are both "+442079460958". A number without its
// country code is read as a national number of region (the desk's
// phone_region setting, such as GB); with no region it cannot be told
// apart from the same digits elsewhere, so it is refused.
//
// The number must be possible (the right length for its country) but need
// not be in a range the library knows to be assigned: its metadata ages,
// and refusing a customer's new number would be worse than keeping one
// that nobody answers.
func NormalizePhone(field, s, region string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", apperr.Invalid(field, "is required")
	}
	if i := strings.IndexFunc(s, notPhoneRune); i >= 0 {
		// Letters are refused too: E.164 has no extensions, and a vanity
		// number (1-800-FLOWERS) is not how a customer is recognised.
		return "", apperr.Invalid(field, "may hold only digits, spaces, dashes, dots and brackets after the +, not %q", []rune(s[i:])[0])
	}
	if region == "" {
		if rest, ok := strings.CutPrefix(s, "00"); ok {
			s = "+" + rest // the international prefix most of the world dials
		}
		if !strings.HasPrefix(s, "+") {
			return "", apperr.Invalid(field, "must be an international number starting with + and the country code, "+
				"such as +44 20 7946 0958 (or an admin sets the desk's phone region)")
		}
	}
	n, err := phonenumbers.Parse(s, cmp.Or(region, "ZZ"))
	if err != nil {
		return "", apperr.Invalid(field, "is not a phone number: %s", phoneProblem(err))
	}
	switch phonenumbers.IsPossibleNumberWithReason(n) {
	case phonenumbers.IS_POSSIBLE:
	case phonenumbers.INVALID_COUNTRY_CODE:
		return "", apperr.Invalid(field, "has no known country code")
	default:
		return "", apperr.Invalid(field, "has the wrong number of digits for +%d", n.GetCountryCode())
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

func notPhoneRune(r rune) bool {
	return !(r >= '0' && r <= '9') && !strings.ContainsRune(" -.()+/", r)
}

// phoneProblem says in words what the library found wrong.
func phoneProblem(err error) string {
	switch {
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		return "it has no known country code"
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
		return "it is too short"
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		return "it is too long"
	}
	return "it cannot be read"
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
