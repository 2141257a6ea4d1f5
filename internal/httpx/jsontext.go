package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// checkJSONText refuses a body that encoding/json would silently change or
// that no text column can hold: bytes that are not UTF-8 (the decoder turns
// them into U+FFFD) and NUL characters, raw or written \u0000 (PostgreSQL
// refuses them, SQLite stores them). The error names the JSON field at
// fault, or "body" when there is none.
func checkJSONText(body []byte) error {
	bad := firstBadByte(body)
	if bad < 0 && !bytes.Contains(body, []byte(`\u0000`)) {
		return nil
	}
	field, problem := locateBadText(body, bad)
	if problem == "" { // only a \u0000 outside any string: the decoder will refuse it
		return nil
	}
	return apperr.Invalid(field, "%s %s", field, problem)
}

// firstBadByte returns the offset of the first NUL byte or invalid UTF-8
// sequence in b, or -1.
func firstBadByte(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] == 0 {
			return i
		}
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

func badByteProblem(c byte) string {
	if c == 0 {
		return "contains a NUL character (U+0000)"
	}
	return "is not valid UTF-8"
}

// locateBadText walks the body's tokens to find the field that holds the
// byte at offset bad (if bad >= 0) or the first string holding a NUL.
func locateBadText(body []byte, bad int) (field, problem string) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var p jsonPath
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		end := dec.InputOffset()
		if err != nil {
			if bad < 0 {
				return "", ""
			}
			if errors.Is(err, io.EOF) {
				return "body", badByteProblem(body[bad])
			}
			// A raw NUL inside a string is a syntax error: blame where we were.
			if p.expectingKey() {
				return p.String(), "has a field name that " + badByteProblem(body[bad])
			}
			return p.at(), badByteProblem(body[bad])
		}
		s, isString := tok.(string)
		inToken := bad >= int(start) && bad < int(end)
		if inToken || (isString && strings.IndexByte(s, 0) >= 0) {
			why := "contains a NUL character (U+0000)"
			if inToken {
				why = badByteProblem(body[bad])
			}
			if isString && p.expectingKey() {
				return p.String(), "has a field name that " + why
			}
			return p.at(), why
		}
		p.advance(tok)
	}
}

// jsonPath follows where a token stream is, to name fields the way the
// rest of the API does: requester.email, identities[0].value.
type jsonPath struct{ frames []jsonFrame }

type jsonFrame struct {
	object    bool
	key       string
	index     int
	expectKey bool
}

func (p *jsonPath) expectingKey() bool {
	n := len(p.frames)
	return n > 0 && p.frames[n-1].object && p.frames[n-1].expectKey
}

// at names the value the next token belongs to.
func (p *jsonPath) at() string {
	if n := len(p.frames); n > 0 && !p.frames[n-1].object {
		p.frames[n-1].index++
		defer func() { p.frames[n-1].index-- }()
	}
	return p.String()
}

// String names the current position; "body" at the top.
func (p *jsonPath) String() string {
	var b strings.Builder
	for _, f := range p.frames {
		switch {
		case f.object && f.key != "":
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		case !f.object && f.index >= 0:
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
		}
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}

// advance moves past tok.
func (p *jsonPath) advance(tok json.Token) {
	n := len(p.frames)
	if s, ok := tok.(string); ok && n > 0 && p.frames[n-1].object && p.frames[n-1].expectKey {
		p.frames[n-1].key, p.frames[n-1].expectKey = s, false
		return
	}
	switch tok {
	case json.Delim('{'), json.Delim('['):
		if n > 0 && !p.frames[n-1].object {
			p.frames[n-1].index++
		}
		p.frames = append(p.frames, jsonFrame{object: tok == json.Delim('{'), index: -1, expectKey: true})
		return
	case json.Delim('}'), json.Delim(']'):
		p.frames = p.frames[:n-1]
		p.valueDone()
		return
	}
	if n > 0 && !p.frames[n-1].object {
		p.frames[n-1].index++
	}
	p.valueDone()
}

// valueDone notes that a value ended: an object waits for its next key.
func (p *jsonPath) valueDone() {
	if n := len(p.frames); n > 0 && p.frames[n-1].object {
		p.frames[n-1].key, p.frames[n-1].expectKey = "", true
	}
}
