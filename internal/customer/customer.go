// Package customer holds the people who ask for help, and the identities
// (email address, phone number, external id) by which every channel
// recognises them.
package customer

import (
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
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Identity kinds.
const (
	KindEmail    = "email"
	KindPhone    = "phone"
	KindExternal = "external"
)

// NormalizeEmail checks an address and returns it as identities store it.
// It shares the user package's rule, so one address is one address
// everywhere.
func NormalizeEmail(field, s string) (string, error) {
	return user.NormalizeEmail(field, s)
}

// maxName bounds a customer's name; mail headers can carry very long ones.
const maxName = 200

// checkName trims a name; an empty one is allowed where fallback is set,
// which then stands in (the address a stranger wrote from).
func checkName(name, fallback string) (string, error) {
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > maxName {
		return "", apperr.Invalid("name", "is longer than %d characters", maxName)
	}
	if name == "" {
		if fallback == "" {
			return "", apperr.Invalid("name", "is required")
		}
		name = fallback
	}
	return name, nil
}
