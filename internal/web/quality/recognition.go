package quality

import (
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// feedPage is GET /recognition.
type feedPage struct {
	Page
	Awards    []feedItem
	Older     string // the link to the next page, "" on the last
	Lead      bool
	OpenNoms  int // nominations waiting for a lead
	Filtering bool
	FirstPage bool // the unfiltered newest awards, which new ones join live
}

func (wb *Pages) recognitionFeed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := user.FromContext(ctx)
	f, err := feedFilter(r)
	if err != nil {
		return err
	}
	awards, err := wb.Recognition.Feed(ctx, u, f)
	if err != nil {
		return err
	}
	p := &feedPage{Page: wb.BasePage(r, "Recognition"), Lead: u.IsLead()}
	for _, a := range awards {
		p.Awards = append(p.Awards, feedItem{Award: a, CanWithdraw: p.Lead})
	}
	if n := len(awards); n == recognition.DefaultFeedLimit {
		q := r.URL.Query()
		q.Set("before", strconv.FormatInt(awards[n-1].ID, 10))
		p.Older = "/recognition?" + q.Encode()
	}
	if f.AgentID != 0 || f.ValueID != 0 {
		p.Filtering = true
	}
	p.FirstPage = !p.Filtering && f.Before == 0
	if p.Lead {
		open, err := wb.Recognition.Nominations(ctx, u, recognition.NominationOpen)
		if err != nil {
			return err
		}
		p.OpenNoms = len(open)
	}
	wb.Render(w, r, http.StatusOK, "recognition_feed", p)
	return nil
}

func feedFilter(r *http.Request) (recognition.FeedFilter, error) {
	var f recognition.FeedFilter
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"agent", &f.AgentID}, {"value", &f.ValueID}, {"before", &f.Before}} {
		v := r.URL.Query().Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return f, apperr.Invalid(p.name, "%q is not an id", v)
		}
		*p.dst = n
	}
	return f, nil
}

// reactToAward is POST /recognition/awards/{id}/reactions: the form says
// which reaction and whether to give it (on=1) or take it back, so a
// double submit leaves the reaction as the person meant.
func (wb *Pages) reactToAward(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	on := r.PostFormValue("on") == "1"
	_, err = wb.Recognition.SetReaction(r.Context(), user.FromContext(r.Context()), id, r.PostFormValue("reaction"), on)
	return wb.backToAward(w, r, id, err)
}

// feedItem is an award as the feed shows it to the person asking.
type feedItem struct {
	*recognition.Award
	CanWithdraw bool // a lead may take it back
}

// withdrawAward is POST /recognition/awards/{id}/withdraw, a lead taking
// back an award given by mistake.
func (wb *Pages) withdrawAward(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	err = wb.Recognition.WithdrawAward(r.Context(), user.FromContext(r.Context()), id, r.PostFormValue("reason"))
	if err != nil {
		return wb.backToAward(w, r, id, err)
	}
	wb.Flash(r, "The award is withdrawn.")
	http.Redirect(w, r, "/recognition", http.StatusSeeOther)
	return nil
}

func (wb *Pages) commentOnAward(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	_, err = wb.Recognition.AddComment(r.Context(), user.FromContext(r.Context()), id, r.PostFormValue("body"))
	if err == nil {
		wb.Flash(r, "Comment added.")
	}
	return wb.backToAward(w, r, id, err)
}

// backToAward returns to the feed at the award; a mistake in the input is
// flashed there, anything else is an error page.
func (wb *Pages) backToAward(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	if err != nil && !kit.IsInputError(err) {
		return err
	}
	if err != nil {
		wb.Flash(r, kit.DescribeInputError(err))
	}
	back := httpx.LocalPath(r.PostFormValue("back"), "/recognition")
	http.Redirect(w, r, back+"#award-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
