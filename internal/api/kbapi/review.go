package kbapi

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/kb"
)

// The review flow: the same kb rules the agents' pages call.

// Review is what waits for review: submissions for an editor, and
// published articles their owners should look at again, with why.
type Review struct {
	InReview    []*kb.Article `json:"in_review"`
	NeedsReview []Stale       `json:"needs_review"`
}

// Stale is a published article that needs review, and why.
type Stale struct {
	Article *kb.Article `json:"article"`
	Reason  string      `json:"reason"`
}

// articleAction runs fn on the article of the path and answers the
// article as it then is.
func (s *Section) articleAction(w http.ResponseWriter, r *http.Request, fn func(id int64) (*kb.Article, error)) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a, err := fn(id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *Section) submit(w http.ResponseWriter, r *http.Request) error {
	return s.articleAction(w, r, func(id int64) (*kb.Article, error) {
		return s.kb.Submit(r.Context(), viewer(r), id)
	})
}

// approve takes an optional body: without one the submission is
// published as it is.
func (s *Section) approve(w http.ResponseWriter, r *http.Request) error {
	var p kb.Patch
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(w, r, &p); err != nil {
			return err
		}
	}
	return s.articleAction(w, r, func(id int64) (*kb.Article, error) {
		return s.kb.Approve(r.Context(), viewer(r), id, p)
	})
}

func (s *Section) sendBack(w http.ResponseWriter, r *http.Request) error {
	var in kb.SendBackNote
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return s.articleAction(w, r, func(id int64) (*kb.Article, error) {
		return s.kb.SendBack(r.Context(), viewer(r), id, in.Comment)
	})
}

func (s *Section) confirm(w http.ResponseWriter, r *http.Request) error {
	return s.articleAction(w, r, func(id int64) (*kb.Article, error) {
		if err := s.kb.Confirm(r.Context(), viewer(r), id); err != nil {
			return nil, err
		}
		return s.kb.Get(r.Context(), id)
	})
}

func (s *Section) review(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	in, err := s.kb.InReview(ctx)
	if err != nil {
		return err
	}
	stale, err := s.kb.NeedsReview(ctx)
	if err != nil {
		return err
	}
	out := Review{InReview: in, NeedsReview: make([]Stale, len(stale))}
	for i, st := range stale {
		out.NeedsReview[i] = Stale{Article: st.Article, Reason: st.Reason}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (s *Section) settings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.kb.Settings(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (s *Section) saveSettings(w http.ResponseWriter, r *http.Request) error {
	var st kb.Settings
	if err := httpx.DecodeJSON(w, r, &st); err != nil {
		return err
	}
	if err := s.kb.SaveSettings(r.Context(), viewer(r), st); err != nil {
		return err
	}
	return s.settings(w, r)
}

func (s *Section) addImage(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in kb.NewImage
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	img, err := s.kb.AddImage(r.Context(), viewer(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, img)
	return nil
}
