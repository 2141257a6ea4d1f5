package httpx

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"
)

type requestIDKey struct{}

// RequestID returns the request id carried by ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// validRequestID accepts ids a proxy may have set, and nothing that could
// forge log lines.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// WithRequestID gives each request an id, taken from X-Request-Id when a
// proxy set a sane one, and echoes it in the response.
func WithRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID.MatchString(id) {
			id = rand.Text()[:16]
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// StatusRecorder remembers the status a handler wrote.
type StatusRecorder struct {
	http.ResponseWriter
	Status int
	Bytes  int
}

// WriteHeader records the status.
func (s *StatusRecorder) WriteHeader(code int) {
	if s.Status == 0 {
		s.Status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *StatusRecorder) Write(b []byte) (int, error) {
	if s.Status == 0 {
		s.Status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.Bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer (for
// flushing server-sent events).
func (s *StatusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Recorder returns w as a *StatusRecorder, wrapping it if needed.
func Recorder(w http.ResponseWriter) *StatusRecorder {
	if rec, ok := w.(*StatusRecorder); ok {
		return rec
	}
	return &StatusRecorder{ResponseWriter: w}
}

// AccessLog logs each request with its status and duration, and recovers
// from a handler's panic with a 500 so one bad request cannot stop the
// server.
func AccessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := Recorder(w)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.ErrorContext(r.Context(), "panic", "request_id", RequestID(r.Context()),
					"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if rec.Status == 0 {
					WriteError(rec, r, log, fmt.Errorf("panic: %v", p))
				}
			}
			log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("request_id", RequestID(r.Context())),
				slog.String("method", r.Method),
				slog.String("path", RedactPath(r.URL.Path)),
				slog.Int("status", rec.Status),
				slog.Int("bytes", rec.Bytes),
				slog.Duration("took", time.Since(start)),
				slog.String("ip", ClientIP(r)))
		}()
		next.ServeHTTP(rec, r)
	})
}

// secretPathPrefixes are the routes whose next path segment is a
// credential: a portal sign-in link carries its one-time token in the path
// (mail clients and browsers keep the whole link), and an access log is read
// by more people, and kept longer, than the token should live. A survey link
// (/feedback/{token}) answers the customer's survey.
var secretPathPrefixes = []string{"/portal/signin/", "/feedback/"}

// RedactPath returns the path as the access log may keep it: the segment
// after a secret prefix becomes "REDACTED".
func RedactPath(path string) string {
	for _, prefix := range secretPathPrefixes {
		rest, ok := strings.CutPrefix(path, prefix)
		if !ok || rest == "" {
			continue
		}
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			return prefix + "REDACTED" + rest[i:]
		}
		return prefix + "REDACTED"
	}
	return path
}

// ClientIP is the address the request came from. Centerdesk does not trust
// X-Forwarded-For by default: a client could set it to dodge the sign-in
// throttle.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
