package web

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
)

// tokensPage lists every API token, so an admin sees what can reach the
// API on whose behalf, and revokes what should not (a leaked token, a
// departed colleague's integration).
type tokensPage struct {
	Page
	Tokens []*user.OwnedToken
}

func (wb *Web) adminTokens(w http.ResponseWriter, r *http.Request) error {
	tokens, err := wb.Users.AllTokens(r.Context())
	if err != nil {
		return err
	}
	wb.render(w, r, http.StatusOK, "admin_tokens", &tokensPage{Page: wb.basePage(r, "API tokens"), Tokens: tokens})
	return nil
}

func (wb *Web) adminRevokeToken(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := wb.Users.RevokeToken(ctx, user.FromContext(ctx), id); err != nil {
		return err
	}
	wb.flash(r, "The token is revoked.")
	http.Redirect(w, r, "/admin/tokens", http.StatusSeeOther)
	return nil
}
