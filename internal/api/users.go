package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/user"
)

// accountHandlers serve the signed-in user, users, API tokens, the audit log and the instance settings.
type accountHandlers struct {
	users    *user.Service
	settings *settings.Store
	db       *db.DB // the audit log is read straight from its table
}

func (h *accountHandlers) me(w http.ResponseWriter, r *http.Request) error {
	return h.writeMe(w, r, user.FromContext(r.Context()))
}

// updateMe serves PATCH /api/v1/me: what a user changes about themselves.
func (h *accountHandlers) updateMe(w http.ResponseWriter, r *http.Request) error {
	var p user.ProfilePatch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	u, err := h.users.UpdateProfile(r.Context(), user.FromContext(r.Context()).ID, p)
	if err != nil {
		return err
	}
	return h.writeMe(w, r, u)
}

// writeMe answers with u as the user sees themselves: a user who has not
// chosen a time zone sees the desk's, the one pages show them times in.
func (h *accountHandlers) writeMe(w http.ResponseWriter, r *http.Request, u *user.User) error {
	me := *u
	if me.TimeZone == "" {
		s, err := h.settings.Get(r.Context())
		if err != nil {
			return err
		}
		me.TimeZone = s.TimeZone
	}
	httpx.WriteJSON(w, http.StatusOK, &me)
	return nil
}

func (h *accountHandlers) listUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := h.users.List(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(users))
	return nil
}

func (h *accountHandlers) createUser(w http.ResponseWriter, r *http.Request) error {
	var in user.NewUser
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	u, err := h.users.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/users/"+strconv.FormatInt(u.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, u)
	return nil
}

func (h *accountHandlers) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	u, err := h.users.Get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, u)
	return nil
}

func (h *accountHandlers) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var p user.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	u, err := h.users.Update(r.Context(), id, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, u)
	return nil
}

func (h *accountHandlers) resetTwoFactor(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.users.ResetTwoFactor(r.Context(), user.FromContext(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type tokenCreated struct {
	*user.Token
	// Secret is the token itself, shown this once.
	Secret string `json:"token"`
}

func (h *accountHandlers) listTokens(w http.ResponseWriter, r *http.Request) error {
	tokens, err := h.users.Tokens(r.Context(), user.FromContext(r.Context()).ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, listOf(tokens))
	return nil
}

// tokenRequest asks for a new token. A token (or a stolen one) alone is
// not enough to make another: the owner confirms their password, and their
// two-factor code when it is on.
type tokenRequest struct {
	Name string `json:"name"`
	user.Reauth
}

func (h *accountHandlers) createToken(w http.ResponseWriter, r *http.Request) error {
	var in tokenRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	in.IP = httpx.ClientIP(r)
	t, secret, err := h.users.CreateOwnToken(r.Context(), user.FromContext(r.Context()).ID, in.Name, in.Reauth)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, tokenCreated{Token: t, Secret: secret})
	return nil
}

func (h *accountHandlers) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.users.RevokeToken(r.Context(), user.FromContext(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *accountHandlers) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	// Days are UTC days through the API; an exact time can be given instead.
	f, err := audit.ParseFilter(q, time.UTC)
	if err != nil {
		return err
	}
	if f.Before, err = queryID(q, "cursor"); err != nil {
		return err
	}
	if f.Limit, err = httpx.QueryLimit(q, audit.MaxLimit); err != nil {
		return err
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	entries, err := audit.List(r.Context(), h.db.Reader(r.Context()), f)
	if err != nil {
		return err
	}
	out := listOf(entries)
	if len(entries) > 0 && len(entries) == f.Limit {
		out.NextCursor = strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *accountHandlers) getSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := h.settings.Get(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (h *accountHandlers) updateSettings(w http.ResponseWriter, r *http.Request) error {
	var p settings.Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	s, err := h.settings.Update(r.Context(), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}
