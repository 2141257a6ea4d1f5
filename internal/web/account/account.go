package account

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

type accountPage struct {
	Page
	Tokens        []*user.Token
	NewToken      string // the secret of a token just created, shown once
	RecoveryLeft  int
	Require2FA    bool
	Error         string
	ErrorField    string
	Enrolment     *user.Enrolment
	QR            template.URL // the enrolment's QR code as a data: URL
	RecoveryCodes []string
	// RecoveryDownload is a data: URL of RecoveryCodes as a text file.
	RecoveryDownload template.URL
	SignatureMax     int
}

func (wb *Pages) accountPage(r *http.Request) (*accountPage, error) {
	ctx := r.Context()
	u := user.FromContext(ctx)
	tokens, err := wb.Users.Tokens(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	left, err := wb.Users.RecoveryCodesLeft(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	s, err := wb.Settings.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &accountPage{Page: wb.BasePage(r, "Your account"), Tokens: tokens, RecoveryLeft: left, Require2FA: s.Require2FA,
		SignatureMax: user.MaxSignatureLen}, nil
}

func (wb *Pages) account(w http.ResponseWriter, r *http.Request) error {
	p, err := wb.accountPage(r)
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "account", p)
	return nil
}

// accountError shows the account page again with a problem the person can fix.
func (wb *Pages) accountError(w http.ResponseWriter, r *http.Request, err error) error {
	status, detail := httpx.Describe(r.Context(), err)
	if status >= 500 {
		return err
	}
	p, perr := wb.accountPage(r)
	if perr != nil {
		return perr
	}
	p.Error, p.ErrorField = detail.Message, detail.Field
	wb.Render(w, r, status, "account", p)
	return nil
}

func (wb *Pages) changePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := user.FromContext(ctx)
	if r.PostFormValue("new_password") != r.PostFormValue("confirm_password") {
		return wb.accountError(w, r, apperr.Invalid("confirm_password", "does not match the new password"))
	}
	err := wb.Users.ChangePassword(ctx, u.ID, reauth(r), r.PostFormValue("new_password"))
	if err != nil {
		return wb.accountError(w, r, err)
	}
	// The change ended every sign-in; keep this one.
	fresh, err := wb.Users.Get(ctx, u.ID)
	if err != nil {
		return err
	}
	if err := wb.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	wb.Sessions.Put(ctx, kit.KeyEpoch, fresh.SessionEpoch)
	wb.Flash(r, "Your password is changed. Other sign-ins have ended.")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

// saveSignature serves POST /account/signature: the text written below
// one's replies in the mail customers get.
func (wb *Pages) saveSignature(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sig := r.PostFormValue("signature")
	if _, err := wb.Users.UpdateProfile(ctx, user.FromContext(ctx).ID, user.ProfilePatch{Signature: &sig}); err != nil {
		return wb.accountError(w, r, err)
	}
	wb.Flash(r, "Your signature is saved.")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

// reauth reads what a form asks a person to prove again before a
// sensitive change (see user.Reauth).
func reauth(r *http.Request) user.Reauth {
	return user.Reauth{Password: r.PostFormValue("current_password"), Code: r.PostFormValue("code"), IP: httpx.ClientIP(r)}
}

func (wb *Pages) changeEmail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := wb.Users.ChangeEmail(ctx, user.FromContext(ctx).ID, reauth(r), r.PostFormValue("email")); err != nil {
		return wb.accountError(w, r, err)
	}
	wb.Flash(r, "Your email address is changed: sign in with it from now on.")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

func (wb *Pages) createToken(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	_, secret, err := wb.Users.CreateOwnToken(ctx, user.FromContext(ctx).ID, r.PostFormValue("name"), reauth(r))
	if err != nil {
		return wb.accountError(w, r, err)
	}
	p, err := wb.accountPage(r)
	if err != nil {
		return err
	}
	p.NewToken = secret
	wb.Render(w, r, http.StatusCreated, "account", p)
	return nil
}

func (wb *Pages) revokeToken(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := wb.Users.RevokeToken(ctx, user.FromContext(ctx), id); err != nil {
		return err
	}
	wb.Flash(r, "The token is revoked.")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

func (wb *Pages) twoFactorSetup(w http.ResponseWriter, r *http.Request) error {
	p, err := wb.twoFactorPage(r)
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "twofactor_setup", p)
	return nil
}

// twoFactorPage is the enrolment page with the user's pending secret, which
// stays the same however often the page is loaded (see BeginTwoFactor).
func (wb *Pages) twoFactorPage(r *http.Request) (*accountPage, error) {
	p, err := wb.accountPage(r)
	if err != nil {
		return nil, err
	}
	p.Title = "Two-factor sign-in"
	if !p.User.TOTPEnabled {
		if p.Enrolment, err = wb.Users.BeginTwoFactor(r.Context(), p.User.ID); err != nil {
			return nil, err
		}
		// html/template refuses data: URLs it did not see built; this one
		// is a PNG we encoded ourselves (the CSP allows img-src data:).
		if strings.HasPrefix(p.Enrolment.QRPNG, "data:image/png;base64,") {
			p.QR = template.URL(p.Enrolment.QRPNG)
		}
	}
	return p, nil
}

func (wb *Pages) twoFactorConfirm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := user.FromContext(ctx)
	codes, err := wb.Users.ConfirmTwoFactor(ctx, u.ID, r.PostFormValue("code"))
	if err != nil {
		status, detail := httpx.Describe(ctx, err)
		if status >= 500 {
			return err
		}
		p, perr := wb.twoFactorPage(r)
		if perr != nil {
			return perr
		}
		p.Error = "That code did not work: " + detail.Message + ". Check that your device's clock is right, and enter the newest code your app shows."
		wb.Render(w, r, status, "twofactor_setup", p)
		return nil
	}
	p, err := wb.accountPage(r)
	if err != nil {
		return err
	}
	p.Title, p.RecoveryCodes = "Two-factor sign-in", codes
	// The codes are shown this once; the download is built here, not
	// fetched later, because only their hashes are kept.
	p.RecoveryDownload = template.URL("data:text/plain;charset=utf-8," +
		url.PathEscape("Centerdesk recovery codes for "+u.Email+"\n\n"+strings.Join(codes, "\n")+"\n"))
	p.User.TOTPEnabled = true
	wb.Render(w, r, http.StatusOK, "twofactor_setup", p)
	return nil
}

// twoFactorCancel drops a pending enrolment, so the next starts afresh.
func (wb *Pages) twoFactorCancel(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := wb.Users.CancelTwoFactor(ctx, user.FromContext(ctx).ID); err != nil {
		return err
	}
	wb.Flash(r, "Two-factor set-up cancelled.")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

func (wb *Pages) twoFactorDisable(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := wb.Users.DisableOwnTwoFactor(ctx, user.FromContext(ctx).ID, reauth(r)); err != nil {
		return wb.accountError(w, r, err)
	}
	// Turning it off ended every sign-in, this one included.
	if err := wb.Sessions.Destroy(ctx); err != nil {
		return err
	}
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}
