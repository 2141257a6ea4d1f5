package recognition

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Badge is what a value's badge is drawn from.
type Badge struct {
	Name   string // the value's name, for the picture's title
	Code   string // the letters drawn on the badge
	Colour string // #rrggbb
}

// Text colours for a badge: white on dark colours, near-black on light ones.
const (
	textLight = "#ffffff"
	textDark  = "#111111"
)

// SVG draws the badge: a disc of the value's colour with a ring, and the
// code in the middle in whichever of white or near-black contrasts more
// with the colour. It carries a title, so a screen reader names it.
func (b Badge) SVG() []byte {
	fill := normColour(b.Colour)
	ink := TextColour(fill)
	code := strings.ToUpper(strings.TrimSpace(b.Code))
	size := fontSize(len([]rune(code)))
	title := html.EscapeString(b.Name + " badge")
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" role="img" aria-labelledby="t">`)
	fmt.Fprintf(&sb, `<title id="t">%s</title>`, title)
	fmt.Fprintf(&sb, `<circle cx="32" cy="32" r="30" fill="%s"/>`, fill)
	fmt.Fprintf(&sb, `<circle cx="32" cy="32" r="26" fill="none" stroke="%s" stroke-opacity="0.6" stroke-width="2"/>`, ink)
	fmt.Fprintf(&sb, `<text x="32" y="32" dy="0.35em" text-anchor="middle" fill="%s" `+
		`font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-weight="700" font-size="%d">%s</text>`,
		ink, size, html.EscapeString(code))
	sb.WriteString(`</svg>` + "\n")
	return []byte(sb.String())
}

// ETag names the picture's content, so a badge URL can carry it and be
// cached for good.
func (b Badge) ETag() string {
	sum := sha256.Sum256([]byte(strings.ToUpper(b.Code) + "\x00" + normColour(b.Colour) + "\x00" + b.Name))
	return hex.EncodeToString(sum[:6])
}

// fontSize shrinks longer codes (up to 8 characters) to fit the disc.
func fontSize(n int) int {
	switch {
	case n <= 1:
		return 32
	case n == 2:
		return 26
	case n == 3:
		return 20
	case n <= 5:
		return 14
	}
	return 10
}

// normColour returns c as #rrggbb, or a neutral grey when it is not one
// (values are checked when written; this keeps a bad row from breaking the
// picture).
func normColour(c string) string {
	c = strings.ToLower(strings.TrimSpace(c))
	if len(c) == 4 && c[0] == '#' { // #rgb
		c = "#" + strings.Repeat(c[1:2], 2) + strings.Repeat(c[2:3], 2) + strings.Repeat(c[3:4], 2)
	}
	if len(c) != 7 || c[0] != '#' {
		return "#6b7280"
	}
	if _, err := hex.DecodeString(c[1:]); err != nil {
		return "#6b7280"
	}
	return c
}

// TextColour picks white or near-black for text on background colour c,
// whichever has the higher WCAG contrast ratio.
func TextColour(c string) string {
	bg := luminance(normColour(c))
	if ContrastRatio(bg, luminance(textLight)) >= ContrastRatio(bg, luminance(textDark)) {
		return textLight
	}
	return textDark
}

// ContrastRatio is WCAG's (L1 + 0.05) / (L2 + 0.05), lighter over darker.
func ContrastRatio(l1, l2 float64) float64 {
	if l1 < l2 {
		l1, l2 = l2, l1
	}
	return (l1 + 0.05) / (l2 + 0.05)
}

// Luminance is WCAG 2's relative luminance of a #rrggbb colour.
func Luminance(c string) float64 { return luminance(normColour(c)) }

func luminance(c string) float64 {
	channel := func(i int) float64 {
		v, _ := strconv.ParseUint(c[i:i+2], 16, 8)
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(1) + 0.7152*channel(3) + 0.0722*channel(5)
}

// BadgePath is where the pages serve a value's badge. It carries the
// picture's ETag, so the picture can be cached for good and a new colour
// or code gets a new address.
func BadgePath(valueID int64, b Badge) string {
	return "/badges/" + strconv.FormatInt(valueID, 10) + ".svg?v=" + b.ETag()
}

// BadgePath is the award's badge picture, "" once its value was removed
// (pages then show the code as text).
func (a *Award) BadgePath() string {
	if a.ValueID == nil {
		return ""
	}
	return BadgePath(*a.ValueID, a.Badge())
}

// BadgePath is the proposed badge's picture.
func (p *Proposal) BadgePath() string { return BadgePath(p.ValueID, p.Badge()) }

// BadgePath is the nominated badge's picture.
func (n *Nomination) BadgePath() string { return BadgePath(n.ValueID, n.Badge()) }

// ValueBadge returns the badge of a value of the philosophy, for anyone:
// badges are meant to be shown.
func (s *Service) ValueBadge(ctx context.Context, valueID int64) (Badge, error) {
	v, err := getValue(ctx, s.db.Reader(ctx), valueID)
	if err != nil {
		return Badge{}, apperr.NotFound("badge")
	}
	return Badge{Name: v.Name, Code: v.Code, Colour: v.Colour}, nil
}

// ValueOption is a value as a form offers it.
type ValueOption struct {
	ID        int64
	Name      string
	Code      string
	BadgePath string
}

// ValueOptions lists the values in the philosophy's order, for the award
// and nomination forms.
func (s *Service) ValueOptions(ctx context.Context) ([]ValueOption, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT id, name, code, colour FROM team_values ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("recognition: values: %w", err)
	}
	defer rows.Close()
	var out []ValueOption
	for rows.Next() {
		var v ValueOption
		var colour string
		if err := rows.Scan(&v.ID, &v.Name, &v.Code, &colour); err != nil {
			return nil, fmt.Errorf("recognition: scan value: %w", err)
		}
		v.BadgePath = BadgePath(v.ID, Badge{Name: v.Name, Code: v.Code, Colour: colour})
		out = append(out, v)
	}
	return out, rows.Err()
}
