// Package httpx is the HTTP plumbing both the JSON API and the pages share:
// handlers that return errors, the one error convention, strict JSON
// decoding, request ids, access logs and panic recovery.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// HandlerFunc is an HTTP handler that returns its failure instead of
// writing it, so that errors are answered in one place.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ErrorBody is the JSON API's error convention:
// {"error": {"code": "...", "message": "...", "field": "..."}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// RequestID lets a person quote a 5xx to whoever reads the logs.
	RequestID string `json:"request_id,omitempty"`
}

// Status maps an error's kind to an HTTP status.
func Status(err error) int {
	switch apperr.KindOf(err) {
	case apperr.KindInvalid:
		return http.StatusBadRequest
	case apperr.KindUnprocessable:
		return http.StatusUnprocessableEntity
	case apperr.KindNotFound:
		return http.StatusNotFound
	case apperr.KindConflict:
		return http.StatusConflict
	case apperr.KindUnauthorized:
		return http.StatusUnauthorized
	case apperr.KindForbidden:
		return http.StatusForbidden
	case apperr.KindTooMany:
		return http.StatusTooManyRequests
	}
	if errors.Is(err, context.Canceled) {
		return 499 // the client went away; nobody reads this answer
	}
	return http.StatusInternalServerError
}

// Describe returns what the client may be told about err. A 5xx is never
// described beyond its request id; its cause goes to the log.
func Describe(ctx context.Context, err error) (int, ErrorDetail) {
	status := Status(err)
	if e, ok := apperr.As(err); ok && status < 500 {
		return status, ErrorDetail{Code: e.Code, Message: e.Message, Field: e.Field}
	}
	return status, ErrorDetail{
		Code:      "internal",
		Message:   "something went wrong on our side; quote the request id if you report it",
		RequestID: RequestID(ctx),
	}
}

// LogError logs err when it is ours to fix (a 5xx), with the request id.
func LogError(r *http.Request, log *slog.Logger, err error) {
	if Status(err) >= 500 {
		log.ErrorContext(r.Context(), "request failed", "request_id", RequestID(r.Context()),
			"method", r.Method, "path", r.URL.Path, "err", err)
	}
}

// WriteError answers err with the JSON error convention.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	LogError(r, log, err)
	status, detail := Describe(r.Context(), err)
	if status == 499 {
		return
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="centerdesk"`)
	}
	WriteJSON(w, status, ErrorBody{Error: detail})
}

// JSON adapts h into an http.Handler that answers its errors as JSON.
func JSON(log *slog.Logger, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			WriteError(w, r, log, err)
		}
	})
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v) // the status is sent; a failed write is the client's loss
}
