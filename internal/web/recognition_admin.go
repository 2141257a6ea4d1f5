package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/user"
)

// badgeImage serves GET /badges/{id}.svg: a value's badge. It needs no
// sign-in (a badge shows a value's code and colour, which the team shares
// beyond itself), and is cached for a year when asked for with its
// current version (?v=, see recognition.BadgePath), since a changed badge
// gets a new address.
func (wb *Web) badgeImage(w http.ResponseWriter, r *http.Request) {
	idText, ok := strings.CutSuffix(r.PathValue("file"), ".svg")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		http.NotFound(w, r)
		return
	}
	b, err := wb.Recognition.ValueBadge(r.Context(), id)
	if apperr.Is(err, apperr.KindNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		httpx.LogError(r, wb.Log, err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("X-Content-Type-Options", "nosniff")
	// The picture holds no script; this keeps it that way if opened alone.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	etag := `"` + b.ETag() + `"`
	h.Set("ETag", etag)
	if r.URL.Query().Get("v") == b.ETag() {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(b.SVG())
}

// recognitionAdmin is GET /admin/recognition: where awards are sent on.
type recognitionAdmin struct {
	Page
	Webhook *recognition.Webhook
	Header  string
	Error   string
}

func (wb *Web) recognitionSettings(w http.ResponseWriter, r *http.Request) error {
	hook, err := wb.Recognition.Webhook(r.Context(), user.FromContext(r.Context()))
	if err != nil {
		return err
	}
	wb.render(w, r, http.StatusOK, "recognition_admin", &recognitionAdmin{Page: wb.basePage(r, "Recognition settings"),
		Webhook: hook, Header: recognition.SignatureHeader})
	return nil
}

func (wb *Web) saveRecognitionSettings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := user.FromContext(ctx)
	in := recognition.WebhookInput{URL: r.PostFormValue("url"), RotateSecret: r.PostFormValue("rotate") == "1"}
	if _, err := wb.Recognition.SetWebhook(ctx, u, in); err != nil {
		if !isInputError(err) {
			return err
		}
		hook, herr := wb.Recognition.Webhook(ctx, u)
		if herr != nil {
			return herr
		}
		hook.URL = in.URL
		wb.render(w, r, http.StatusUnprocessableEntity, "recognition_admin", &recognitionAdmin{
			Page: wb.basePage(r, "Recognition settings"), Webhook: hook, Header: recognition.SignatureHeader,
			Error: describeInputError(err)})
		return nil
	}
	wb.flash(r, "Recognition settings saved.")
	http.Redirect(w, r, "/admin/recognition", http.StatusSeeOther)
	return nil
}
