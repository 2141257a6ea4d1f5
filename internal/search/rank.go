package search

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

// score is one ticket's hit before it is loaded.
type score struct {
	ticketID  int64
	updatedAt time.Time
	number    bool
	subject   bool
	messages  int   // how many of the ranked matching messages are the ticket's
	messageID int64 // the newest of them, whose snippet is shown
	rank      float64
}

// Rank weights. A ticket whose subject matches outranks any whose messages
// alone do: a subject says what the whole ticket is about, a message may
// mention a word in passing. Messages add m/(m+1) for m matching messages,
// so more of them count, with diminishing weight, never as much as a
// subject. The named ticket number outranks everything.
//
// The rank uses no term statistics (bm25, ts_rank): they need every match of
// every word read (a common word's list is most of the index), which is the
// cost the candidate limit exists to avoid. It is the same on both
// databases, and ties go to the most recently updated ticket.
const (
	numberWeight  = 4
	subjectWeight = 2
)

func (s *score) computeRank() {
	s.rank = float64(s.messages) / float64(s.messages+1)
	if s.subject {
		s.rank += subjectWeight
	}
	if s.number {
		s.rank += numberWeight
	}
}

// rank folds the matches into one score per ticket, best first.
func rank(f *found) []*score {
	byTicket := map[int64]*score{}
	get := func(m match) *score {
		s, ok := byTicket[m.ticketID]
		if !ok {
			s = &score{ticketID: m.ticketID, updatedAt: m.updatedAt}
			byTicket[m.ticketID] = s
		}
		return s
	}
	if f.number != nil {
		get(*f.number).number = true
	}
	for _, m := range f.subjects {
		get(m).subject = true
	}
	for _, m := range f.messages {
		s := get(m)
		s.messages++
		s.messageID = max(s.messageID, m.messageID)
	}
	out := make([]*score, 0, len(byTicket))
	for _, s := range byTicket {
		s.computeRank()
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *score) int { return a.position().compare(b.position()) })
	return out
}

// position is where a hit sorts: by rank, then most recently updated, then
// newest ticket. It is also the cursor, so pages follow one another without
// offsets.
type position struct {
	Rank      float64   `json:"r"`
	UpdatedAt time.Time `json:"u"`
	ID        int64     `json:"i"`
}

func (s *score) position() position {
	return position{Rank: s.rank, UpdatedAt: s.updatedAt, ID: s.ticketID}
}

// compare orders positions best first.
func (p position) compare(o position) int {
	if c := cmp.Compare(o.Rank, p.Rank); c != 0 {
		return c
	}
	if c := o.UpdatedAt.Compare(p.UpdatedAt); c != 0 {
		return c
	}
	return cmp.Compare(o.ID, p.ID)
}

// pageOf returns the hits after the cursor, at most limit, and the cursor of
// the page after them ("" when there is none). The ranks are computed afresh
// for each page, so pages follow one another exactly while the matches stay
// the same; a write in between can move a ticket across a page boundary.
func pageOf(scores []*score, after *position, limit int) ([]*score, string) {
	start := 0
	if after != nil {
		start, _ = slices.BinarySearchFunc(scores, *after, func(s *score, p position) int {
			if c := s.position().compare(p); c != 0 {
				return c
			}
			return -1 // the cursor's own hit was on the previous page
		})
	}
	rest := scores[start:]
	if len(rest) <= limit {
		return rest, ""
	}
	return rest[:limit], rest[limit-1].position().encode()
}

func (p position) encode() string {
	b, _ := json.Marshal(p)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a page cursor; the empty cursor (the first page)
// gives (nil, nil).
func decodeCursor(s string) (*position, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	var p position
	if err == nil {
		err = json.Unmarshal(b, &p)
	}
	if err != nil || p.ID <= 0 {
		return nil, apperr.Invalid("cursor", "is not a cursor this search gave out")
	}
	return &p, nil
}

// byNumber finds the ticket with number n among those f passes.
func byNumber(ctx context.Context, r db.Queryer, n int64, f filter) (match, bool, error) {
	args := append(slices.Clone(f.args), n)
	m := match{}
	err := r.QueryRowContext(ctx, fmt.Sprintf(`SELECT t.id, t.updated_at FROM tickets t
		WHERE t.number = $%d`, len(args))+f.and(), args...).Scan(&m.ticketID, db.ScanTime(&m.updatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, fmt.Errorf("search: by number: %w", err)
	}
	return m, true, nil
}
