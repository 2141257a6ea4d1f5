package settings

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// brandValues checks the branding members of p into out.
func (p Patch) brandValues(out map[string]string) error {
	if p.CompanyName != nil {
		name := strings.Join(strings.Fields(*p.CompanyName), " ")
		switch {
		case apperr.Blank(name):
			return apperr.Invalid(keyCompanyName, "is required")
		case utf8.RuneCountInString(name) > MaxCompanyName:
			return apperr.Invalid(keyCompanyName, "is longer than %d characters", MaxCompanyName)
		case strings.IndexFunc(name, unicode.IsControl) >= 0:
			return apperr.Invalid(keyCompanyName, "must not contain control characters")
		}
		out[keyCompanyName] = name
	}
	if p.BrandColour != nil {
		c, err := NormalizeColour(*p.BrandColour)
		if err != nil {
			return err
		}
		out[keyBrandColour] = c
	}
	return nil
}

// NormalizeColour checks a colour written as #rrggbb and returns it in
// lower case. Only this one form is accepted: the colour is written into a
// style sheet, so nothing but hex digits may get there.
func NormalizeColour(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) != 7 || s[0] != '#' {
		return "", apperr.Unprocessable(keyBrandColour, "must be a colour written as #rrggbb, such as #1f5f99")
	}
	if _, err := strconv.ParseUint(s[1:], 16, 32); err != nil {
		return "", apperr.Unprocessable(keyBrandColour, "must be a colour written as #rrggbb, such as #1f5f99")
	}
	return s, nil
}

// BrandTextColour is the colour of text on the brand colour: black or
// white, whichever contrasts more. One of the two always reaches at least
// 4.58:1, so text on the brand colour meets WCAG AA whatever admins pick.
func (s Settings) BrandTextColour() string {
	l := Luminance(s.BrandColour)
	if Contrast(l, 1) >= Contrast(l, 0) {
		return "#ffffff"
	}
	return "#000000"
}

// Contrast is the WCAG contrast ratio of two relative luminances.
func Contrast(a, b float64) float64 {
	return (math.Max(a, b) + 0.05) / (math.Min(a, b) + 0.05)
}

// Luminance is the WCAG relative luminance of a #rrggbb colour; 0 for a
// colour that does not parse.
func Luminance(hex string) float64 {
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		return 0
	}
	channel := func(c uint64) float64 {
		x := float64(c) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(v>>16&0xff) + 0.7152*channel(v>>8&0xff) + 0.0722*channel(v&0xff)
}
