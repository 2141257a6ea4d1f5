package admin

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

func (wb *Pages) adminTokens(w http.ResponseWriter, r *http.Request) error {
	tokens, err := wb.Users.AllTokens(r.Context())
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "admin_tokens", &tokensPage{Page: wb.BasePage(r, "API tokens"), Tokens: tokens})
	return nil
}

func (wb *Pages) adminRevokeToken(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := wb.Users.RevokeToken(ctx, user.FromContext(ctx), id); err != nil {
		return err
	}
	wb.Flash(r, "The token is revoked.")
	http.Redirect(w, r, "/admin/tokens", http.StatusSeeOther)
	return nil
}
