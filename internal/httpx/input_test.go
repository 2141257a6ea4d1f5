package httpx_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
)

type nested struct {
	Requester struct {
		Email string `json:"email"`
	} `json:"requester"`
	Optional *struct {
		X string `json:"x"`
	} `json:"optional"`
	Identities []struct {
		Value string `json:"value"`
	} `json:"identities"`
	Tags   []string          `json:"tags"`
	Fields map[string]string `json:"fields"`
	Note   string            `json:"note"`
}

func decodeErr(t *testing.T, body string) *apperr.Error {
	t.Helper()
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	var v nested
	err := httpx.DecodeJSON(httptest.NewRecorder(), r, &v)
	if err == nil {
		return nil
	}
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.KindInvalid {
		t.Fatalf("%q: %v is not an invalid-input error", body, err)
	}
	return e
}

// TestDecodeJSONRefusesTextNoColumnHolds: encoding/json would turn invalid
// UTF-8 into U+FFFD and \u0000 into a NUL that PostgreSQL refuses; the
// decoder refuses both before decoding, naming the field.
func TestDecodeJSONRefusesTextNoColumnHolds(t *testing.T) {
	for body, field := range map[string]string{
		`{"note": "a\u0000b"}`:                                   "note",
		`{"note": "a\u0000"}`:                                    "note",
		"{\"note\": \"a\x00b\"}":                                 "note",
		"{\"note\": \"caf\xe9\"}":                                "note",
		"{\"note\": \"\xff\"}":                                   "note",
		`{"requester": {"email": "a\u0000@example.com"}}`:        "requester.email",
		"{\"requester\": {\"email\": \"\xc3(\"}}":                "requester.email",
		`{"identities": [{"value": "ok"}, {"value": "\u0000"}]}`: "identities[1].value",
		`{"tags": ["a", "b", "c\u0000"]}`:                        "tags[2]",
		"{\"tags\": [\"a\", \"b\x00\"]}":                         "tags[1]",
		`{"fields": {"colour": "\u0000"}}`:                       "fields.colour",
		`{"no\u0000te": "a"}`:                                    "body",
		"{\"note\": \"ok\"}\x00":                                 "body",
		"\xff{}":                                                 "body",
	} {
		e := decodeErr(t, body)
		if e == nil || e.Field != field || !strings.Contains(e.Message, field) {
			t.Errorf("%q: %+v, want an error naming %q", body, e, field)
		}
	}
	for _, body := range []string{`{"note": "a\\u0000b"}`, `{"note": "é 🙂 \u00e9"}`, `{"tags": ["x"]}`} {
		if e := decodeErr(t, body); e != nil {
			t.Errorf("%q: refused: %v", body, e)
		}
	}
}

// TestDecodeJSONRefusesNullForAnObject: null is not an empty object.
func TestDecodeJSONRefusesNullForAnObject(t *testing.T) {
	for body, field := range map[string]string{
		`null`:                                   "",
		" null \n":                               "",
		`{"requester": null}`:                    "requester",
		`{"identities": [{"value": "a"}, null]}`: "identities[1]",
	} {
		e := decodeErr(t, body)
		if e == nil || e.Field != field {
			t.Errorf("%q: %+v, want an error naming %q", body, e, field)
		}
	}
	// A pointer may be null (left out), and so may lists, maps and text.
	for _, body := range []string{`{"optional": null}`, `{"tags": null, "fields": null, "note": null}`,
		`{"requester": {"email": "a@example.com"}, "note": "null"}`} {
		if e := decodeErr(t, body); e != nil {
			t.Errorf("%q: refused: %v", body, e)
		}
	}
}

func TestQueryLimit(t *testing.T) {
	for raw, want := range map[string]int{"": 0, "limit=1": 1, "limit=200": 200, "other=5": 0} {
		q, _ := url.ParseQuery(raw)
		if got, err := httpx.QueryLimit(q, 200); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", raw, got, err, want)
		}
	}
	for _, raw := range []string{"limit=-1", "limit=0", "limit=201", "limit=99999999999999999999", "limit=ten", "limit="} {
		q, _ := url.ParseQuery(raw)
		_, err := httpx.QueryLimit(q, 200)
		if e, ok := apperr.As(err); !ok || e.Field != "limit" || !strings.Contains(e.Message, "1 to 200") {
			t.Errorf("%q: %v, want an error naming limit and its range", raw, err)
		}
	}
}

func TestCheckRequestText(t *testing.T) {
	for _, c := range []struct {
		method, target, ctype, body, field string
	}{
		{"GET", "/x?q=a%00b", "", "", "q"},
		{"GET", "/x?q=%FF", "", "", "q"},
		{"GET", "/x?a=1&b=%C3%28", "", "", "b"},
		{"GET", "/x?na%00me=1", "", "", ""},
		{"POST", "/x", "application/x-www-form-urlencoded", "email=a%00%40example.com", "email"},
		{"POST", "/x", "application/x-www-form-urlencoded; charset=utf-8", "name=ok&body=%E9t%E9", "body"},
	} {
		r := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
		if c.ctype != "" {
			r.Header.Set("Content-Type", c.ctype)
		}
		err := httpx.CheckRequestText(r)
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindInvalid || e.Field != c.field {
			t.Errorf("%s %s %q: %v, want an invalid error naming %q", c.method, c.target, c.body, err, c.field)
		}
	}
	// Good text passes, and a form stays readable by the handler.
	r := httptest.NewRequest("POST", "/x?q=caf%C3%A9", strings.NewReader("name=Ana+%F0%9F%99%82"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := httpx.CheckRequestText(r); err != nil || r.PostFormValue("name") != "Ana 🙂" {
		t.Fatalf("good input: %v, name %q", err, r.PostFormValue("name"))
	}
	// Multipart forms are checked by their handler; a NUL in a file is fine.
	r = httptest.NewRequest("POST", "/x", strings.NewReader("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n\r\n\x00\xff\r\n--b--\r\n"))
	r.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	if err := httpx.CheckRequestText(r); err != nil {
		t.Fatalf("multipart: %v", err)
	}
}
