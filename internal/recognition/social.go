package recognition

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// ReactionKind is one of the fixed reactions to an award. The set is small
// on purpose: a feed of celebrations needs applause, not a vocabulary.
type ReactionKind struct {
	Key   string `json:"key"`
	Emoji string `json:"emoji"`
	Label string `json:"label"`
}

// ReactionKinds are the reactions people may give, in the order shown.
var ReactionKinds = []ReactionKind{
	{"clap", "👏", "Applause"},
	{"heart", "❤️", "Love it"},
	{"star", "🌟", "Star work"},
	{"thanks", "🙏", "Thank you"},
}

func reactionKind(key string) (ReactionKind, error) {
	for _, k := range ReactionKinds {
		if k.Key == key {
			return k, nil
		}
	}
	keys := make([]string, len(ReactionKinds))
	for i, k := range ReactionKinds {
		keys[i] = k.Key
	}
	return ReactionKind{}, apperr.Invalid("reaction", "must be one of %s", strings.Join(keys, ", "))
}

// Reaction is how many people gave one reaction to an award, and whether
// the reader is one of them.
type Reaction struct {
	ReactionKind
	Count int  `json:"count"`
	Mine  bool `json:"mine"`
}

// Comment is one person's comment on an award.
type Comment struct {
	ID         int64     `json:"id"`
	AwardID    int64     `json:"award_id"`
	AuthorID   *int64    `json:"author_id"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
}

// SetReaction gives (on) or takes back (!on) who's reaction to an award.
// Each person gives each reaction at most once, so doing it twice changes
// nothing the second time: a double click or a retried request is
// harmless. It returns the award's reactions.
func (s *Service) SetReaction(ctx context.Context, who *user.User, awardID int64, key string, on bool) ([]Reaction, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	if _, err := reactionKind(key); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := getAward(ctx, tx, awardID); err != nil {
			return err
		}
		changed, err := putReaction(ctx, tx, awardID, who.ID, key, on, s.now())
		if err != nil || !changed {
			return err
		}
		action := "award.reaction_added"
		if !on {
			action = "award.reaction_removed"
		}
		return audit.Record(ctx, tx, action, "award", awardID, map[string]any{"reaction": key})
	})
	if err != nil {
		return nil, err
	}
	return s.reactionsOf(ctx, s.db.Reader(ctx), who, awardID)
}

// putReaction adds or removes one reaction and reports whether that
// changed anything.
func putReaction(ctx context.Context, tx *sql.Tx, awardID, userID int64, key string, on bool, now time.Time) (bool, error) {
	var res sql.Result
	var err error
	if on {
		res, err = tx.ExecContext(ctx, `INSERT INTO award_reactions (award_id, user_id, reaction, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, awardID, userID, key, db.Time(now))
	} else {
		res, err = tx.ExecContext(ctx, `DELETE FROM award_reactions WHERE award_id = $1 AND user_id = $2
			AND reaction = $3`, awardID, userID, key)
	}
	if err != nil {
		return false, fmt.Errorf("recognition: reaction: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func (s *Service) reactionsOf(ctx context.Context, q db.Queryer, who *user.User, awardID int64) ([]Reaction, error) {
	a := &Award{ID: awardID}
	if err := s.fillSocial(ctx, q, who, []*Award{a}); err != nil {
		return nil, err
	}
	return a.Reactions, nil
}

// AddComment adds who's comment to an award.
func (s *Service) AddComment(ctx context.Context, who *user.User, awardID int64, body string) (*Comment, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	body, err := apperr.CheckText("body", body, MaxComment, true)
	if err != nil {
		return nil, err
	}
	c := &Comment{AwardID: awardID, AuthorID: &who.ID, AuthorName: who.Name, Body: body, CreatedAt: s.now()}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := getAward(ctx, tx, awardID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO award_comments (award_id, author_id, body, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, awardID, who.ID, body, db.Time(c.CreatedAt)).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("recognition: add comment: %w", err)
		}
		return audit.Record(ctx, tx, "award.commented", "award", awardID, map[string]any{"comment_id": c.ID})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Comments returns an award's comments, oldest first.
func (s *Service) Comments(ctx context.Context, who *user.User, awardID int64) ([]Comment, error) {
	a, err := s.Award(ctx, who, awardID)
	if err != nil {
		return nil, err
	}
	return a.Comments, nil
}

// fillSocial loads the reactions and comments of awards, in two queries
// whatever their number.
func (s *Service) fillSocial(ctx context.Context, q db.Queryer, who *user.User, awards []*Award) error {
	if len(awards) == 0 {
		return nil
	}
	byID := map[int64]*Award{}
	ids := make([]any, len(awards))
	for i, a := range awards {
		byID[a.ID], ids[i] = a, a.ID
		a.Comments = []Comment{}
		a.Reactions = make([]Reaction, len(ReactionKinds))
		for j, k := range ReactionKinds {
			a.Reactions[j] = Reaction{ReactionKind: k}
		}
	}
	if err := fillReactions(ctx, q, byID, who.ID, ids); err != nil {
		return err
	}
	return fillComments(ctx, q, byID, ids)
}

// placeholders returns "$from, $from+1, ..." for n arguments.
func placeholders(from, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", from+i)
	}
	return strings.Join(ph, ", ")
}

func fillReactions(ctx context.Context, q db.Queryer, byID map[int64]*Award, me int64, ids []any) error {
	rows, err := q.QueryContext(ctx, `SELECT award_id, reaction, COUNT(*),
		SUM(CASE WHEN user_id = $1 THEN 1 ELSE 0 END) FROM award_reactions
		WHERE award_id IN (`+placeholders(2, len(ids))+`) GROUP BY award_id, reaction`,
		append([]any{me}, ids...)...)
	if err != nil {
		return fmt.Errorf("recognition: reactions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var key string
		var n, mine int
		if err := rows.Scan(&id, &key, &n, &mine); err != nil {
			return fmt.Errorf("recognition: scan reaction: %w", err)
		}
		for i := range byID[id].Reactions {
			if r := &byID[id].Reactions[i]; r.Key == key {
				r.Count, r.Mine = n, mine > 0
			}
		}
	}
	return rows.Err()
}

func fillComments(ctx context.Context, q db.Queryer, byID map[int64]*Award, ids []any) error {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.award_id, c.author_id, COALESCE(u.name, ''), c.body, c.created_at
		FROM award_comments c LEFT JOIN users u ON u.id = c.author_id
		WHERE c.award_id IN (`+placeholders(1, len(ids))+`) ORDER BY c.id`, ids...)
	if err != nil {
		return fmt.Errorf("recognition: comments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Comment
		if err := rows.Scan(&c.ID, &c.AwardID, &c.AuthorID, &c.AuthorName, &c.Body, db.ScanTime(&c.CreatedAt)); err != nil {
			return fmt.Errorf("recognition: scan comment: %w", err)
		}
		a := byID[c.AwardID]
		a.Comments = append(a.Comments, c)
	}
	return rows.Err()
}
