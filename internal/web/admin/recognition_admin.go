package admin

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// recognitionAdmin is GET /admin/recognition: where awards are sent on.
type recognitionAdmin struct {
	Page
	Webhook *recognition.Webhook
	Header  string
	Error   string
}

func (wb *Pages) recognitionSettings(w http.ResponseWriter, r *http.Request) error {
	hook, err := wb.Recognition.Webhook(r.Context(), user.FromContext(r.Context()))
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "recognition_admin", &recognitionAdmin{Page: wb.BasePage(r, "Recognition settings"),
		Webhook: hook, Header: recognition.SignatureHeader})
	return nil
}

func (wb *Pages) saveRecognitionSettings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := user.FromContext(ctx)
	in := recognition.WebhookInput{URL: r.PostFormValue("url"), RotateSecret: r.PostFormValue("rotate") == "1"}
	if _, err := wb.Recognition.SetWebhook(ctx, u, in); err != nil {
		if !kit.IsInputError(err) {
			return err
		}
		hook, herr := wb.Recognition.Webhook(ctx, u)
		if herr != nil {
			return herr
		}
		hook.URL = in.URL
		wb.Render(w, r, http.StatusUnprocessableEntity, "recognition_admin", &recognitionAdmin{
			Page: wb.BasePage(r, "Recognition settings"), Webhook: hook, Header: recognition.SignatureHeader,
			Error: kit.DescribeInputError(err)})
		return nil
	}
	wb.Flash(r, "Recognition settings saved.")
	http.Redirect(w, r, "/admin/recognition", http.StatusSeeOther)
	return nil
}
