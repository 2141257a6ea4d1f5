package kit

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
)

// UserProblem reports whether err is the person's to fix (bad input, a
// conflict, no such ticket) and what to tell them; other errors fail the
// request.
func UserProblem(ctx context.Context, err error) (string, bool) {
	status, detail := httpx.Describe(ctx, err)
	if status >= 500 {
		return "", false
	}
	if detail.Field != "" {
		return detail.Field + ": " + detail.Message, true
	}
	return detail.Message, true
}

// IsInputError reports whether err is about what the person typed, so the
// page they came from can say so rather than an error page.
func IsInputError(err error) bool {
	switch apperr.KindOf(err) {
	case apperr.KindInvalid, apperr.KindUnprocessable, apperr.KindConflict:
		return true
	}
	return false
}

// DescribeInputError names the field at fault: "Citation is required."
func DescribeInputError(err error) string {
	e, ok := apperr.As(err)
	if !ok {
		return "Something went wrong."
	}
	msg := e.Message
	if e.Field != "" {
		field := strings.ReplaceAll(e.Field, "_id", "")
		field = strings.ReplaceAll(field, "_", " ")
		msg = strings.ToUpper(field[:1]) + field[1:] + " " + msg
	}
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return "Not saved: " + msg
}

// FormProblem is a form's error as the page shows it.
type FormProblem struct {
	Error      string
	ErrorField string
}

// ProblemOf turns a service error into the status and message a form page
// shows; errors that are not the person's to fix are returned as they are.
func ProblemOf(r *http.Request, err error) (int, FormProblem, error) {
	status, detail := httpx.Describe(r.Context(), err)
	if status >= 500 {
		return 0, FormProblem{}, err
	}
	return status, FormProblem{Error: detail.Message, ErrorField: detail.Field}, nil
}

// ActiveAgents keeps the users who may still sign in, the choices a form
// offers.
func ActiveAgents(users []*user.User) []*user.User {
	return slices.DeleteFunc(slices.Clone(users), func(u *user.User) bool { return !u.Active() })
}
