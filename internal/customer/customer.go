// Package customer holds the people who ask for help, the identities
// (email address, phone number, external id) by which every channel
// recognises them, and the organizations they belong to.
package customer

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Customer is someone who asks for help.
type Customer struct {
	ID int64 `json:"id"`
	// Email is the customer's first email identity, or "" if none.
	Email string `json:"email"`
	Name  string `json:"name"`
	Notes string `json:"notes"`
	// Organization is the organization the customer belongs to, or nil.
	Organization *OrgRef `json:"organization"`
	// Identities are every email address, phone number and external id of
	// the customer, oldest first.
	Identities []Identity `json:"identities"`
	// ErasedAt is when the customer's personal data was erased; their row
	// stays, anonymised, so that their tickets keep their history.
	ErasedAt  *time.Time `json:"erased_at"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// OrgRef names an organization inside a customer.
type OrgRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// ErasedName replaces the name of an erased customer.
const ErasedName = "Erased customer"

// NormalizeEmail checks an address and returns it as identities store it.
// It shares the user package's rule, so one address is one address
// everywhere.
func NormalizeEmail(field, s string) (string, error) {
	return user.NormalizeEmail(field, s)
}

// maxName bounds a customer's name; mail headers can carry very long ones.
const maxName = 200

// maxNotes bounds the notes on a customer or an organization.
const maxNotes = 10000

// checkName trims a name; an empty one is allowed where fallback is set,
// which then stands in (the address a stranger wrote from).
func checkName(name, fallback string) (string, error) {
	name, err := apperr.CheckText("name", name, maxName, false)
	if err != nil {
		return "", err
	}
	if name == "" {
		if fallback == "" {
			return "", apperr.Invalid("name", "is required")
		}
		name = fallback
	}
	return name, nil
}

// checkNotes trims notes and bounds their length.
func checkNotes(notes string) (string, error) {
	notes = strings.TrimSpace(notes)
	if utf8.RuneCountInString(notes) > maxNotes {
		return "", apperr.Invalid("notes", "is longer than %d characters", maxNotes)
	}
	return notes, nil
}

// OptionalID is a PATCH field that can be left out, set to an id, or set to
// null to clear it: a plain *int64 cannot tell "absent" from null.
type OptionalID struct {
	Set bool
	ID  *int64
}

// UnmarshalJSON records that the field was present, null or not.
func (o *OptionalID) UnmarshalJSON(b []byte) error {
	o.Set = true
	return json.Unmarshal(b, &o.ID)
}
