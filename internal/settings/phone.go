package settings

import (
	"context"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// keyPhoneRegion is the region (ISO 3166-1 alpha-2, such as GB) whose
// national numbers customers' phone numbers may be written in; empty: every
// number must carry its country code.
const keyPhoneRegion = "phone_region"

// NormalizePhoneRegion checks a region code and returns it upper-cased; ""
// stays "" (no default region).
func NormalizePhoneRegion(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	if _, ok := phonenumbers.GetSupportedRegions()[s]; !ok || len(s) != 2 {
		return "", apperr.Invalid(keyPhoneRegion, "must be a two-letter region code such as GB, US or NO, not %q", s)
	}
	return s, nil
}

// PhoneRegion reads the desk's default phone region in q (a transaction or
// a pool): for the packages that read phone numbers, without a whole
// Settings.
func PhoneRegion(ctx context.Context, q db.Queryer) (string, error) {
	v, err := Value(ctx, q, keyPhoneRegion)
	if err != nil {
		return "", err
	}
	r, err := NormalizePhoneRegion(v)
	if err != nil {
		return "", nil // written by hand or by an older version: no default
	}
	return r, nil
}
