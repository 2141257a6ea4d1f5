package account

import (
	"net/http"
	"net/url"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

type signInPage struct {
	Page
	Email string
	Next  string
	Error string
}

func (wb *Pages) signInForm(w http.ResponseWriter, r *http.Request) error {
	if wb.Sessions.GetInt64(r.Context(), kit.KeyUserID) != 0 {
		http.Redirect(w, r, httpx.LocalPath(r.URL.Query().Get("next"), "/"), http.StatusSeeOther)
		return nil
	}
	wb.Render(w, r, http.StatusOK, "signin", &signInPage{Page: wb.BasePage(r, "Sign in"), Next: httpx.LocalPath(r.URL.Query().Get("next"), "/")})
	return nil
}

func (wb *Pages) signIn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	email, password, next := r.PostFormValue("email"), r.PostFormValue("password"), httpx.LocalPath(r.PostFormValue("next"), "/")
	u, err := wb.Users.CheckCredentials(ctx, email, password, httpx.ClientIP(r))
	if err != nil {
		status, detail := httpx.Describe(ctx, err)
		if status >= 500 {
			return err
		}
		wb.Render(w, r, status, "signin", &signInPage{Page: wb.BasePage(r, "Sign in"), Email: email, Next: next, Error: detail.Message})
		return nil
	}
	// A new token on every change of privilege defeats session fixation.
	if err := wb.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	// Kept until the sign-in completes, after a second factor if any.
	wb.Sessions.Put(ctx, keyBrowserZone, r.PostFormValue("time_zone"))
	if u.TOTPEnabled {
		wb.Sessions.Put(ctx, kit.KeyPendingUser, u.ID)
		wb.Sessions.Put(ctx, kit.KeyPendingAt, time.Now().Unix())
		http.Redirect(w, r, "/signin/two-factor?next="+url.QueryEscape(next), http.StatusSeeOther)
		return nil
	}
	return wb.completeSignIn(w, r, u, "password", next)
}

// keyBrowserZone holds, between the password and the end of a sign-in, the
// time zone the browser reported in the sign-in form (filled by time.js).
const keyBrowserZone = "signin_time_zone"

func (wb *Pages) completeSignIn(w http.ResponseWriter, r *http.Request, u *user.User, method, next string) error {
	ctx := r.Context()
	if err := wb.Users.SignedIn(ctx, u, httpx.ClientIP(r), method); err != nil {
		return err
	}
	// The browser's zone becomes the user's, the first time it says one.
	if err := wb.Users.AdoptTimeZone(ctx, u.ID, wb.Sessions.PopString(ctx, keyBrowserZone)); err != nil {
		return err
	}
	if err := wb.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	wb.Sessions.Remove(ctx, kit.KeyPendingUser)
	wb.Sessions.Remove(ctx, kit.KeyPendingAt)
	wb.Sessions.Put(ctx, kit.KeyUserID, u.ID)
	wb.Sessions.Put(ctx, kit.KeyEpoch, u.SessionEpoch)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

type twoFactorPage struct {
	Page
	Next  string
	Error string
}

// pendingUser returns the user who passed the password step recently.
func (wb *Pages) pendingUser(r *http.Request) (*user.User, error) {
	ctx := r.Context()
	id := wb.Sessions.GetInt64(ctx, kit.KeyPendingUser)
	at := time.Unix(wb.Sessions.GetInt64(ctx, kit.KeyPendingAt), 0)
	if id == 0 || time.Since(at) > kit.PendingLimit {
		return nil, apperr.Unauthorized("sign in again")
	}
	return wb.Users.Get(ctx, id)
}

func (wb *Pages) twoFactorForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := wb.pendingUser(r); err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "twofactor", &twoFactorPage{Page: wb.BasePage(r, "Two-factor sign-in"), Next: httpx.LocalPath(r.URL.Query().Get("next"), "/")})
	return nil
}

func (wb *Pages) twoFactor(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := wb.pendingUser(r)
	if err != nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return nil
	}
	ip, next := httpx.ClientIP(r), httpx.LocalPath(r.PostFormValue("next"), "/")
	if err := wb.Users.RefuseIfLocked(ctx, u, ip); err != nil {
		return wb.twoFactorError(w, r, err, next)
	}
	method, err := wb.Users.VerifySecondFactor(ctx, u.ID, r.PostFormValue("code"))
	if apperr.Is(err, apperr.KindInvalid) {
		// It answers the refusal to show, or a fault of ours to fail on.
		if ferr := wb.Users.SecondFactorFailed(ctx, u, ip); httpx.Status(ferr) >= 500 {
			return ferr
		}
		return wb.twoFactorError(w, r, err, next)
	}
	if err != nil {
		return err
	}
	return wb.completeSignIn(w, r, u, "password+"+method, next)
}

func (wb *Pages) twoFactorError(w http.ResponseWriter, r *http.Request, err error, next string) error {
	status, detail := httpx.Describe(r.Context(), err)
	if status >= 500 {
		return err
	}
	msg := detail.Message
	if detail.Field == "code" {
		msg = "That code did not work: " + msg + "."
	}
	wb.Render(w, r, status, "twofactor", &twoFactorPage{Page: wb.BasePage(r, "Two-factor sign-in"), Next: next, Error: msg})
	return nil
}

func (wb *Pages) signOut(w http.ResponseWriter, r *http.Request) error {
	if err := wb.Sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}
