package account

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// changeTimeZone sets the zone the signed-in user's pages show times in.
func (wb *Pages) changeTimeZone(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := wb.Users.SetTimeZone(ctx, user.FromContext(ctx).ID, r.PostFormValue("time_zone"))
	if err != nil {
		return wb.accountError(w, r, err)
	}
	wb.Flash(r, "Times are shown in "+kit.ZoneLabel(u.TimeZone)+" from now on.")
	http.Redirect(w, r, "/account#time-zone", http.StatusSeeOther)
	return nil
}
