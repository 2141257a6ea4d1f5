package knowledge

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/user"
)

type reviewData struct {
	Page
	Editor   bool
	InReview []*kb.Article
	Stale    []kb.Stale
	Settings kb.Settings
	Values   []valueOption
	Credit   int64 // the chosen value's id, 0 for none
	Problem  *problem
}

type valueOption struct {
	ID   int64
	Name string
}

// reviewPage lists the submissions waiting for an editor and the articles
// that need review; editors set when an article needs review.
func (wb *Pages) reviewPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderReview(w, r, http.StatusOK, nil)
}

func (wb *Pages) renderReview(w http.ResponseWriter, r *http.Request, status int, pr *problem) error {
	ctx := r.Context()
	d := &reviewData{Page: wb.BasePage(r, "Articles to review"), Editor: user.FromContext(ctx).IsLead(), Problem: pr}
	var err error
	if d.InReview, err = wb.KB.InReview(ctx); err != nil {
		return err
	}
	if d.Stale, err = wb.KB.NeedsReview(ctx); err != nil {
		return err
	}
	if d.Settings, err = wb.KB.Settings(ctx); err != nil {
		return err
	}
	if d.Settings.CreditValueID != nil {
		d.Credit = *d.Settings.CreditValueID
	}
	if wb.Values != nil {
		opts, err := wb.Values(ctx)
		if err != nil {
			return err
		}
		for _, o := range opts {
			d.Values = append(d.Values, valueOption{ID: o.ID, Name: o.Name})
		}
	}
	wb.Render(w, r, status, "kb_review", d)
	return nil
}

func (wb *Pages) saveSettings(w http.ResponseWriter, r *http.Request) error {
	st := kb.Settings{}
	var err error
	for field, dst := range map[string]*int{"review_days": &st.ReviewDays, "unhelpful_percent": &st.UnhelpfulPercent,
		"min_votes": &st.MinVotes} {
		if *dst, err = strconv.Atoi(r.PostFormValue(field)); err != nil {
			err = apperr.Invalid(field, "must be a whole number")
			break
		}
	}
	if v := r.PostFormValue("credit_value_id"); err == nil && v != "" {
		id, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			err = apperr.Invalid("credit_value_id", "%q is not a value", v)
		}
		st.CreditValueID = &id
	}
	if err == nil {
		err = wb.KB.SaveSettings(r.Context(), viewer(r), st)
	}
	if err != nil {
		pr, status, ok := asProblem(r, err)
		if !ok {
			return err
		}
		return wb.renderReview(w, r, status, pr)
	}
	wb.Flash(r, "Settings saved.")
	http.Redirect(w, r, "/kb/review", http.StatusSeeOther)
	return nil
}

func viewer(r *http.Request) kb.Viewer { return kb.ViewerOf(user.FromContext(r.Context())) }

// act runs one review action on the article of the path and returns to it.
func (wb *Pages) act(w http.ResponseWriter, r *http.Request, done string, fn func(id int64) error) error {
	a, err := wb.article(r)
	if err != nil {
		return err
	}
	if err := fn(a.ID); err != nil {
		return err
	}
	wb.Flash(r, done)
	http.Redirect(w, r, fmt.Sprintf("/kb/articles/%d", a.ID), http.StatusSeeOther)
	return nil
}

func (wb *Pages) submit(w http.ResponseWriter, r *http.Request) error {
	return wb.act(w, r, "Submitted for review.", func(id int64) error {
		_, err := wb.KB.Submit(r.Context(), viewer(r), id)
		return err
	})
}

func (wb *Pages) approve(w http.ResponseWriter, r *http.Request) error {
	return wb.act(w, r, "Approved and published.", func(id int64) error {
		_, err := wb.KB.Approve(r.Context(), viewer(r), id, kb.Patch{})
		return err
	})
}

func (wb *Pages) sendBack(w http.ResponseWriter, r *http.Request) error {
	return wb.act(w, r, "Sent back to its author.", func(id int64) error {
		_, err := wb.KB.SendBack(r.Context(), viewer(r), id, r.PostFormValue("comment"))
		return err
	})
}

func (wb *Pages) confirm(w http.ResponseWriter, r *http.Request) error {
	return wb.act(w, r, "Confirmed as still right.", func(id int64) error {
		return wb.KB.Confirm(r.Context(), viewer(r), id)
	})
}
