package httpx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
)

func TestInternalErrorsDoNotLeak(t *testing.T) {
	var logged strings.Builder
	log := slog.New(slog.NewTextHandler(&logged, nil))
	h := httpx.WithRequestID(httpx.JSON(log, func(w http.ResponseWriter, r *http.Request) error {
		return errors.New("pq: password authentication failed for user secret_admin")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "secret_admin") {
		t.Fatalf("the answer leaks internals: %s", rec.Body)
	}
	var body httpx.ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	id := rec.Header().Get("X-Request-Id")
	if body.Error.Code != "internal" || body.Error.RequestID != id || id == "" {
		t.Fatalf("body %+v, request id %q", body, id)
	}
	if !strings.Contains(logged.String(), "secret_admin") || !strings.Contains(logged.String(), id) {
		t.Fatalf("the log lacks the cause or the request id: %s", logged.String())
	}
}

func TestStatusOfKinds(t *testing.T) {
	cases := map[error]int{
		apperr.Invalid("f", "bad"):      400,
		apperr.Unprocessable("f", "no"): 422,
		apperr.NotFound("ticket"):       404,
		apperr.Conflict("f", "dup"):     409,
		apperr.Unauthorized("who"):      401,
		apperr.Forbidden("no"):          403,
		apperr.TooMany("slow"):          429,
		errors.New("boom"):              500,
		context.Canceled:                499,
	}
	for err, want := range cases {
		if got := httpx.Status(err); got != want {
			t.Errorf("%v: %d, want %d", err, got, want)
		}
	}
}

func TestDecodeJSONRejectsWrongContentType(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{}`))
	r.Header.Set("Content-Type", "text/plain")
	var v struct{}
	err := httpx.DecodeJSON(httptest.NewRecorder(), r, &v)
	if e, ok := apperr.As(err); !ok || e.Code != "unsupported_media_type" {
		t.Fatalf("err = %v", err)
	}
}

func TestRequestIDFromProxyIsKeptOnlyWhenSane(t *testing.T) {
	h := httpx.WithRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, httpx.RequestID(r.Context()))
	}))
	for in, keep := range map[string]bool{"abc-123": true, "bad id\nforged": false} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("X-Request-Id", in)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if (rec.Body.String() == in) != keep {
			t.Errorf("incoming %q became %q", in, rec.Body.String())
		}
	}
}

func TestAccessLogKeepsNoSignInToken(t *testing.T) {
	for path, want := range map[string]string{
		"/portal/signin/abc.def":      "/portal/signin/REDACTED",
		"/portal/signin/abc.def/more": "/portal/signin/REDACTED/more",
		"/portal/signin/":             "/portal/signin/",
		"/portal/tickets/4":           "/portal/tickets/4",
		"/feedback/tok_en":            "/feedback/REDACTED",
		"/feedback/tok_en/opt-out":    "/feedback/REDACTED/opt-out",
	} {
		if got := httpx.RedactPath(path); got != want {
			t.Errorf("RedactPath(%q) = %q, want %q", path, got, want)
		}
	}

	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	h := httpx.AccessLog(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/portal/signin/secret-token-123", nil))
	if strings.Contains(logged.String(), "secret-token-123") {
		t.Fatalf("the access log kept the token: %s", logged.String())
	}
}
